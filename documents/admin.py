"""Staff side of the documents: the list of generated versions (read-only) and the print
and download views, served inside the admin so they share its login and staff check.

URL names (for the case page's print panel and for other apps):
- `admin:documents_case_render` (case_pk, template): print one template for a case;
- `admin:documents_document_download` (pk): download a kept version;
- `admin:documents_case_evidence` (case_pk): the case's evidence bundles (documents/evidence_views.py),
  with `admin:documents_evidence_status` and `admin:documents_evidence_download` (pk).
"""

from functools import partial

from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.admin import ReadOnlyAdminMixin
from cases.roles import is_office_staff

from . import evidence_views, selectors, views
from .models import GeneratedDocument


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: versions are written by documents.services only, and never changed."""

    # What a clerk looks for in the list (which case, which document, which version, when,
    # by whom) and the download; pages, size and the hash are on the version's own page.
    # Column widths in static/css/portal-admin.css: names never wrap a character a line.
    list_display = [
        "case",
        "template",
        "version",
        "is_current_display",
        "generated_at",
        "issuer_name",
        "generated_by",
        "code",
        "download_link",
    ]
    list_per_page = 50
    list_filter = ["template"]
    search_fields = ["case__number", "code"]
    list_select_related = ["case", "generated_by"]
    ordering = ["-generated_at", "-pk"]
    fields = [
        "case",
        "template",
        "version",
        "code",
        "sha256",
        "pages",
        "size",
        "generated_at",
        "issuer",
        "issuer_name",
        "shows_choices",
        "generated_by",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        latest = GeneratedDocument.objects.filter(case=OuterRef("case"), template=OuterRef("template"))
        return (
            selectors.document_list_visible_to(user=request.user)
            .select_related("case", "generated_by")
            .annotate(latest_version=Subquery(latest.order_by("-version").values("version")[:1]))
        )

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(partial(view, admin_site=self.admin_site))

        return [
            path("case/<int:case_pk>/render/<str:template>/", wrap(views.case_render), name="documents_case_render"),
            path("<int:pk>/download/", wrap(views.document_download), name="documents_document_download"),
            path("case/<int:case_pk>/evidence/", wrap(evidence_views.case_evidence), name="documents_case_evidence"),
            path("evidence/<int:pk>/status/", wrap(evidence_views.evidence_status), name="documents_evidence_status"),
            path(
                "evidence/<int:pk>/download/",
                wrap(evidence_views.evidence_download),
                name="documents_evidence_download",
            ),
            *super().get_urls(),
        ]

    # Every staff user may list what they can see (the queryset is scoped to their cases);
    # nobody adds, changes or deletes a version.
    # The offices' staff; a using unit's account prints nothing (its list would be empty).
    def has_module_permission(self, request):
        return is_office_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_office_staff(request.user)

    @admin.display(description=gettext_lazy("最新版本"), boolean=True)
    def is_current_display(self, obj):
        return obj.version == obj.latest_version

    @admin.display(description="SHA-256")
    def short_hash(self, obj):
        return format_html('<span title="{}">{}…</span>', obj.sha256, obj.sha256[:12])

    @admin.display(description=gettext_lazy("下载"))
    def download_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:documents_document_download", args=[obj.pk]), _("下载")
        )
