"""The print panel the case page includes: `{% include "admin/documents/case_print_panel.html" %}`
with `case` in the context.

The panel is the same five templates on every case, but its table of versions grows with
each print: its rows are written by `cases.tables.rows_html`, not a template loop (each
version's row took a dozen template lookups, a translation, a date and a URL). The links
are reversed here, once per row.
"""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext

from cases.tables import rows_html

from .. import permissions, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def case_print_panel(context, case):
    """Rows per template (current version, history, whether this user may print it, the
    links), whether this user may print anything, and the versions table's rows."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if case is None or getattr(case, "pk", None) is None or user is None:
        return {"rows": [], "can_render": False, "version_count": 0, "version_rows": "", "evidence_url": ""}
    # On the case page the case is the admin's `original`, loaded through the user's scope
    # (CaseAdmin.get_object): whether the user may see it is not asked a second time.
    case_visible = True if case is context.get("original") else None
    rows = selectors.print_panel_rows(case=case, user=user, case_visible=case_visible)
    for row in rows:
        row["render_url"] = reverse("admin:documents_case_render", args=[case.pk, row["code"]])
        row["download_url"] = _download_url(row["current"]) if row["current"] else ""
    return {
        "rows": rows,
        "can_render": any(row["can_print"] for row in rows),
        "version_count": sum(len(r["versions"]) for r in rows),
        "version_rows": _version_rows(rows),
        # The way to the case's evidence bundle (its own page): asked of the user's roles,
        # read once per request already, so the link costs the case page no query.
        "evidence_url": (
            reverse("admin:documents_case_evidence", args=[case.pk])
            if permissions.evidence_refusal(user, case) is None
            else ""
        ),
    }


def _download_url(document) -> str:
    return reverse("admin:documents_document_download", args=[document.pk])


def _version_rows(rows):
    system, latest, superseded, download = gettext("系统"), gettext("最新"), gettext("已被取代"), gettext("下载")
    return rows_html(
        (
            row["title"],
            gettext("第%(version)s版") % {"version": v.version},
            timezone.localtime(v.generated_at).strftime("%Y-%m-%d %H:%M"),
            v.issuer_name or v.get_issuer_display(),
            (v.generated_by.get_full_name() if v.generated_by is not None else "") or system,
            v.code,
            format_html('<span title="{}">{}…</span>', v.sha256, v.sha256[:12]),
            latest if v.version == row["latest_version"] else superseded,
            format_html('<a href="{}">{}</a>', _download_url(v), download),
        )
        for row in rows
        for v in row["versions"]
    )
