"""The case list and the case page."""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import case_page, extensions, selectors, services, views
from ..case_list import case_list_view, case_rows
from ..models import Case, CaseStatus, Flat, Jurisdiction
from ..roles import is_city_wide
from ..search import case_search_filter
from ..tables import rows_html, warning
from .base import ScopedAdmin

# --- cases ----------------------------------------------------------------------------


class CaseOpenForm(forms.ModelForm):
    """Opening a case: the eligibility gate is checked here for a friendly form error,
    and again by the service under lock."""

    class Meta:
        model = Case
        fields = ["unit", "representatives", "agent_builder", "stretcher_capable", "scheme_summary", "budget"]

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit")
        if unit is not None:
            existing = Case.objects.filter(unit=unit, status=CaseStatus.OPEN).first()
            if existing is not None:
                raise ValidationError(gettext("该梯号已有办理中的案件：%(number)s。") % {"number": existing.number})
            problems = services.case_eligibility_problems(unit=unit)
            if problems:
                raise ValidationError(problems)
        return cleaned


# The case's descriptive fields, as the change page edits them.
CASE_DETAIL_FIELDS = (
    "representatives",
    "agent_builder",
    "design_firm",
    "installer",
    "stretcher_capable",
    "scheme_summary",
    "budget",
)


class CaseDetailsForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = CASE_DETAIL_FIELDS


class CaseJurisdictionFilter(admin.SimpleListFilter):
    """The offices the user may see, from their 13 rows: not a DISTINCT over every case (the
    admin's related-only filter), and not shown to a district user, who sees one office."""

    title = _("辖区")
    parameter_name = "jurisdiction__id__exact"

    def lookups(self, request, model_admin):
        if not is_city_wide(request.user):
            return []
        return [(str(j.pk), j.name) for j in selectors.jurisdiction_list_visible_to(user=request.user)]

    def has_output(self):
        return bool(self.lookup_choices)

    def queryset(self, request, queryset):
        if self.value():
            try:
                return queryset.filter(jurisdiction_id=int(self.value()))
            except ValueError:
                return queryset.none()
        return queryset


class CaseChangeList(ChangeList):
    """The admin's changelist, for what the case list (cases/case_list.py) leaves to it: a
    popup, an odd query string. Its rows are written as the case list writes them."""

    def get_results(self, request):
        super().get_results(request)  # the count reads the filtered cases alone
        self.rows = case_rows(
            self.result_list,
            searched=bool(self.query),
            office_names=dict(Jurisdiction.objects.values_list("pk", "name")),
            admin_site_name=self.model_admin.admin_site.name,
        )
        # The admin's view counts the rows again with len(): a list, not a second query.
        self.result_list = list(self.result_list)


