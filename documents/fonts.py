"""Compact font subsets of the system's Noto Serif CJK SC for one document.

Why not just name the system font in CSS and let WeasyPrint subset it? WeasyPrint keeps
the glyph IDs of the original font when it subsets (so its text layout stays valid), and
the Simplified Chinese glyphs of the Noto CJK collection sit at IDs up to ~65 000: every
embedded weight then carries metrics and empty outlines for 65 000 glyphs, about 75-150
KB per weight even for a one-word title. For a 33-flat unit that pushes the PDFs past
the 400 KB target and makes WeasyPrint slower.

So before rendering we cut, with HarfBuzz's subsetter (the same library WeasyPrint uses,
`libharfbuzz-subset0`), a small font holding exactly the characters of the document with
renumbered glyphs. The CSS declares it as "Noto Serif CJK SC Subset" in front of the
system "Noto Serif CJK SC"; WeasyPrint subsets it again when it writes the PDF, so the
PDF still embeds subsets only. A character the subset lacks, or a machine without
HarfBuzz's subsetter, falls through to the system font: the text is always right, only
the file gets bigger.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import cffi

logger = logging.getLogger(__name__)

FAMILY = "Noto Serif CJK SC"
# The documents use two real faces: Regular for the text and Bold for the titles
# (Debian's fonts-noto-cjk has no Black; fonts-noto-cjk-extra would add it).

_ffi = cffi.FFI()
_ffi.cdef(
    """
    typedef struct hb_blob_t hb_blob_t;
    typedef struct hb_face_t hb_face_t;
    typedef struct hb_set_t hb_set_t;
    typedef struct hb_subset_input_t hb_subset_input_t;
    typedef uint32_t hb_codepoint_t;
    hb_blob_t *hb_blob_create_from_file_or_fail (const char *file_name);
    void hb_blob_destroy (hb_blob_t *blob);
    const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
    hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
    void hb_face_destroy (hb_face_t *face);
    unsigned int hb_face_get_glyph_count (const hb_face_t *face);
    hb_blob_t *hb_face_reference_blob (hb_face_t *face);
    void hb_set_add (hb_set_t *set, hb_codepoint_t codepoint);
    hb_subset_input_t *hb_subset_input_create_or_fail (void);
    void hb_subset_input_destroy (hb_subset_input_t *input);
    hb_set_t *hb_subset_input_unicode_set (hb_subset_input_t *input);
    void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned value);
    hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);

    typedef struct _FcPattern FcPattern;
    typedef struct _FcConfig FcConfig;
    typedef unsigned char FcChar8;
    typedef int FcBool;
    typedef enum { FcResultMatch, FcResultNoMatch, FcResultTypeMismatch, FcResultNoId,
                   FcResultOutOfMemory } FcResult;
    typedef enum { FcMatchPattern, FcMatchFont, FcMatchScan } FcMatchKind;
    FcPattern *FcNameParse (const FcChar8 *name);
    FcBool FcConfigSubstitute (FcConfig *config, FcPattern *p, FcMatchKind kind);
    void FcDefaultSubstitute (FcPattern *pattern);
    FcPattern *FcFontMatch (FcConfig *config, FcPattern *p, FcResult *result);
    FcResult FcPatternGetString (const FcPattern *p, const char *object, int n, FcChar8 **s);
    FcResult FcPatternGetInteger (const FcPattern *p, const char *object, int n, int *i);
    void FcPatternDestroy (FcPattern *p);
    """
)

# hb_subset_flags_t: no hinting (print), and plain charstrings (smaller once compressed).
_HB_SUBSET_FLAGS_NO_HINTING = 0x1
_HB_SUBSET_FLAGS_DESUBROUTINIZE = 0x4


@dataclass(frozen=True)
class _Libraries:
    harfbuzz: object
    subset: object
    fontconfig: object


@cache
def _libraries() -> _Libraries | None:
    try:
        return _Libraries(
            harfbuzz=_ffi.dlopen("libharfbuzz.so.0"),
            subset=_ffi.dlopen("libharfbuzz-subset.so.0"),
            fontconfig=_ffi.dlopen("libfontconfig.so.1"),
        )
    except OSError as exc:  # not Debian-like, or libharfbuzz-subset0 missing: system font then
        logger.warning("文书字体子集不可用，改用系统字体整体嵌入子集：%s", exc)
        return None


@cache
def system_font(style: str) -> tuple[str, int] | None:
    """(file, index in the collection) of Noto Serif CJK SC in that style, or None when the
    machine has only a substitute (fontconfig always answers something)."""
    libs = _libraries()
    if libs is None:
        return None
    fc = libs.fontconfig
    pattern = fc.FcNameParse(f"{FAMILY}:{style}".encode())
    fc.FcConfigSubstitute(_ffi.NULL, pattern, fc.FcMatchPattern)
    fc.FcDefaultSubstitute(pattern)
    result = _ffi.new("FcResult *")
    match = fc.FcFontMatch(_ffi.NULL, pattern, result)
    fc.FcPatternDestroy(pattern)
    if match == _ffi.NULL:
        return None
    try:
        families = []
        value = _ffi.new("FcChar8 **")
        n = 0
        while fc.FcPatternGetString(match, b"family", n, value) == fc.FcResultMatch:
            families.append(_ffi.string(value[0]).decode())
            n += 1
        if FAMILY not in families:
            logger.warning("系统中没有 %s（%s），文书使用替代字体：%s", FAMILY, style, families)
            return None
        if fc.FcPatternGetString(match, b"file", 0, value) != fc.FcResultMatch:
            return None
        path = _ffi.string(value[0]).decode()
        index = _ffi.new("int *")
        fc.FcPatternGetInteger(match, b"index", 0, index)
        return path, index[0]
    finally:
        fc.FcPatternDestroy(match)


_faces: dict[tuple[str, int], object] = {}
_faces_lock = threading.Lock()


def _face(path: str, index: int):
    """The HarfBuzz face of the system font, opened once per process (memory-mapped)."""
    libs = _libraries()
    with _faces_lock:
        face = _faces.get((path, index))
        if face is None:
            blob = libs.harfbuzz.hb_blob_create_from_file_or_fail(path.encode())
            if blob == _ffi.NULL:
                raise OSError(f"cannot read font file {path}")
            face = libs.harfbuzz.hb_face_create(blob, index)
            libs.harfbuzz.hb_blob_destroy(blob)  # the face keeps its own reference
            _faces[(path, index)] = face
        return face


def subset(style: str, text: Iterable[str]) -> bytes | None:
    """An OpenType font with the glyphs of `text`'s characters in that style, or None."""
    located = system_font(style)
    if located is None:
        return None
    libs = _libraries()
    hb, hbs = libs.harfbuzz, libs.subset
    face = _face(*located)
    subset_input = _ffi.gc(hbs.hb_subset_input_create_or_fail(), hbs.hb_subset_input_destroy)
    unicodes = hbs.hb_subset_input_unicode_set(subset_input)
    for codepoint in sorted({ord(c) for c in text}):
        hb.hb_set_add(unicodes, codepoint)
    hbs.hb_subset_input_set_flags(subset_input, _HB_SUBSET_FLAGS_NO_HINTING | _HB_SUBSET_FLAGS_DESUBROUTINIZE)
    result = hbs.hb_subset_or_fail(face, subset_input)
    if result == _ffi.NULL:
        logger.warning("HarfBuzz 无法生成 %s 子集，改用系统字体", FAMILY)
        return None
    try:
        blob = hb.hb_face_reference_blob(result)
        try:
            length = _ffi.new("unsigned int *")
            data = hb.hb_blob_get_data(blob, length)
            return bytes(_ffi.buffer(data, length[0])) if length[0] else None
        finally:
            hb.hb_blob_destroy(blob)
    finally:
        hb.hb_face_destroy(result)
