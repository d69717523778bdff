"""The staff back office for the case domain.

Every queryset starts at a selector (jurisdiction isolation in one place) and every
save goes through a service (validation and audit in one place).
"""

import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, FilteredRelation, Prefetch, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from voting.rules import format_percent

from . import audit, case_page, selectors, services
from .costs import FEN
from .models import (
    AgentBuilder,
    Agreement,
    AuditEvent,
    Building,
    Case,
    CaseStatus,
    ElevatorUnit,
    Flat,
    FloorCoefficient,
    FundingSource,
    Jurisdiction,
    Owner,
    Ownership,
    User,
    owner_kind_for,
)
from .roles import is_city_wide
from .tables import Cell, link, rows_html, url_for_each, warning

# Selector per model for the scoped foreign-key choices of every form and inline.
_SCOPE = {
    Jurisdiction: selectors.jurisdiction_list_visible_to,
    Building: selectors.building_list_visible_to,
    ElevatorUnit: selectors.unit_list_visible_to,
    Flat: selectors.flat_list_visible_to,
    Owner: selectors.owner_list_visible_to,
    AgentBuilder: selectors.agent_builder_list_visible_to,
}


class ScopedFormFieldsMixin:
    """Foreign-key choices limited to what the user may see: a posted foreign ID is then
    an invalid choice, not a way into another jurisdiction."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = _SCOPE.get(db_field.remote_field.model)
        if scope is not None and "queryset" not in kwargs:  # a subclass may narrow it further
            kwargs["queryset"] = scope(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        scope = _SCOPE.get(db_field.remote_field.model)
        if scope is not None and "queryset" not in kwargs:  # a subclass may narrow it further
            kwargs["queryset"] = scope(user=request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdmin(ScopedFormFieldsMixin, admin.ModelAdmin):
    """Queryset from a selector; saves and deletes through services."""

    @staticmethod
    def scope(*, user):  # overridden per model
        raise NotImplementedError

    def get_queryset(self, request):
        qs = self.scope(user=request.user)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def save_model(self, request, obj, form, change):
        services.record_save(obj=obj, actor=request.user, fields=form.changed_data)

    def delete_model(self, request, obj):
        services.record_delete(obj=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.record_delete(obj=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.record_delete(obj=obj, actor=request.user)
        for obj in instances:
            services.record_save(obj=obj, actor=request.user, fields=["(inline)"])
        formset.save_m2m()

    # A service may still refuse a save or delete the form could not foresee (a roster that
    # froze meanwhile, a row of an inline in a frozen unit). The admin's transaction has
    # rolled everything back by then; say why, in Chinese, instead of a server error.
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            return self._refused(request, refusal)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as refusal:
            return self._refused(request, refusal)

    def _refused(self, request, refusal: ValidationError):
        self.message_user(
            request, gettext("未保存：%(reasons)s") % {"reasons": "；".join(refusal.messages)}, messages.ERROR
        )
        return HttpResponseRedirect(request.get_full_path())


# --- jurisdictions and users ----------------------------------------------------------


@admin.register(Jurisdiction)
class JurisdictionAdmin(ScopedAdmin):
    scope = staticmethod(selectors.jurisdiction_list_visible_to)
    list_display = ["name", "code", "housing_office", "contact_phone", "notice_days"]
    readonly_fields = ["code", "name"]

    def has_add_permission(self, request):
        return False  # the 13 offices come from a data migration

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "jurisdiction", "group_names", "is_active", "last_login"]
    list_filter = ["jurisdiction", "groups", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "phone"]
    list_select_related = ["jurisdiction"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "phone", "email", "jurisdiction")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "jurisdiction", "groups", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("角色"))
    def group_names(self, obj):
        # The role groups' names are marked in cases.roles; other groups show as named.
        return "、".join(gettext(g.name) for g in obj.groups.all())


# --- buildings, units, flats, owners --------------------------------------------------


class UnitInline(ScopedFormFieldsMixin, admin.TabularInline):
    model = ElevatorUnit
    extra = 0
    fields = ["name", "flat_count"]
    readonly_fields = ["flat_count"]
    show_change_link = True

    @admin.display(description=_("户数"))
    def flat_count(self, obj):
        return obj.flats.count() if obj.pk else 0


@admin.register(Building)
class BuildingAdmin(ScopedAdmin):
    scope = staticmethod(selectors.building_list_visible_to)
    list_display = [
        "address",
        "compound_name",
        "jurisdiction",
        "floors",
        "year_built",
        "has_reserved_shaft",
        "in_heritage_area",
        "in_demolition_plan",
        "land_inside_plot",
    ]
    list_filter = [
        ("jurisdiction", admin.RelatedOnlyFieldListFilter),
        "has_reserved_shaft",
        "in_heritage_area",
        "in_demolition_plan",
    ]
    search_fields = ["address", "compound_name"]
    list_select_related = ["jurisdiction"]
    inlines = [UnitInline]
    fieldsets = (
        (None, {"fields": ("jurisdiction", "compound_name", "address", "year_built", "floors")}),
        (
            _("适用条件"),
            {"fields": ("has_reserved_shaft", "in_heritage_area", "in_demolition_plan", "land_inside_plot")},
        ),
    )


class FlatInline(ScopedFormFieldsMixin, admin.TabularInline):
    model = Flat
    extra = 0
    fields = ["room", "floor", "area", "area_source", "certificate_no", "developer_held", "owner_names"]
    readonly_fields = ["owner_names"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("ownerships__owner")

    @admin.display(description=_("业主"))
    def owner_names(self, obj):
        return "、".join(o.owner.name for o in obj.ownerships.all()) if obj.pk else "—"


@admin.register(ElevatorUnit)
class ElevatorUnitAdmin(ScopedAdmin):
    scope = staticmethod(selectors.unit_list_visible_to)
    list_display = ["__str__", "jurisdiction_name", "flat_total"]
    list_filter = [("building__jurisdiction", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "building__address", "building__compound_name"]
    list_select_related = ["building__jurisdiction"]
    autocomplete_fields = ["building"]
    inlines = [FlatInline]
    ordering = ["building__address", "name"]  # the Count annotation drops Meta.ordering

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(flat_total_n=Count("flats"))

    @admin.display(description=_("辖区"), ordering="building__jurisdiction")
    def jurisdiction_name(self, obj):
        return obj.building.jurisdiction.name

    @admin.display(description=_("户数"), ordering="flat_total_n")
    def flat_total(self, obj):
        return obj.flat_total_n


class OwnershipOnFlatInline(ScopedFormFieldsMixin, admin.TabularInline):
    model = Ownership
    extra = 0
    autocomplete_fields = ["owner"]
    verbose_name = _("业主")
    verbose_name_plural = _("业主（共有人逐一列出）")


@admin.register(Flat)
class FlatAdmin(ScopedAdmin):
    scope = staticmethod(selectors.flat_list_visible_to)
    list_display = ["room", "unit", "floor", "area", "area_source", "developer_held", "has_certificate", "owner_names"]
    list_filter = [("unit__building__jurisdiction", admin.RelatedOnlyFieldListFilter), "area_source", "developer_held"]
    search_fields = ["room", "unit__building__address", "ownerships__owner__name"]
    list_select_related = ["unit__building"]
    autocomplete_fields = ["unit"]
    inlines = [OwnershipOnFlatInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("ownerships__owner")

    # Once the unit's vote has opened, its flats and their owners are what the vote counts:
    # the page shows them read-only and says why, rather than refusing a save afterwards.
    def _frozen(self, obj) -> bool:
        from voting.selectors import roster_frozen

        return obj is not None and roster_frozen(unit=obj.unit)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._frozen(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if request.method == "GET" and self._frozen(obj):
            self.message_user(
                request, gettext("该梯号的业主表决已开始，房屋与业主名册已冻结，只能查看。"), messages.INFO
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("已登记产权证"), boolean=True)
    def has_certificate(self, obj):
        return bool(obj.certificate_no.strip())

    @admin.display(description=_("业主"))
    def owner_names(self, obj):
        return "、".join(o.owner.name for o in obj.ownerships.all())


class AtLeastOneFlatFormSet(forms.BaseInlineFormSet):
    """An owner record is kept for the flats it owns: one without a flat is a record the
    office keeps for nothing, so the form refuses it and nothing is saved."""

    def clean(self):
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept:
            raise ValidationError(
                gettext("请至少登记一处名下房屋：业主记录随房屋登记，没有房屋的业主不应单独保存。"),
                code="owner_without_flat",
            )


class OwnershipOnOwnerInline(ScopedFormFieldsMixin, admin.TabularInline):
    model = Ownership
    formset = AtLeastOneFlatFormSet
    extra = 0
    autocomplete_fields = ["flat"]
    verbose_name = _("房屋")
    verbose_name_plural = _("名下房屋")

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0  # a new owner's form opens with a flat row to fill in

    def get_queryset(self, request):
        return selectors.ownership_list_visible_to(user=request.user).select_related("flat__unit__building")


class OfficeRecordForm(forms.ModelForm):
    """An office's own record of a person or company (Owner, AgentBuilder): the office is the
    user's own, chosen only by the city-wide roles; the number is unique within the office,
    and the check names only what this office may already see."""

    number_field = ""
    duplicate_message = ""

    def clean(self):
        cleaned = super().clean()
        office = cleaned.get("jurisdiction") or (self.instance.jurisdiction if self.instance.jurisdiction_id else None)
        number = cleaned.get(self.number_field)
        if office is not None and number:
            same = type(self.instance).objects.filter(jurisdiction=office, **{self.number_field: number})
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error(self.number_field, self.duplicate_message)
        return cleaned


class OwnerAdminForm(OfficeRecordForm):
    number_field = "id_number"
    duplicate_message = _("本辖区已登记该证件号码的业主，请在业主列表中按证件号码查找并修改该记录。")

    class Meta:
        model = Owner
        fields = ["jurisdiction", "name", "id_number", "kind", "phone"]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kind" in self.fields:
            # A new owner's kind, left unchosen, follows from the number as in a roster import
            # (cases.models.owner_kind_for); the officer chooses where the number is both.
            self.fields["kind"].required = False
            if self.instance.pk is None:
                self.initial.pop("kind", None)

    def clean_id_number(self):
        from .validators import normalize_id

        return normalize_id(self.cleaned_data["id_number"])

    def clean(self):
        cleaned = super().clean()
        if "kind" in self.fields and not cleaned.get("kind") and cleaned.get("id_number"):
            cleaned["kind"] = owner_kind_for(cleaned["id_number"])
        return cleaned


class AgentBuilderAdminForm(OfficeRecordForm):
    number_field = "credit_code"
    duplicate_message = _("本辖区已登记该统一社会信用代码的代建单位，请在列表中查找并修改该记录。")

    class Meta:
        model = AgentBuilder
        fields = ["jurisdiction", "name", "credit_code", "contact_name", "contact_phone"]

    def clean_credit_code(self):
        from .validators import normalize_id

        return normalize_id(self.cleaned_data["credit_code"])


class OfficeRecordAdmin(ScopedAdmin):
    """The office is the user's own (the scoped choice offers nothing else) and is fixed once
    the record exists: moving it would hand the record to another office."""

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if request.user.jurisdiction_id is not None and obj is None:  # an office registers for itself
            fields = [name for name in fields if name != "jurisdiction"]
        return fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        office = request.user.jurisdiction

        class OfficeForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if self.instance.pk is None and office is not None:
                    self.instance.jurisdiction = office

        return OfficeForm

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("jurisdiction")
        return fields


@admin.register(Owner)
class OwnerAdmin(OfficeRecordAdmin):
    scope = staticmethod(selectors.owner_list_visible_to)
    form = OwnerAdminForm
    list_display = ["name", "kind", "masked_id", "masked_mobile", "flat_list"]
    list_filter = ["kind"]
    search_fields = ["name", "=id_number", "=phone"]
    inlines = [OwnershipOnOwnerInline]

    def get_queryset(self, request):
        # The flat column shows only flats this user may see (all of them are the record's
        # own office's; the Prefetch keeps it so even if a row were linked wrongly).
        visible = selectors.ownership_list_visible_to(user=request.user).select_related("flat__unit__building")
        return super().get_queryset(request).prefetch_related(Prefetch("ownerships", queryset=visible))

    def get_readonly_fields(self, request, obj=None):
        # Named on a frozen roster and on ballots: who the owner is may no longer change.
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and services.frozen_unit_of_owner(owner=obj) is not None:
            return [*fields, *sorted(services.OWNER_IDENTITY_FIELDS)]
        return fields

    @admin.display(description=_("证件号码"))
    def masked_id(self, obj):
        return obj.masked_id_number

    @admin.display(description=_("手机号码"))
    def masked_mobile(self, obj):
        return obj.masked_phone or "—"

    @admin.display(description=_("房屋"))
    def flat_list(self, obj):
        return "；".join(f"{o.flat.unit}{o.flat.room}" for o in obj.ownerships.all())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The change form shows the full ID number and phone: log who looked.
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET":
            audit.personal_data_viewed(obj=obj, actor=request.user)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(AgentBuilder)
class AgentBuilderAdmin(OfficeRecordAdmin):
    scope = staticmethod(selectors.agent_builder_list_visible_to)
    form = AgentBuilderAdminForm
    list_display = ["name", "credit_code", "jurisdiction", "contact_name", "contact_phone"]
    list_filter = [("jurisdiction", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["jurisdiction"]
    search_fields = ["name", "credit_code"]


# --- cases ----------------------------------------------------------------------------


class FundingSourceInline(admin.TabularInline):
    model = FundingSource
    extra = 0
    fields = ["kind", "amount", "note"]


class FloorCoefficientInline(admin.TabularInline):
    model = FloorCoefficient
    extra = 0
    fields = ["floor", "coefficient"]


class AgreementInline(admin.StackedInline):
    model = Agreement
    can_delete = False
    extra = 0
    max_num = 1
    fields = [
        "ownership_mode",
        "using_unit",
        "maintenance_company",
        "payment_schedule",
        "running_costs",
        "low_floor_compensation",
        "joining_later",
        "dispute_resolution",
    ]


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


# What the case list's rows print (admin/cases/case/change_list.html), and nothing else.
LIST_COLUMNS = (
    "pk",
    "number",
    "status",
    "current_step",
    "opened_at",
    "jurisdiction_id",
    "unit__name",
    "unit__building__address",
    "current_state",
    "current_department",
    "current_due",
)


# The classes of the list's cells, as the admin names them (field-<column>).
LIST_CELL_CLASSES = (
    "field-number",
    "field-unit",
    "field-jurisdiction",
    "field-current_step",
    "field-waiting_for",
    "field-due_date",
    "field-overdue",
    "field-status",
    "field-opened_on",
)


class CaseChangeList(ChangeList):
    """The case list's page: the filtered cases counted alone, then the page's rows read as
    plain values (no model objects) with their current step, and written as HTML by
    `cases.tables` (`self.rows`), not cell by cell in the template."""

    def get_results(self, request):
        super().get_results(request)  # the count reads the filtered cases alone
        # The page's rows (a slice not yet read): their current step joined on (case,
        # number), its unique key, and only the columns printed, as plain values. A search
        # chooses the page's cases first (filtered, sorted, cut to 50) and joins after:
        # joined first, a common word (刺桐) read the step, unit and building of each of its
        # 1,000 matches before keeping 50. Without a search the newest-first index already
        # stops at 50, and the subquery would only add to the plan. The offices' names come
        # from their 13 rows, not a join for each case. The admin's view counts the rows
        # again with len(): a list, not a second query.
        chosen = self.result_list
        if self.query:
            chosen = Case.objects.filter(pk__in=chosen.values("pk")).order_by(*chosen.query.order_by)
        self.result_list = page = list(
            chosen.annotate(
                current=FilteredRelation("steps", condition=Q(steps__number=F("current_step"))),
                current_state=F("current__state"),
                current_department=F("current__department"),
                current_due=F("current__due_date"),
            ).values(*LIST_COLUMNS)
        )
        office_names = self._office_names()
        # Labels once per page (get_FOO_display rebuilds the choices on each call), and the
        # case page's address once (reverse() for each row was a tenth of the page's time).
        step_labels = {value: str(label) for value, label in Case._meta.get_field("current_step").flatchoices}
        status_labels = {value: str(label) for value, label in Case._meta.get_field("status").flatchoices}
        case_url = url_for_each("admin:cases_case_change", current_app=self.model_admin.admin_site.name)
        overdue = warning(gettext("已超期"))
        waiting_for = functools.cache(selectors.step_waiting_for)  # a few (state, department) pairs a page
        self.rows = rows_html(
            (
                (
                    Cell(link(case_url(case["pk"]), case["number"]), "field-number", header=True),
                    case["unit__building__address"] + case["unit__name"],
                    office_names.get(case["jurisdiction_id"], ""),
                    step_labels.get(case["current_step"], case["current_step"]),
                    waiting_for(state=case["current_state"], department=case["current_department"]),
                    case["current_due"] and case["current_due"].isoformat(),
                    overdue
                    if selectors.step_overdue(state=case["current_state"], due_date=case["current_due"])
                    else "",
                    status_labels.get(case["status"], case["status"]),
                    timezone.localtime(case["opened_at"]).date().isoformat(),
                )
                for case in page
            ),
            classes=LIST_CELL_CLASSES,
        )

    def _office_names(self) -> dict[int, str]:
        """The offices' names by id: from the office filter's choices when the user has it
        (the city-wide roles, who see every office), else from the offices' 13 rows."""
        for spec in self.filter_specs:
            if isinstance(spec, CaseJurisdictionFilter) and spec.lookup_choices:
                return {int(pk): name for pk, name in spec.lookup_choices}
        return dict(Jurisdiction.objects.values_list("pk", "name"))


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
        "cost_table",
    ]
    inlines = [FundingSourceInline, FloorCoefficientInline, AgreementInline]
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
        from voting.selectors import roster_frozen

        if not hasattr(case, "_portal_roster_frozen"):
            case._portal_roster_frozen = roster_frozen(unit=case.unit)
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
        queryset = (
            self.get_queryset(request)
            .select_related("jurisdiction", "unit__building", "opened_by", "agent_builder")
            .prefetch_related("funding_sources", "floor_coefficients")
        )
        field = self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
        try:
            obj = queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            obj = None
        request._portal_case_object = (key, obj)
        return obj

    def get_urls(self):
        from functools import partial

        from django.urls import path

        from . import views

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
        """The page's notes: a funding plan that does not add up to the budget, a case
        that has ended."""
        sources = list(case.funding_sources.all())
        funding = sum(f.amount for f in sources) if sources else None  # Decimal amounts
        if funding is not None and case.budget is not None and funding != case.budget:
            self.message_user(
                request,
                gettext("资金筹集方案合计 %(funding)s 元，与工程预算 %(budget)s 元不一致，请核对。")
                % {"funding": f"{funding:,.2f}", "budget": f"{case.budget:,.2f}"},
                messages.WARNING,
            )
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
        from django.core.paginator import Paginator
        from django.http import Http404
        from django.template.response import TemplateResponse

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

    def get_inlines(self, request, obj):
        # The funding plan, floor coefficients and agreement as forms only for whoever may
        # change them; the others read the funding and the shares in the tables as text.
        if obj is None or not self.has_change_permission(request, obj):
            return []
        return self.inlines

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
            (_("费用分摊（按楼层系数）"), {"fields": ("cost_table",)}),
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
                request, gettext("该楼栋位于文化遗产保护范围：方案初审通过前须上传文物/历史建筑主管部门意见。")
            )

    def save_related(self, request, form, formsets, change):
        # Representatives are set by the service; the inlines go through record_save.
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

    def get_changelist(self, request, **kwargs):
        return CaseChangeList

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        from .search import case_search_filter

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
                gettext("位于保护范围：须附文物/历史建筑主管部门意见，不自动通过"),
            )
        return gettext("否")

    # The flat and cost tables are the page's longest: their rows are written by rows_html
    # (cases/tables.py), not a format string per cell.
    @admin.display(description=_("分摊表"))
    def cost_table(self, obj):
        body = rows_html(
            (
                r["flat"].room,
                r["flat"].floor,
                r["coefficient"],
                format_percent(r["share"]),
                Cell(r["amount"].quantize(FEN), css_class="portal-num"),
            )
            for r in self._cost_rows(obj)
        )
        total = selectors.case_shared_total(case=obj)
        return format_html(
            "<p>{}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            gettext("业主分摊总额：%(total)s 元（业主出资与公积金提取；维修资金及其他资金不分摊到户）")
            % {"total": total},
            gettext("房号"),
            gettext("楼层"),
            gettext("系数"),
            gettext("比例"),
            gettext("金额（元）"),
            body,
        )

    @staticmethod
    def _cost_rows(case) -> list[dict]:
        # The flat table and the cost table show the same flats and owners: read them once.
        if not hasattr(case, "_portal_cost_rows"):
            case._portal_cost_rows = selectors.cost_sharing_table(case=case)
        return case._portal_cost_rows

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
                "、".join(o.name for o in r["owners"]) + (developer_held if f.developer_held else ""),
            )
            for r in self._cost_rows(obj)
            for f in (r["flat"],)
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


# --- audit ----------------------------------------------------------------------------


class ReadOnlyAdminMixin:
    """Evidence (audit rows, generated documents): nobody adds, changes or deletes it in the
    admin, superusers included; only the services write it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for everyone, superusers included: the log is evidence."""

    list_display = ["created_at", "event", "actor", "case", "message"]
    list_filter = ["event"]
    search_fields = ["message", "case__number", "actor__username"]
    list_select_related = ["actor", "case"]
    # Newest first from an index of its own (per office: `audit_by_office_newest`); no date
    # hierarchy and no second count of the whole log: at city scale each read every row.
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return selectors.audit_event_list_visible_to(user=request.user).select_related("actor", "case")
