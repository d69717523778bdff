"""HTML to PDF with WeasyPrint, fetching nothing but the project's own static files.

The documents carry owners' names; a template that pointed at the network (or at
file:///etc/…) must not be able to leak them or pull content in. The fetcher below serves
exactly:
- files under the static directories (the site's `static/`, each app's `static/`, and
  STATIC_ROOT after collectstatic), addressed as `{% static %}` URLs on the internal base
  URL or as file:// URLs inside those directories;
- what this render made in memory and handed to it: the font subsets (documents.fonts),
  the fallback faces' subsets for characters Noto lacks, and the QR code's data: URI.
Everything else — http(s) to any real host, file:// elsewhere, other data: URIs, ftp: —
is refused, and WeasyPrint renders without it.
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import gc
import html as html_lib
import mimetypes
import re
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib import request
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import weasyprint
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.utils.translation import gettext as _
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import fonts

# RFC 2606 reserves .invalid: this origin can never reach a real server, it only names
# the static files and font subsets the fetcher serves from disk and memory.
INTERNAL_ORIGIN = "https://documents.invalid"
BASE_URL = INTERNAL_ORIGIN + "/"
FONT_PATHS = {
    "regular": "/_fonts/noto-serif-cjk-sc-subset-regular.otf",
    "bold": "/_fonts/noto-serif-cjk-sc-subset-bold.otf",
}
# The fallback faces (documents.fonts.FALLBACK_FAMILIES), declared only for a document that
# needs them, as "<family> Subset": the documents' stylesheet names them after Noto.
FALLBACK_FONT_PATHS = {family: f"/_fonts/{family.lower()}-subset.ttf" for family in fonts.FALLBACK_FAMILIES}


class RefusedURL(ValueError):
    """The documents' fetcher does not serve this URL."""


def static_roots() -> tuple[Path, ...]:
    """Every directory static files are served from, resolved."""
    dirs = tuple(str(d if isinstance(d, str | Path) else d[1]) for d in settings.STATICFILES_DIRS)
    return _static_roots(dirs, str(settings.STATIC_ROOT or ""))


@cache
def _static_roots(dirs: tuple[str, ...], static_root: str) -> tuple[Path, ...]:
    # Keyed on the settings, so a test that changes them gets fresh roots.
    roots = [Path(d) for d in dirs] + [Path(app.path) / "static" for app in apps.get_app_configs()]
    if static_root:
        roots.append(Path(static_root))
    return tuple(r.resolve() for r in roots if r.is_dir())


def _inside_static(path: Path) -> Path | None:
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if resolved.is_file() and any(resolved.is_relative_to(root) for root in static_roots()):
        return resolved
    return None


def _find_static(name: str) -> Path | None:
    """A static file by its name under STATIC_URL: the app and site sources first (what
    `{% static %}` names in development and tests), then collectstatic's copies (hashed
    names in production)."""
    try:
        found = finders.find(name)
    except SuspiciousFileOperation:
        return None
    candidates = [Path(found)] if found else []
    if settings.STATIC_ROOT:
        candidates.append(Path(settings.STATIC_ROOT) / name)
    for candidate in candidates:
        inside = _inside_static(candidate)  # also stops ../ and symlinks leaving the roots
        if inside is not None:
            return inside
    return None


