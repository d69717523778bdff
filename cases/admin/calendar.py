"""The holiday calendar and the steps' time limits in the back office (issue 16 §1).

Every staff user may read them (a clerk checks why a due date falls where it does); only a
superuser changes them (cases.calendar: the calendar is the State Council's, one for every
office). A year's schedule is entered whole — pasted lines or a CSV file, the same columns
as `manage.py holidays import` — and saved through `holiday_year_replace`, which recomputes
the due dates it moves; a limit through `step_time_limit_set`. Nothing is deleted here: a
year is corrected by entering it again.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..calendar import (
    KIND_BY_TEXT,
    can_change_calendar,
    decode_schedule,
    describe_change,
    first_unknown_year,
    holiday_year_replace,
    parse_schedule,
    step_time_limit_set,
)
from ..models import HolidayKind, HolidayYear, StepTimeLimit
from ..roles import is_office_staff

TEXT_BY_KIND = {kind: text for text, kind in KIND_BY_TEXT.items()}


def _staff(request) -> bool:
    # The offices' staff read the calendar; a using unit's account has no due dates to keep.
    return is_office_staff(request.user)


class HolidayYearForm(forms.ModelForm):
    """A year and its dates, as lines of 日期,类型[,节日] under that header, or a CSV file."""

    schedule_text = forms.CharField(
        label=_("日期与类型"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 20, "cols": 50}),
        help_text=_(
            "第一行为表头“日期,类型,节日”，其后每行一个日期：2027-02-06,休,春节；"
            "“休”为放假，“班”为周末调休上班。保存时整年替换。"
        ),
    )
    schedule_file = forms.FileField(
        label=_("或上传 CSV 文件"),
        required=False,
        help_text=_("列：日期（YYYY-MM-DD）、类型（休 或 班），可加“节日”；UTF-8 或 GBK 编码。上传文件时以文件为准。"),
    )

    class Meta:
        model = HolidayYear
        fields = ["year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            lines = ["日期,类型,节日"] + [
                f"{day.date.isoformat()},{TEXT_BY_KIND[day.kind]},{day.name}"
                for day in self.instance.days.order_by("date")
            ]
            self.initial["schedule_text"] = "\n".join(lines)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("schedule_file")
        try:
            if upload:
                if upload.size > 1024 * 1024:
                    raise ValidationError(_("文件过大：一年的节假日安排不超过 64 KB。"))
                text = decode_schedule(upload.read())
            else:
                text = cleaned.get("schedule_text", "")
            schedule = parse_schedule(text)
        except ValidationError as problems:
            raise ValidationError(problems.messages) from None
        year = self.instance.pk or cleaned.get("year")
        if year is not None and schedule.year != year:
            raise ValidationError(
                gettext("所填日期是%(found)s年的，而本页是%(year)s年的安排。") % {"found": schedule.year, "year": year}
            )
        cleaned["schedule"] = schedule
        return cleaned

    def validate_unique(self):
        pass  # entering a known year again corrects it (the service replaces it whole)


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    form = HolidayYearForm
    list_display = ["year", "source", "holiday_count", "workday_count", "updated_at"]
    ordering = ["-year"]
    show_full_result_count = False
    actions = None  # nothing to do to many years at once: no delete either

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                off=Count("days", filter=Q(days__kind=HolidayKind.OFF)),
                work=Count("days", filter=Q(days__kind=HolidayKind.WORK)),
            )
        )

    @admin.display(description=_("放假天数"), ordering="off")
    def holiday_count(self, obj):
        return obj.off

    @admin.display(description=_("调休上班天数"), ordering="work")
    def workday_count(self, obj):
        return obj.work

    def get_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return ["year", "source", "updated_at", "day_table"]
        return ["schedule_text", "schedule_file"] if obj is not None else ["year", "schedule_text", "schedule_file"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return ["year", "source", "updated_at", "day_table"]
        return []

    @admin.display(description=_("日期"))
    def day_table(self, obj):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((day.date.isoformat(), TEXT_BY_KIND[day.kind], day.name) for day in obj.days.order_by("date")),
        )
        return format_html("<table><tbody>{}</tbody></table>", rows)

    def has_module_permission(self, request):
        return _staff(request)

    def has_view_permission(self, request, obj=None):
        return _staff(request)

    def has_add_permission(self, request):
        return _staff(request) and can_change_calendar(request.user)

    def has_change_permission(self, request, obj=None):
        return _staff(request) and can_change_calendar(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # a year's due dates would silently turn provisional; correct it instead

    def save_model(self, request, obj, form, change):
        schedule = form.cleaned_data["schedule"]
        source = HolidayYear.Source.FILE if form.cleaned_data.get("schedule_file") else HolidayYear.Source.ADMIN
        result = holiday_year_replace(schedule=schedule, actor=request.user, source=source)
        obj.year = schedule.year
        obj.refresh_from_db()
        messages.success(request, describe_change(result))

    def save_related(self, request, form, formsets, change):
        pass  # the days were written by the service

    def changelist_view(self, request, extra_context=None):
        missing = first_unknown_year(today=timezone.localdate())
        if missing is not None and request.method == "GET":
            messages.warning(
                request,
                gettext(
                    "%(year)s年节假日安排尚未录入：该年的办理时限暂按周一至周五计算，并标注“暂定”；录入后自动重新计算。"
                )
                % {"year": missing},
            )
        return super().changelist_view(request, extra_context)


class StepTimeLimitForm(forms.ModelForm):
    class Meta:
        model = StepTimeLimit
        fields = ["jurisdiction", "number", "working_days"]
        help_texts = {"working_days": _("1 至 60 个工作日；只影响此后提交的申报，已给出的办理时限不变。")}


@admin.register(StepTimeLimit)
class StepTimeLimitAdmin(admin.ModelAdmin):
    form = StepTimeLimitForm
    list_display = ["jurisdiction", "number", "working_days", "updated_at"]
    list_filter = ["jurisdiction", "number"]
    list_select_related = ["jurisdiction"]
    actions = None

    def get_queryset(self, request):
        offices = selectors.jurisdiction_list_visible_to(user=request.user)
        return StepTimeLimit.objects.filter(jurisdiction__in=offices).select_related("jurisdiction")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["jurisdiction", "number"]
        return []

    def has_module_permission(self, request):
        return _staff(request)

    def has_view_permission(self, request, obj=None):
        return _staff(request)

    def has_add_permission(self, request):
        return _staff(request) and can_change_calendar(request.user)

    def has_change_permission(self, request, obj=None):
        return _staff(request) and can_change_calendar(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # set the default's number instead: the change is then in the log

    def save_model(self, request, obj, form, change):
        saved = step_time_limit_set(
            jurisdiction=obj.jurisdiction, number=obj.number, working_days=obj.working_days, actor=request.user
        )
        obj.pk = saved.pk

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            messages.info(
                request,
                gettext(
                    "未设置的程序按默认%(days)s个工作日计算办理时限（公示见证从公示期最后一日起算）；"
                    "公示期的日历日数在“辖区”中按辖区设置。"
                )
                % {"days": settings.STEP_REVIEW_WORKING_DAYS},
            )
        return super().changelist_view(request, extra_context)
