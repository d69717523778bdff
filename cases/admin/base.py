"""The scoped base classes every admin of the portal builds on: querysets from selectors,
foreign-key choices limited to what the user may see, saves and deletes through services."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext

from .. import selectors, services
from ..models import (
    AgentBuilder,
    Building,
    ElevatorUnit,
    Flat,
    Jurisdiction,
    Owner,
)

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
