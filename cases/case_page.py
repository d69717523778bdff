"""The case page as text: what /admin/cases/case/<id>/change/ shows without ?edit=1.

Everyone opens a case to read it: the vote, the print panel, the timeline of the eight
procedures, the details, the flats, and the panels other apps register (the money). The admin's change form rendered
each read-only value through its form machinery (a form, AdminReadonlyField, and
admin/includes/fieldset.html per row): at city scale that was the largest part of the
page's time. This page shows the same fieldsets (`CaseAdmin.get_fieldsets`), with the
labels and values the admin's own helpers give (`label_for_field`, `lookup_field`,
`display_for_field`, as `AdminReadonlyField.contents` uses them), in the admin's markup
and look (admin/cases/case/case_page.html). The form (?edit=1) and the save (POST) stay
the admin's change form; both pages share the panels (admin/cases/case/case_panels.html)
and `panels_context`.
"""

from django.contrib.admin.utils import (
    display_for_field,
    display_for_value,
    help_text_for_field,
    label_for_field,
    lookup_field,
    quote,
)
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import ForeignObjectRel, ManyToManyRel, OneToOneField
from django.template.defaultfilters import capfirst, filesizeformat, linebreaksbr
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from . import selectors
from .models import Attachment, Case, ProcedureStep, StepHistory
from .tables import rows_html


def panels_context(*, request, case: Case) -> dict:
    """What admin/cases/case/case_panels.html shows above the details besides the panels
    other apps register: the timeline. Each step's times, files, window submissions and history are written
    here, the lists as HTML: they grow with the case, and a template loop spent some 30 µs
    on each item's date, URL and translation."""
    timeline = selectors.case_timeline(case=case, user=request.user)
    # Choice labels once per page: get_FOO_display rebuilds its field's choices per call.
    departments = _choice_labels(ProcedureStep, "department")
    kinds = _choice_labels(Attachment, "kind")
    channels = _choice_labels(StepHistory, "channel")
    history_count = gettext("办理记录（%(n)s）")
    for row in timeline:
        step = row["step"]
        row["department"] = departments.get(step.department, step.department)
        row["times"] = _step_times(step)
        row["action_links"] = [
            (action, label, reverse("admin:cases_step_action", args=[case.pk, step.number, action]))
            for action, label in row["actions"]
        ]
        row["file_items"] = _file_items(row["attachments"], kinds)
        row["paper_items"] = _paper_items(row["papers"])
        row["history_count"] = history_count % {"n": len(row["history"])}
        row["history_rows"] = _history_rows(row["history"], channels)
    return {"timeline": timeline}


def _choice_labels(model, field: str) -> dict:
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


