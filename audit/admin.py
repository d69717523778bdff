"""The audit log in the back office: read-only for everyone, superusers included.

Filtered by event, case (its number), user (the user name) and a date range; newest first,
50 to a page, without a second count of the whole log. Also the one view that shows a
masked personal value in full (audit/reveal.py), served under the log's own address."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import registry, reveal, selectors
from .models import AuditEvent


class ReadOnlyAdminMixin:
    """Evidence (audit rows, generated documents): nobody adds, changes or deletes it in the
    admin, superusers included; only the services write it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventListFilter(admin.SimpleListFilter):
    """The events the apps declare, by their labels: from the registry, not from the rows
    (a DISTINCT over the whole log at city scale) nor from field choices (there are none)."""

    title = _("事件")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return registry.event_choices()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(event=self.value())
        return queryset


class InputFilter(admin.SimpleListFilter):
    """A filter typed into a box (audit/templates/admin/audit/input_filter.html), not picked
    from a list: a case number or a user name among hundreds of thousands. A value that
    cannot be read shows a message saying so and filters nothing."""

    template = "admin/audit/input_filter.html"
    input_type = "text"
    placeholder = ""
    max_length = 64

    def lookups(self, request, model_admin):
        return ()

    def has_output(self):
        return True

    def cleaned(self):
        value = (self.value() or "").strip()
        if len(value) > self.max_length:
            self._refuse(gettext("“%(title)s”过长，请核对后重新输入。") % {"title": self.title})
            return None
        return value or None

    def _refuse(self, message):
        shown = self.request.__dict__.setdefault("_audit_filter_messages", set())
        if message not in shown:  # the list may filter more than once a request
            shown.add(message)
            messages.error(self.request, message)

    def choices(self, changelist):
        # The template reads the value and the other parameters to keep from here.
        yield {
            "value": self.value() or "",
            "name": self.parameter_name,
            "input_type": self.input_type,
            "placeholder": self.placeholder,
            "maxlength": self.max_length,
            # The list's other filters, its search and its order stay; the page starts again.
            "others": [
                (name, value)
                for name, values in self.request.GET.lists()
                if name not in (self.parameter_name, "p", "e")
                for value in values
            ],
            "clear": changelist.get_query_string(remove=[self.parameter_name]),
        }


class CaseNumberFilter(InputFilter):
    title = _("案件编号")
    parameter_name = "case"
    placeholder = _("完整的案件编号")

    def queryset(self, request, queryset):
        number = self.cleaned()
        return queryset.filter(case__number=number) if number else queryset


class ActorFilter(InputFilter):
    title = _("操作人（用户名）")
    parameter_name = "actor"
    max_length = 150

    def queryset(self, request, queryset):
        username = self.cleaned()
        return queryset.filter(actor__username=username) if username else queryset


class DateFilter(InputFilter):
    """One end of the date range, a local calendar day (Asia/Shanghai), both ends included."""

    input_type = "date"
    placeholder = "2026-12-07"
    max_length = 10

    def day(self) -> datetime.date | None:
        value = self.cleaned()
        if value is None:
            return None
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            day = None
        if day is None or not datetime.date(2000, 1, 1) <= day <= datetime.date(2100, 12, 31):
            self._refuse(
                gettext("“%(title)s”不是有效日期：%(value)s。请按“年-月-日”填写，例如 2026-12-07。")
                % {"title": self.title, "value": value}
            )
            return None
        return day

    @staticmethod
    def start_of(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DateFromFilter(DateFilter):
    title = _("起始日期")
    parameter_name = "date_from"

    def queryset(self, request, queryset):
        day = self.day()
        return queryset.filter(created_at__gte=self.start_of(day)) if day else queryset


class DateToFilter(DateFilter):
    title = _("截止日期")
    parameter_name = "date_to"

    def queryset(self, request, queryset):
        day = self.day()
        if day is None:
            return queryset
        return queryset.filter(created_at__lt=self.start_of(day + datetime.timedelta(days=1)))


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for everyone, superusers included: the log is evidence."""

    # Plain text columns with Chinese headers, so an export of the list reuses them as they are.
    list_display = ["created_at", "event_display", "actor_display", "case_display", "message"]
    # The boxes first: the events' list is long.
    list_filter = [CaseNumberFilter, ActorFilter, DateFromFilter, DateToFilter, EventListFilter]
    search_fields = ["message", "case__number", "actor__username"]
    list_select_related = ["actor", "case"]
    fields = [
        "created_at",
        "event_display",
        "actor",
        "case",
        "jurisdiction",
        "object_type",
        "object_id",
        "message",
        "data",
    ]
    readonly_fields = ["created_at", "event_display"]
    # Newest first from an index of its own (per office: `audit_by_office_newest`; by user
    # and by case: `audit_by_actor_newest`, `audit_by_case_newest`); no date hierarchy and
    # no second count of the whole log: at city scale each read every row.
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a count per event would read the whole log each

    def get_queryset(self, request):
        return selectors.audit_event_list_visible_to(user=request.user).select_related("actor", "case")

    @admin.display(description=_("事件"), ordering="event")
    def event_display(self, obj):
        return obj.get_event_display()

    @admin.display(description=_("操作人"))
    def actor_display(self, obj):
        return obj.actor.username if obj.actor_id else "—"

    @admin.display(description=_("案件"))
    def case_display(self, obj):
        return obj.case.number if obj.case_id else "—"

    def get_urls(self):
        return [
            path(
                "reveal/<str:key>/<str:pk>/",
                self.admin_site.admin_view(self.reveal_view),
                name="audit_auditevent_reveal",
            ),
            *super().get_urls(),
        ]

    def reveal_view(self, request, key, pk):
        return _reveal(request, key, pk)


@require_POST
def _reveal(request, key: str, pk: str):
    """A masked value in full, for a user who may see it, logged before it is answered."""
    item = reveal.revealable(key)
    if item is None or not pk.isdigit() or len(pk) > 18:
        raise Http404(gettext("没有这条记录。"))
    obj = item.find(user=request.user, pk=int(pk))
    if obj is None:
        raise Http404(gettext("没有这条记录。"))
    if not item.may_reveal(request.user, obj):
        raise PermissionDenied(gettext("只有本辖区受理窗口可以查看完整的个人信息。"))
    with transaction.atomic():
        # The label as it is (lazy): the event function writes it in Chinese, whatever the
        # language of the user's screen.
        item.log(actor=request.user, obj=obj, field=item.label)
    response = JsonResponse({"value": item.value(obj) or ""})
    response["Cache-Control"] = "private, no-store"
    return response