class LocalOnlyFetcher(URLFetcher):
    """WeasyPrint URL fetcher for the documents: local static files and font subsets only."""

    def __init__(
        self, *, font_files: Mapping[str, bytes | Future[bytes | None]] | None = None, data_uris: Iterable[str] = ()
    ):
        # Deliberately not URLFetcher.__init__: it installs the HTTP(S), FTP and file
        # handlers (and loads the system's CA certificates, ~20 ms a render) that this
        # fetcher never uses — fetch() below never reaches them. WeasyPrint reads only
        # these attributes.
        request.OpenerDirector.__init__(self)
        self._timeout = 1
        self._http_headers = {}
        self._allowed_protocols = ()
        self._fail_on_errors = False
        self._request = None
        # A font may still be being cut (a Future): WeasyPrint asks for it only once it has
        # parsed the document and its styles, which is the time the cutting takes.
        self.font_files = dict(font_files or {})
        # data: URIs are self-contained, but only the ones this render made itself (the QR
        # code) are decoded: a template cannot slip anything else in this way either.
        self.data_uris = frozenset(data_uris)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url in self.data_uris:
            header, _, payload = url.partition(",")
            return URLFetcherResponse(url, base64.b64decode(payload), {"Content-Type": header[5:].split(";")[0]})
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "file":
            if parts.netloc not in ("", "localhost"):
                raise RefusedURL(f"文书渲染拒绝访问：{url}")
            path = _inside_static(Path(url2pathname(unquote(parts.path))))
            if path is not None:
                return self._file(url, path)
        elif scheme == "https" and parts.netloc == urlsplit(INTERNAL_ORIGIN).netloc:
            font = self.font_files.get(parts.path)
            if isinstance(font, Future):
                font = font.result()
            if font:
                return URLFetcherResponse(url, font, {"Content-Type": "font/otf"})
            static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
            if parts.path.startswith(static_prefix):
                path = _find_static(unquote(parts.path[len(static_prefix) :]))
                if path is not None:
                    return self._file(url, path)
        raise RefusedURL(f"文书渲染拒绝访问：{url}")

    @staticmethod
    def _file(url: str, path: Path) -> URLFetcherResponse:
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


STYLESHEET = "documents/pdf/documents.css"


@cache
def _stylesheet(path: Path, mtime_ns: int) -> tuple[weasyprint.CSS, str]:
    """The documents' stylesheet, parsed once per process (and again when the file changes):
    parsing it and compiling its selectors cost more than laying out a short form. Fetched
    through the same local-only fetcher as everything else."""
    fetcher = LocalOnlyFetcher()
    css = weasyprint.CSS(url=f"{BASE_URL}{settings.STATIC_URL.strip('/')}/{STYLESHEET}", url_fetcher=fetcher)
    return css, path.read_text(encoding="utf-8")


def stylesheet() -> tuple[weasyprint.CSS, str]:
    path = _find_static(STYLESHEET)
    if path is None:
        raise RuntimeError(f"static file {STYLESHEET} not found")
    return _stylesheet(path, path.stat().st_mtime_ns)


def _stylesheet_text() -> str:
    """For the characters the CSS's generated content prints (第 页 共 …)."""
    return stylesheet()[1]


# Always in the subset: digits and Latin for numbers, codes and URLs, and the
# punctuation the templates and CSS counters print.
_ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F)) + "　，。、；：？！“”‘’（）《》【】—…·￥¥㎡□☑✓×√"


_subset_pool = ThreadPoolExecutor(max_workers=len(FONT_PATHS), thread_name_prefix="font-subset")


def font_subsets_started(html: str) -> dict[str, Future[bytes | None]]:
    """Font files keyed by the internal path the CSS names, being cut for this document.

    The two faces are cut side by side, and beside WeasyPrint's parsing of the document:
    HarfBuzz runs outside the GIL (cffi releases it). A face that cannot be cut comes out
    as None, and the fetcher then refuses it (the CSS falls through to the system font)."""
    text = frozenset(html) | frozenset(_stylesheet_text()) | frozenset(_ALWAYS)
    return {path: _subset_pool.submit(fonts.subset, style, text) for style, path in FONT_PATHS.items()}


def fallback_fonts(lacking: Iterable[str]) -> tuple[dict[str, bytes], str]:
    """For the characters Noto lacks: each fallback face cut to those it has, keyed by its
    internal path, and the @font-face rules declaring them. Only the faces that have some
    of the characters are declared (a declared face that cannot load is a warning)."""
    lacking = frozenset(lacking)
    files, rules = {}, []
    if not lacking:
        return files, ""
    for family, path in FALLBACK_FONT_PATHS.items():
        data = fonts.fallback_subset(family, lacking)
        if data:
            files[path] = data
            rules.append(f'@font-face {{ font-family: "{family} Subset"; src: url("{path}") format("truetype"); }}')
    return files, "\n".join(rules)


