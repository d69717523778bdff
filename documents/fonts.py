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

Noto Serif CJK SC lacks most of CJK Extension B and beyond (𠀀 U+20000, 𪚥 U+2A6A5), which
real names use. For those the documents fall back to Debian's fonts-hanazono (花园明朝, a
Ming/Song face like Noto Serif): HanaMinB holds Extensions B–F, HanaMinA the rest of the
BMP. They are cut the same way, to just the characters of the document that Noto lacks
(`fallback_subset`), so a name with a rare character adds a few KB, not the 30 MB face.
A character no installed font has is printed as an empty box; `missing_characters`
finds those so the clerk is told before the paper goes out.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import cffi

logger = logging.getLogger(__name__)

FAMILY = "Noto Serif CJK SC"
# After Noto, in this order (fonts-hanazono, .ci/system-deps): B first, since it covers the
# supplementary planes; A holds the few BMP ideographs Noto lacks. Regular only.
FALLBACK_FAMILIES = ("HanaMinB", "HanaMinA")
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
    hb_set_t *hb_set_create (void);
    void hb_set_destroy (hb_set_t *set);
    int hb_set_has (const hb_set_t *set, hb_codepoint_t codepoint);
    void hb_face_collect_unicodes (hb_face_t *face, hb_set_t *out);

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
    typedef struct _FcCharSet FcCharSet;
    typedef struct _FcObjectSet FcObjectSet;
    typedef struct _FcFontSet { int nfont; int sfont; FcPattern **fonts; } FcFontSet;
    FcPattern *FcPatternCreate (void);
    FcBool FcPatternAddCharSet (FcPattern *p, const char *object, const FcCharSet *c);
    FcCharSet *FcCharSetCreate (void);
    FcBool FcCharSetAddChar (FcCharSet *fcs, uint32_t ucs4);
    void FcCharSetDestroy (FcCharSet *fcs);
    FcObjectSet *FcObjectSetCreate (void);
    FcBool FcObjectSetAdd (FcObjectSet *os, const char *object);
    void FcObjectSetDestroy (FcObjectSet *os);
    FcFontSet *FcFontList (FcConfig *config, FcPattern *p, FcObjectSet *os);
    void FcFontSetDestroy (FcFontSet *s);
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


def system_font(style: str) -> tuple[str, int] | None:
    """(file, index in the collection) of Noto Serif CJK SC in that style, or None when the
    machine has only a substitute (fontconfig always answers something)."""
    return installed_font(FAMILY, style)


@cache
def installed_font(family: str, style: str = "Regular") -> tuple[str, int] | None:
    """(file, index in the collection) of that family in that style, or None when the
    machine has only a substitute."""
    libs = _libraries()
    if libs is None:
        return None
    fc = libs.fontconfig
    pattern = fc.FcNameParse(f"{family}:{style}".encode())
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
        if family not in families:
            logger.warning("系统中没有 %s（%s），文书使用替代字体：%s", family, style, families)
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
    return _cut(located, text, FAMILY)


def _cut(located: tuple[str, int], text: Iterable[str], family: str) -> bytes | None:
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
        logger.warning("HarfBuzz 无法生成 %s 子集，改用系统字体", family)
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


# --- characters Noto lacks --------------------------------------------------------------------

_coverage: dict[tuple[str, int], object] = {}


def _covers(located: tuple[str, int]):
    """The set of code points the face maps (a HarfBuzz set, made once per process)."""
    libs = _libraries()
    with _faces_lock:
        covered = _coverage.get(located)
    if covered is None:
        face = _face(*located)
        covered = _ffi.gc(libs.harfbuzz.hb_set_create(), libs.harfbuzz.hb_set_destroy)
        libs.harfbuzz.hb_face_collect_unicodes(face, covered)
        with _faces_lock:
            covered = _coverage.setdefault(located, covered)
    return covered


def _printable(char: str) -> bool:
    # Spaces, controls and format characters take no glyph; nobody misses them on paper.
    return not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf", "Zs", "Zl", "Zp", "Co", "Cn")


def not_in_noto(text: Iterable[str]) -> frozenset[str]:
    """The printable characters of `text` that Noto Serif CJK SC (Regular) has no glyph for.
    Empty when Noto itself is not found (everything then goes to the system's fonts)."""
    located = system_font("Regular")
    if located is None:
        return frozenset()
    covered = _covers(located)
    has = _libraries().harfbuzz.hb_set_has
    return frozenset(c for c in set(text) if _printable(c) and not has(covered, ord(c)))


def fallback_subset(family: str, text: Iterable[str]) -> bytes | None:
    """The fallback face `family` cut to the characters of `text` it has, or None when it
    has none of them (or is not installed)."""
    located = installed_font(family)
    if located is None:
        return None
    has = _libraries().harfbuzz.hb_set_has
    covered = _covers(located)
    chars = [c for c in set(text) if has(covered, ord(c))]
    return _cut(located, chars, family) if chars else None


@cache
def _any_installed_font_has(codepoint: int) -> bool:
    """Whether fontconfig knows any font with a glyph for the character: Pango takes any of
    them when the documents' own fonts lack it."""
    libs = _libraries()
    fc = libs.fontconfig
    charset = fc.FcCharSetCreate()
    pattern = fc.FcPatternCreate()
    objects = fc.FcObjectSetCreate()
    try:
        fc.FcCharSetAddChar(charset, codepoint)
        fc.FcPatternAddCharSet(pattern, b"charset", charset)
        fc.FcObjectSetAdd(objects, b"file")
        found = fc.FcFontList(_ffi.NULL, pattern, objects)
        if found == _ffi.NULL:
            return False
        try:
            return found.nfont > 0
        finally:
            fc.FcFontSetDestroy(found)
    finally:
        fc.FcObjectSetDestroy(objects)
        fc.FcPatternDestroy(pattern)
        fc.FcCharSetDestroy(charset)


def missing_characters(text: Iterable[str]) -> list[str]:
    """The printable characters of `text` that no installed font can print (they come out as
    empty boxes), in code-point order. Quick when Noto has them all, as for nearly every
    document."""
    if _libraries() is None:
        return []
    lacking = not_in_noto(text)
    if not lacking:
        return []
    return sorted((c for c in lacking if not _any_installed_font_has(ord(c))), key=ord)
