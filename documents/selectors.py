"""Reads of generated documents. Staff reads start at the user's visible cases."""

from django.db.models import QuerySet

from cases.models import Case
from cases.selectors import case_list_visible_to

from . import permissions
from .models import CODE_ALPHABET, CODE_LENGTH, DocumentTemplate, GeneratedDocument


def document_list_visible_to(*, user) -> QuerySet[GeneratedDocument]:
    """The versions of the user's cases, less the tally sheets naming each owner's choice
    for an account that may not see how owners voted (the applicant's)."""
    documents = GeneratedDocument.objects.filter(case__in=case_list_visible_to(user=user))
    if not permissions.sees_individual_choices(user):
        documents = documents.exclude(shows_choices=True)
    return documents


def document_versions_for_case(*, case: Case) -> QuerySet[GeneratedDocument]:
    """Every version of every template of the case, newest first within each template."""
    return case.generated_documents.select_related("generated_by").order_by("template", "-version")


def current_document(*, case: Case, template: str) -> GeneratedDocument | None:
    return case.generated_documents.filter(template=template).order_by("-version").first()


def normalize_code(raw: str) -> str | None:
    """What people type from paper: any case, spaces or dashes; None if it cannot be a code."""
    code = "".join(raw.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def document_by_code(*, code: str) -> GeneratedDocument | None:
    normalized = normalize_code(code)
    if normalized is None:
        return None
    return GeneratedDocument.objects.select_related("case__jurisdiction").filter(code=normalized).first()


def print_panel_rows(*, case: Case, user, case_visible: bool | None = None) -> list[dict]:
    """The case page's print panel: each template with its current version, its history and
    whether this user may print it (`permissions.PRINT_RULES`). Versions the user may not
    download are left out; `current` is None then."""
    versions = list(document_versions_for_case(case=case))
    hide_choices = not permissions.sees_individual_choices(user)
    printable = permissions.printable_templates(user, case, case_visible=case_visible)
    rows = []
    for template in DocumentTemplate:
        mine = [v for v in versions if v.template == template.value]
        latest = mine[0] if mine else None
        withheld = None  # the latest version, when this user may not download it
        if hide_choices:
            mine = [v for v in mine if not v.shows_choices]
            if latest is not None and latest.shows_choices:
                latest, withheld = None, latest
        rows.append(
            {
                "template": template,
                "code": template.value,
                "title": template.label,
                "current": latest,
                "withheld": withheld,
                "latest_version": (latest or withheld).version if (latest or withheld) else None,
                "versions": mine,
                "can_print": template in printable,
            }
        )
    return rows