@dataclass(frozen=True)
class MissingGlyph:
    """A character no installed font can print: it comes out of the PDF as an empty box."""

    char: str
    where: tuple[str, ...]  # a few words around each place it occurs, at most three

    def __str__(self) -> str:
        return _("“%(char)s”（U+%(code)04X）无字形，打印为空框，出现在：%(where)s") % {
            "char": self.char,
            "code": ord(self.char),
            "where": "；".join(f"“{w}”" for w in self.where),
        }


_TAG = re.compile(r"<(style|script)\b.*?</\1>|<[^>]*>", re.S | re.I)


def _missing_glyphs(html: str, lacking: Iterable[str]) -> tuple[MissingGlyph, ...]:
    missing = fonts.missing_characters(lacking)
    if not missing:
        return ()
    text = " ".join(html_lib.unescape(_TAG.sub(" ", html)).split())
    found = []
    for char in missing:
        places = [m.start() for m in re.finditer(re.escape(char), text)][:3]
        where = tuple(text[max(0, i - 8) : i + 9].strip() for i in places)
        found.append(MissingGlyph(char=char, where=where))
    return tuple(found)


def _glibc_malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to give back this way
        return None


_malloc_trim = _glibc_malloc_trim()


def _return_freed_memory() -> None:
    """Give the C heap's free pages back to the system after a document.

    Pango, cairo, fontconfig and HarfBuzz allocate tens of MB per document through glibc's
    malloc, the font subsets in the pool's threads, each in a malloc arena of its own.
    Freed, that memory stayed in the arenas: a worker that had printed a few documents kept
    about 40 MB more than it used (benchmarks/print_memory.py). The layout's objects hold
    each other in cycles: collected first, then malloc_trim(0) returns the pages."""
    if _malloc_trim is not None:
        gc.collect()
        _malloc_trim(0)


@dataclass(frozen=True)
class Pdf:
    data: bytes
    pages: int
    # Characters printed as empty boxes (no installed font has them), for the clerk.
    missing_glyphs: tuple[MissingGlyph, ...] = ()


def html_to_pdf(html: str, *, data_uris: Iterable[str] = ()) -> Pdf:
    """Render HTML (from our templates) to PDF bytes with the documents' stylesheet; only
    local resources are fetched. The document's own <style> declares the font subsets;
    `data_uris` are the images the caller made for this document (the QR code).

    Characters Noto Serif CJK SC lacks (CJK Extension B and beyond, in names) are set in
    the fallback faces, cut to just them; any that no font has are returned as
    `missing_glyphs`, so the caller can warn."""
    font_files = font_subsets_started(html)
    lacking = fonts.not_in_noto(html)
    fallback_files, fallback_css = fallback_fonts(lacking)
    fetcher = LocalOnlyFetcher(font_files={**font_files, **fallback_files}, data_uris=data_uris)
    css, _text = stylesheet()
    stylesheets, font_config = [css], FontConfiguration()
    if fallback_css:  # @font-face outside the document: loaded into this render's font configuration
        stylesheets.append(
            weasyprint.CSS(string=fallback_css, base_url=BASE_URL, url_fetcher=fetcher, font_config=font_config)
        )
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        stylesheets=stylesheets, font_config=font_config
    )
    # Subsets only (full_fonts=False is WeasyPrint's default, said here because it matters).
    pdf = Pdf(
        data=document.write_pdf(full_fonts=False, hinting=False),
        pages=len(document.pages),
        missing_glyphs=_missing_glyphs(html, lacking),
    )
    del document, font_config, fetcher, font_files
    _return_freed_memory()
    return pdf
