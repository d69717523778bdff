"""What documents plugs into cases (cases/extensions.py), registered from
DocumentsConfig.ready(): the print panel on the case page (the templates this user may
print, and the versions printed so far)."""

from cases import extensions


def print_panel(*, request, case) -> dict:
    return {}  # the panel's tag (documents_panel) reads what it shows for this user


def register() -> None:
    extensions.register_case_panel(
        "documents.print", order=20, template_name="admin/documents/case_print_panel.html", context=print_panel
    )
