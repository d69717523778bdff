"""How every staff list gets its export links, and the list of one's own exports (我的导出).

The lists live in the apps below (cases, voting, funding, …), which may not import oversight;
so oversight hooks in from its own side, at start-up (`install`, from OversightConfig.ready(),
after the admin has registered every ModelAdmin): each registered ModelAdmin's changelist
view is wrapped so that its page, whatever template it is drawn with (the admin's own
change_list.html, an app's own, the case list's), is drawn through
oversight/export_change_list.html, which extends that very template and adds
"导出 Excel / 导出 CSV" beside its tools, each link carrying the page's own query string. The
export itself is one generic view (oversight/views_exports.py) that re-reads the list through
its ModelAdmin. A ModelAdmin registered later (none is) would simply have no links.

Chosen over the alternatives: a registry the lists would call (cases.extensions-style) needs
a line in every app's admin and is forgotten on the next list; an admin action exports only
the ticked rows of one page, not the filtered list; overriding admin/change_list.html misses
the lists that bring their own template (the case list)."""

import functools

from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import views_exports
from .exports import FULL_VALUES, may_export_full
from .exports_services import job_is_stale
from .models import ExportJob, ExportStatus

EXPORT_TEMPLATE = "oversight/export_change_list.html"


def format_links(app_label: str, model_name: str, query: str) -> list[dict]:
    """Excel and CSV of a list, with the list's query string."""
    suffix = f"?{query}" if query else ""
    return [
        {
            "url": reverse("admin:oversight_export", args=[app_label, model_name, fmt]) + suffix,
            "label": label,
            "format": fmt,
        }
        for fmt, label in (("xlsx", _("导出 Excel")), ("csv", _("导出 CSV")))
    ]


def export_links(request, model_admin) -> list[dict]:
    """The links a list shows: Excel and CSV of what it shows; for the lists that mask ID
    numbers or phones, and a user who may see them in full, the full Excel too."""
    opts = model_admin.model._meta
    query = request.GET.urlencode()
    suffix = f"?{query}" if query else ""
    links = format_links(opts.app_label, opts.model_name, query)
    if opts.label_lower in FULL_VALUES and may_export_full(request.user):
        links.append(
            {
                "url": reverse("admin:oversight_export_full", args=[opts.app_label, opts.model_name, "xlsx"]) + suffix,
                "label": _("导出 Excel（含完整证件号码和手机号）"),
                "format": "xlsx-full",
            }
        )
    return links


def _with_export_links(model_admin, view):
    @functools.wraps(view)
    def changelist_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if (
            isinstance(response, TemplateResponse)
            and not response.is_rendered
            and response.status_code == 200
            and IS_POPUP_VAR not in request.GET
            and response.context_data is not None
        ):
            parent = response.template_name
            names = [parent] if isinstance(parent, str) else list(parent)
            response.context_data["oversight_parent_template"] = select_template(names)
            response.context_data["oversight_export_links"] = export_links(request, model_admin)
            response.template_name = EXPORT_TEMPLATE
        return response

    changelist_view.oversight_export_links = True
    return changelist_view


def install(site=None) -> None:
    """Wrap the changelist view of every ModelAdmin registered on the site (once each)."""
    site = site or admin.site
    for model, model_admin in site._registry.items():
        if model is ExportJob or getattr(model_admin.changelist_view, "oversight_export_links", False):
            continue
        model_admin.changelist_view = _with_export_links(model_admin, model_admin.changelist_view)


# --- 我的导出 ------------------------------------------------------------------------------------


class ExportJobAdmin(admin.ModelAdmin):
    """Each staff user's own exports, newest first: read-only, nobody else's."""

    list_display = ["created_at", "list_name", "format", "progress", "download"]
    list_display_links = None
    actions = None
    list_per_page = 50
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request):
        return super().get_queryset(request).filter(owner=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff and (obj is None or obj.owner_id == request.user.pk)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("进度"))
    def progress(self, obj):
        if job_is_stale(obj):
            return _("已中断")
        if obj.status == ExportStatus.RUNNING:
            return f"{obj.rows_done}/{obj.rows_total}"
        return obj.get_status_display()

    @admin.display(description=_("文件"))
    def download(self, obj):
        if obj.status == ExportStatus.DONE:
            return format_html(
                '<a href="{}">{}</a>', reverse("admin:oversight_export_download", args=[obj.pk]), _("下载")
            )
        return format_html('<a href="{}">{}</a>', reverse("admin:oversight_export_progress", args=[obj.pk]), _("查看"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            pk = int(object_id)
        except ValueError:
            pk = 0
        return views_exports.export_progress(request, admin_site=self.admin_site, pk=pk)

    def get_urls(self):
        def wrap(view, **extra):
            return self.admin_site.admin_view(functools.partial(view, admin_site=self.admin_site, **extra))

        return [
            path(
                "export/<str:app_label>/<str:model_name>/<str:fmt>/",
                wrap(views_exports.export_list),
                name="oversight_export",
            ),
            path(
                "export/<str:app_label>/<str:model_name>/<str:fmt>/full/",
                wrap(views_exports.export_list, full=True),
                name="oversight_export_full",
            ),
            path("<int:pk>/progress/", wrap(views_exports.export_progress), name="oversight_export_progress"),
            path("<int:pk>/status/", wrap(views_exports.export_status), name="oversight_export_status"),
            path("<int:pk>/download/", wrap(views_exports.export_download), name="oversight_export_download"),
            *super().get_urls(),
        ]


def register(site=None) -> None:
    site = site or admin.site
    if not site.is_registered(ExportJob):
        site.register(ExportJob, ExportJobAdmin)