@admin.register(Case)
class CaseAdmin(ScopedAdmin):
    scope = staticmethod(selectors.case_list_visible_to)
    # Fits 1366 px: who the case waits for, until when, and whether that has passed, beside
    # where it stands. The current step's columns are read for the page's rows only.
    list_display = [
        "number",
        "unit",
        "jurisdiction",
        "current_step",
        "waiting_for",
        "due_date",
        "overdue",
        "status",
        "opened_on",
    ]
    list_filter = [CaseJurisdictionFilter, "current_step", "status"]
    # The search reads the case's own search text (cases.search), not these fields: they
    # only name what it covers for the search box.
    search_fields = ["number"]
    search_help_text = _("按案件编号、楼栋地址（如列表所示）、小区名称或业主姓名搜索，两个字即可。")
    list_select_related = ["jurisdiction", "unit__building"]
    # 50 rows a page (the admin's 100 made the page twice as long to render and to read);
    # no second count of every visible case for "N total" (the page count is enough); no
    # date hierarchy (two more queries over every case, for links nobody used).
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice reads every case again
    sortable_by = ()  # newest first, from its index; the filters and the search narrow it
    autocomplete_fields = ["unit", "agent_builder"]
    filter_horizontal = ["representatives"]
    readonly_fields = [
        "number",
        "jurisdiction",
        "status",
        "current_step",
        "opened_at",
        "opened_by",
        "heritage_flag",
        "flat_table",
    ]
    change_form_template = "admin/cases/case/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        # Once the vote has opened, the scheme and budget on its ballots are what the owners
        # decide on: read-only here, refused by the service.
        if obj is not None and self._roster_frozen(obj):
            return [*self.readonly_fields, *sorted(services.VOTED_ON_FIELDS)]
        return self.readonly_fields

    @staticmethod
    def _roster_frozen(case) -> bool:
        # Asked several times per page (form, fieldsets, rendering): once per loaded case.
        if not hasattr(case, "_portal_roster_frozen"):
            case._portal_roster_frozen = extensions.roster_locked(unit=case.unit)
        return case._portal_roster_frozen

    def get_object(self, request, object_id, from_field=None):
        """The case with what its page shows beside it (unit, building, office, who opened
        it, the agent builder) in one query, loaded once per request: the change view and
        the admin's own view ask for it in turn. The query count is then the same whether
        those are set or not."""
        key = (object_id, from_field)
        cached = getattr(request, "_portal_case_object", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        queryset = self.get_queryset(request).select_related(
            "jurisdiction", "unit__building", "opened_by", "agent_builder"
        )
        field = self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
        try:
            obj = queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            obj = None
        request._portal_case_object = (key, obj)
        return obj

    def get_urls(self):

        def wrap(view):
            return self.admin_site.admin_view(partial(view, admin_site=self.admin_site))

        return [
            path("queue/", wrap(views.my_queue), name="cases_case_queue"),
            path("<int:case_pk>/step/<int:number>/<str:action>/", wrap(views.step_action), name="cases_step_action"),
            path("attachment/<int:pk>/download/", wrap(views.attachment_download), name="cases_attachment_download"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        # A case opens on a unit with its roster: the new-case page takes the building, the
        # unit, the roster file and the gate in one go (voting/new_case.py, by URL name: the
        # vote app stands on this one, not the other way round).
        if not self.has_add_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse("admin:voting_new_case"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, object_id)
        if case is None:
            return super().change_view(request, object_id, form_url, extra_context)  # the admin's "not found"
        # The heading names the case and where it is, not "修改 案件".
        title = f"{case.number} {case.unit}"
        text_page = not self._editing(request) and not {IS_POPUP_VAR, TO_FIELD_VAR} & request.GET.keys()
        if text_page and not self.has_view_or_change_permission(request, case):
            raise PermissionDenied
        if request.method == "GET":
            self._say_what_to_check(request, case)
        if text_page:
            return case_page.case_page(
                model_admin=self, request=request, case=case, title=title, can_edit=self._may_change(request, case)
            )
        extra_context = {
            **(extra_context or {}),
            "title": title,
            "subtitle": None,
            "show_save_and_add_another": False,  # a case is opened from its unit, not as "another"
            **case_page.panels_context(request=request, case=case),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _say_what_to_check(self, request, case) -> None:
        """The page's note on a case that has ended. (The money's notes, such as a funding
        plan that does not add up to the budget, are in its panel: funding/.)"""
        if case.status != CaseStatus.OPEN:
            self.message_user(
                request,
                gettext("案件已结束（%(status)s），只能查看。") % {"status": case.get_status_display()},
                messages.INFO,
            )

    def history_view(self, request, object_id, extra_context=None):
        """The "历史" button: what was done on this case (steps, the vote and its ballots,
        documents printed), from its audit log, read-only. The case is found through the
        user's scope first: another office's case is a 404."""

        case = self.get_object(request, object_id)
        if case is None or not self.has_view_or_change_permission(request, case):
            raise Http404
        page = Paginator(selectors.case_history(case=case), 100).get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("办理历史：%(case)s") % {"case": f"{case.number} {case.unit}"},
            "subtitle": None,
            "opts": self.opts,
            "original": case,
            "events": page,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/cases/case/object_history.html", context)

    def get_autocomplete_fields(self, request):
        # On a case's page the agent builder is one of the office's few: a plain choice,
        # whose options are read in one query whether one is chosen or not (the autocomplete
        # widget reads the chosen one separately, so the page's query count varied).
        if request.resolver_match and request.resolver_match.kwargs.get("object_id"):
            return [name for name in self.autocomplete_fields if name != "agent_builder"]
        return self.autocomplete_fields

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = CaseDetailsForm if obj is not None else CaseOpenForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return (
                (
                    None,
                    {
                        "fields": (
                            "unit",
                            "representatives",
                            "agent_builder",
                            "stretcher_capable",
                            "scheme_summary",
                            "budget",
                        )
                    },
                ),
            )
        return (
            (None, {"fields": ("number", "jurisdiction", "status", "current_step", "opened_at", "opened_by")}),
            (
                _("建设单位与方案"),
                {"fields": (*CASE_DETAIL_FIELDS, "heritage_flag")},
            ),
            (_("梯号房屋"), {"fields": ("flat_table",)}),
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "representatives":
            obj_id = request.resolver_match.kwargs.get("object_id")
            owners = selectors.owner_list_visible_to(user=request.user)
            if obj_id:  # on an existing case, only the unit's own owners
                owners = owners.filter(ownerships__flat__unit__cases__pk=obj_id).distinct()
            kwargs["queryset"] = owners
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            # Only what the form edits: fields shown read-only (the scheme and budget once the
            # vote has opened) are not in the form and stay as they are.
            changes = {name: data[name] for name in CASE_DETAIL_FIELDS if name in data and name != "representatives"}
            services.case_update_details(
                case=obj,
                actor=request.user,
                representatives=list(data["representatives"]) if "representatives" in data else None,
                **changes,
            )
            return
        case = services.case_open(
            unit=data["unit"],
            actor=request.user,
            representatives=list(data["representatives"]),
            agent_builder=data["agent_builder"],
            stretcher_capable=data["stretcher_capable"],
            scheme_summary=data["scheme_summary"],
            budget=data["budget"],
        )
        # The admin redirects using `obj`; point it at the case the service opened.
        obj.pk, obj.number = case.pk, case.number
        if case.needs_heritage_opinion:
            messages.warning(
                request,
                gettext("该楼栋位于文化遗产保护范围：%(requirement)s。")
                % {"requirement": selectors.heritage_requirement()},
            )

    def save_related(self, request, form, formsets, change):
        # Representatives are set by the service; the case page has no inlines (its money
        # is changed on funding's own page, through funding's services).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request, obj=None):
        return False  # cases are closed, never deleted: the vote evidence must be kept

    def _may_change(self, request, obj) -> bool:
        # A finished case (completed, rejected, withdrawn) is a record: shown read-only
        # instead of a form whose save the service would refuse.
        return super().has_change_permission(request, obj) and (obj is None or obj.status == CaseStatus.OPEN)

    @staticmethod
    def _editing(request) -> bool:
        return request.method != "GET" or "edit" in request.GET

    def has_change_permission(self, request, obj=None):
        # The case page opens as text for everyone: the timeline, the tables and the details
        # read, not a form of widgets (rendering those was most of the page's time). Whoever
        # may change the details opens the form with "修改案件信息" (?edit=1); saving posts it.
        return self._may_change(request, obj) and (obj is None or self._editing(request))

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        if "_continue" in request.POST and response.status_code == 302:
            response["Location"] += ("&" if "?" in response["Location"] else "?") + "edit=1"
        return response

    # --- the list -------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        return case_list_view(self, request) or super().changelist_view(request, extra_context)

    def get_changelist(self, request, **kwargs):
        return CaseChangeList

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False

        return case_search_filter(queryset, search_term), False  # a semi-join: no duplicates

    @admin.display(description=_("待谁办理"))
    def waiting_for(self, obj):
        return selectors.step_waiting_for(state=obj.current_state, department=obj.current_department) or "—"

    @admin.display(description=_("办理时限"))
    def due_date(self, obj):
        return obj.current_due or "—"

    @admin.display(description=_("超期"))
    def overdue(self, obj):
        if selectors.step_overdue(state=obj.current_state, due_date=obj.current_due):
            return warning(gettext("已超期"))
        return "—"

    @admin.display(description=_("立案日期"), ordering="opened_at")
    def opened_on(self, obj):
        return timezone.localdate(obj.opened_at)

    @admin.display(description=_("文化遗产保护"))
    def heritage_flag(self, obj):
        if obj.needs_heritage_opinion:
            return format_html(
                '<strong class="portal-warning">{}</strong>',
                gettext("位于保护范围：%(requirement)s，不自动通过")
                % {"requirement": selectors.heritage_requirement()},
            )
        return gettext("否")

    # The flat table is the page's longest: its rows are written by rows_html
    # (cases/tables.py), not a format string per cell.
    @admin.display(description=_("房屋与业主"))
    def flat_table(self, obj):
        # The labels once (get_FOO_display rebuilds the choices, and a lazy label translates, per call).
        sources = {value: str(label) for value, label in Flat._meta.get_field("area_source").flatchoices}
        developer_held = gettext("（开发商持有）")
        body = rows_html(
            (
                f.room,
                f.floor,
                f.area,
                sources.get(f.area_source, f.area_source),
                "、".join(f.owner_names) + (developer_held if f.developer_held else ""),
            )
            for f in selectors.unit_flat_rows(unit=obj.unit)
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            gettext("房号"),
            gettext("楼层"),
            gettext("面积（㎡）"),
            gettext("来源"),
            gettext("业主"),
            body,
        )