def _minute(value) -> str:
    """A time as the page writes it: 2026-05-07 08:49, in the portal's time zone."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _step_times(step) -> str:
    """开始 … · 申报 … · 决定 …（who）: when the step started, was submitted and decided."""
    times = []
    if step.started_at:
        times.append(f"{gettext('开始')} {_minute(step.started_at)}")
    if step.submitted_at:
        times.append(f"{gettext('申报')} {_minute(step.submitted_at)}")
    if step.decided_at:
        if step.decided_by:
            by = {"at": _minute(step.decided_at), "name": step.decided_by.get_full_name()}
            times.append(gettext("决定 %(at)s（%(name)s）") % by)
        else:
            times.append(f"{gettext('决定')} {_minute(step.decided_at)}")
    return " · ".join(times)


def _file_items(attachments, kinds: dict) -> SafeString:
    if not attachments:
        return SafeString("")
    label = gettext("%(kind)s：%(name)s")
    return format_html_join(
        "",
        '<li><a href="{}">{}</a> <span class="quiet">{} · {}</span></li>',
        (
            (
                reverse("admin:cases_attachment_download", args=[a.pk]),
                label % {"kind": kinds.get(a.kind, a.kind), "name": a.original_name},
                filesizeformat(a.size),
                _minute(a.uploaded_at),
            )
            for a in attachments
        ),
    )


def _paper_items(papers) -> SafeString:
    if not papers:
        return SafeString("")
    label = gettext("窗口收件：%(by)s %(at)s · 接收人 %(receiver)s")
    return format_html_join(
        "",
        "<li>{}{}</li>",
        (
            (
                label % {"by": p.brought_by, "at": _minute(p.brought_at), "receiver": p.received_by.get_full_name()},
                f" · {p.note}" if p.note else "",
            )
            for p in papers
        ),
    )


def _history_rows(history, channels: dict) -> SafeString:
    system = gettext("系统")
    return rows_html(
        (
            _minute(h.at),
            channels.get(h.channel, h.channel),
            (h.actor.get_full_name() if h.actor else "") or system,
            h.transition_label,
            h.note,
        )
        for h in history
    )


def readonly_fieldsets(*, model_admin, request, case: Case) -> list[dict]:
    """The change form's fieldsets, every field read-only: heading, classes, and per field
    its name (the row's `field-<name>` class), label, help text and value as HTML. Each
    fieldset line holds one field (CaseAdmin.get_fieldsets has no side-by-side lines)."""
    suffix = gettext(":")  # a form's label_suffix
    empty = model_admin.get_empty_value_display()
    fieldsets = []
    for name, options in model_admin.get_fieldsets(request, case):
        rows = []
        for field in options["fields"]:
            label = label_for_field(field, Case, model_admin)
            rows.append(
                {
                    "name": field,
                    "label_tag": format_html("<label>{}{}</label>", capfirst(label), suffix),
                    "help_text": help_text_for_field(field, Case),
                    "contents": _contents(model_admin, case, field, empty),
                }
            )
        fieldsets.append({"name": name, "classes": " ".join(options.get("classes", ())), "rows": rows})
    return fieldsets


def _contents(model_admin, obj, field: str, empty) -> SafeString:
    """A read-only field's value as `AdminReadonlyField.contents` writes it."""
    try:
        f, attr, value = lookup_field(field, obj, model_admin)
    except (AttributeError, ValueError, ObjectDoesNotExist):
        return conditional_escape(empty)
    if f is None:
        if getattr(attr, "boolean", False):
            result = display_for_value(value, empty, boolean=True)
        elif hasattr(value, "__html__"):
            result = value
        else:
            result = linebreaksbr(value)
    else:
        if isinstance(f.remote_field, ManyToManyRel) and value is not None:
            result = ", ".join(map(str, value.all()))
        elif isinstance(f.remote_field, ForeignObjectRel | OneToOneField) and value is not None:
            result = _admin_link(model_admin, f.remote_field, value)
        else:
            result = display_for_field(value, f, empty)
        result = linebreaksbr(result)
    return conditional_escape(result)


def _admin_link(model_admin, remote_field, remote_obj):
    meta = remote_field.model._meta
    try:
        url = reverse(
            f"admin:{meta.app_label}_{meta.model_name}_change",
            args=[quote(remote_obj.pk)],
            current_app=model_admin.admin_site.name,
        )
    except NoReverseMatch:
        return str(remote_obj)
    return format_html('<a href="{}">{}</a>', url, remote_obj)


def case_page(*, model_admin, request, case: Case, title: str, can_edit: bool) -> TemplateResponse:
    """The page itself. The caller has found `case` through the user's scope and checked
    that the user may view it."""
    opts = model_admin.opts
    request.current_app = model_admin.admin_site.name
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "opts": opts,
        "app_label": opts.app_label,
        "original": case,
        "change": True,
        "has_view_permission": model_admin.has_view_permission(request, case),
        "preserved_filters": model_admin.get_preserved_filters(request),
        "can_edit_case": can_edit,
        "fieldsets": readonly_fieldsets(model_admin=model_admin, request=request, case=case),
        **panels_context(request=request, case=case),
    }
    return TemplateResponse(request, "admin/cases/case/case_page.html", context)
