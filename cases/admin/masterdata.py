"""Master data: offices, users, buildings, units, flats, owners and agent builders."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit import reveal

from .. import extensions, selectors, services
from ..models import (
    AgentBuilder,
    Building,
    ElevatorUnit,
    Flat,
    Jurisdiction,
    Owner,
    Ownership,
    User,
    owner_kind_for,
)
from ..validators import normalize_id
from .base import ScopedAdmin, ScopedFormFieldsMixin


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
        # Staff and applicant accounts only. An owner's portal account (`person` set) is kept
        # from the owner's side (owners app: letters, disabling); here a superuser could
        # otherwise give it staff rights or a password the owner never chose.
        return super().get_queryset(request).filter(person__isnull=True).prefetch_related("groups")

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
        return obj is not None and extensions.roster_locked(unit=obj.unit)

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


# An owner's ID number and mobile number, masked on every page (audit/reveal.py): the field,
# its revealable key, and the read-only column that shows it where it cannot be edited.
OWNER_MASKED_FIELDS = {
    "id_number": ("owner.id_number", "id_number_masked"),
    "phone": ("owner.phone", "phone_masked"),
}


@admin.register(Owner)
class OwnerAdmin(OfficeRecordAdmin):
    scope = staticmethod(selectors.owner_list_visible_to)
    form = OwnerAdminForm
    # Plain masked text (exports reuse these); the page shows them with the 显示 button
    # for whoever may see them in full (get_list_display).
    list_display = ["name", "kind", "masked_id", "masked_mobile", "flat_list"]
    list_filter = ["kind"]
    search_fields = ["name", "=id_number", "=phone"]
    inlines = [OwnershipOnOwnerInline]

    @property
    def media(self):
        return super().media + reveal.MEDIA

    def get_queryset(self, request):
        # The flat column shows only flats this user may see (all of them are the record's
        # own office's; the Prefetch keeps it so even if a row were linked wrongly).
        visible = selectors.ownership_list_visible_to(user=request.user).select_related("flat__unit__building")
        return super().get_queryset(request).prefetch_related(Prefetch("ownerships", queryset=visible))

    def get_list_display(self, request):
        return [
            "name",
            "kind",
            reveal.column(request, key="owner.id_number", description=_("证件号码"), name="masked_id"),
            reveal.column(request, key="owner.phone", description=_("手机号码"), name="masked_mobile"),
            "flat_list",
        ]

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._reveal_request = request  # for the read-only masked fields (below)
        return obj

    def _identity_readonly_fields(self, request, obj):
        # Named on a frozen roster and on ballots: who the owner is may no longer change.
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and services.frozen_unit_of_owner(owner=obj) is not None:
            return [*fields, *sorted(services.OWNER_IDENTITY_FIELDS)]
        return list(fields)

    def get_readonly_fields(self, request, obj=None):
        fields = self._identity_readonly_fields(request, obj)
        if obj is not None:
            fields += [shown for _key, shown in OWNER_MASKED_FIELDS.values()]
        return fields

    def get_fields(self, request, obj=None):
        """On an owner's page the ID number and phone never show in full: an input left
        empty with the masked value as placeholder (RevealInput), or, where the user may not
        edit them, the masked value; either with the 显示 button for who may see them."""
        fields = super().get_fields(request, obj)
        if obj is None:
            return fields
        fixed = set(self._identity_readonly_fields(request, obj))
        editable = self.has_change_permission(request, obj)
        shown_names = {shown for _key, shown in OWNER_MASKED_FIELDS.values()}
        result = []
        for name in fields:
            if name in shown_names:
                continue
            if name in OWNER_MASKED_FIELDS and (name in fixed or not editable):
                name = OWNER_MASKED_FIELDS[name][1]
            if name not in result:
                result.append(name)
        return result

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            kwargs["widgets"] = {
                **kwargs.get("widgets", {}),
                **{
                    name: reveal.RevealInput(request=request, key=key, obj=obj)
                    for name, (key, _shown) in OWNER_MASKED_FIELDS.items()
                },
            }
        return super().get_form(request, obj, **kwargs)

    @admin.display(description=_("证件号码"))
    def masked_id(self, obj):
        return obj.masked_id_number

    @admin.display(description=_("手机号码"))
    def masked_mobile(self, obj):
        return obj.masked_phone or "—"

    @admin.display(description=_("证件号码"))
    def id_number_masked(self, obj):
        return self._masked(obj, "owner.id_number")

    @admin.display(description=_("手机号码"))
    def phone_masked(self, obj):
        return self._masked(obj, "owner.phone")

    def _masked(self, obj, key):
        request = getattr(obj, "_reveal_request", None)
        return reveal.masked(request, key=key, obj=obj) if request is not None else reveal.mask_value(key=key, obj=obj)

    @admin.display(description=_("房屋"))
    def flat_list(self, obj):
        return "；".join(f"{o.flat.unit}{o.flat.room}" for o in obj.ownerships.all())


@admin.register(AgentBuilder)
class AgentBuilderAdmin(OfficeRecordAdmin):
    scope = staticmethod(selectors.agent_builder_list_visible_to)
    form = AgentBuilderAdminForm
    list_display = ["name", "credit_code", "jurisdiction", "contact_name", "contact_phone"]
    list_filter = [("jurisdiction", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["jurisdiction"]
    search_fields = ["name", "credit_code"]
