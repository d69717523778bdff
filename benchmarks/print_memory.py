"""Memory of printing: all four documents for N cases in one process, RSS after each 10 cases.

A worker process prints for many cases in its life; its memory must level off, not grow
with every document (issue 10 §2: 164 → 231 MB over 50 cases, still growing).

How to run (from the project folder), against a database with cases, e.g. the page
benchmark's (read-only: it renders the HTML and the PDF as `document_render` does, but keeps
no version, file or audit row):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/elevator_bench \\
        .venv/bin/python benchmarks/print_memory.py --cases 50

Options: --cases N (default 50), --every N (report after each N cases, default 10),
--tracemalloc (also list the Python allocations that grew most since the first report).
The largest units come first (up to 33 flats), so every document has its full length.

What it found (issue 10): the growth, about 1 MB per case of four documents, is not held by
Python (tracemalloc stays flat) but by Pango: each WeasyPrint FontConfiguration, one per
document for its own font subsets, leaves about 0.2 MB when freed. Three C calls reproduce it
without any document (a fresh Fontconfig configuration handed to a new Pango font map with
pango_fc_font_map_set_config, then both released); the script ends by measuring exactly that,
so the two numbers can be compared. Production bounds it by replacing each gunicorn worker
after 500 requests (config/gunicorn.conf.py).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")


def rss_mb() -> float:
    """The process's resident set size now (Linux /proc), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db.models import Count
    from django.utils import timezone

    from cases.models import Case
    from documents.context import qr_png_data_uri, verification_url
    from documents.models import OFFICIAL_TEMPLATES
    from documents.pdf import html_to_pdf
    from documents.services import document_html

    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start(10)
    cases = list(
        Case.objects.select_related("jurisdiction", "unit__building")
        .annotate(flat_count=Count("unit__flats"))
        .order_by("-flat_count", "pk")[: args.cases]
    )
    print(
        f"{len(cases)} cases, {len(OFFICIAL_TEMPLATES)} documents each; RSS at the start {rss_mb():.0f} MB", flush=True
    )
    baseline = None
    pages = 0
    for n, case in enumerate(cases, start=1):
        for template in OFFICIAL_TEMPLATES:
            code = f"MEM{n:04d}{template.value[:2].upper()}"
            html = document_html(case=case, template=template, code=code, version=1, generated_at=timezone.now())
            pages += html_to_pdf(html, data_uris=[qr_png_data_uri(verification_url(code))]).pages
        if n % args.every == 0 or n == len(cases):
            gc.collect()
            print(f"after {n:3d} cases ({pages} pages): RSS {rss_mb():.0f} MB", flush=True)
            if args.tracemalloc:
                snapshot = tracemalloc.take_snapshot()
                if baseline is None:
                    baseline = snapshot
                else:
                    for stat in snapshot.compare_to(baseline, "traceback")[:5]:
                        print(f"    +{stat.size_diff / 1024:.0f} KiB in {stat.count_diff:+d} blocks")
                        for line in stat.traceback.format()[-6:]:
                            print("       ", line)
    per_document = _font_configuration_cost()
    print(
        f"of which Pango: {per_document * 1024:.0f} KB kept per WeasyPrint FontConfiguration, created and freed"
        f" without any document ({per_document * len(OFFICIAL_TEMPLATES):.1f} MB per case of"
        f" {len(OFFICIAL_TEMPLATES)} documents)",
        flush=True,
    )
    return 0


def _font_configuration_cost(count: int = 100) -> float:
    """MB kept per FontConfiguration made and freed (no document): what Pango does not give back."""
    from weasyprint.text.fonts import FontConfiguration

    from documents.pdf import _return_freed_memory

    _return_freed_memory()
    before = rss_mb()
    for _ in range(count):
        FontConfiguration()
    _return_freed_memory()
    return (rss_mb() - before) / count


if __name__ == "__main__":
    raise SystemExit(main())
