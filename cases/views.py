"""Staff screens of the workflow, served inside the admin (CaseAdmin.get_urls).

Every view finds its case through `selectors.case_list_visible_to` (a case of another
jurisdiction is a 404, whatever the URL or ID), checks the action against
`permissions.actions_for` (403 otherwise) and calls one service. A step action's page is a
lookup in `workflow.STEP_ACTIONS`: its label, its form (`forms.STEP_FORMS`), its service.
"""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.downloads import private_file_response

from . import audit, extensions, permissions, selectors, services
from .deadlines import load_calendar, provisional_due
from .files import clean_file_name
from .forms import step_action_form
from .models import CaseStatus, ProcedureStep
from .tables import link, rows_html, url_for_each, warning
from .workflow import PROCEDURE_BY_NUMBER, STEP_ACTION_BY_NAME, StepAction, StepState


def _step_for(request, case_pk: int, number: int) -> ProcedureStep:
    cases = selectors.case_list_visible_to(user=request.user)
    return get_object_or_404(
        ProcedureStep.objects.select_related("case__unit__building", "case__jurisdiction"),
        case__in=cases,
        case__pk=case_pk,
        number=number,
    )


def _submit(*, step: ProcedureStep, form, actor, action: StepAction) -> str:
    services.step_submit(step=step, actor=actor, note=form.cleaned_data["note"])
    return _("已提交申报。")


def _decide(*, step: ProcedureStep, form, actor, action: StepAction) -> str:
    step = services.case_decide_step(step=step, actor=actor, decision=action.name, note=form.cleaned_data["note"])
    message = _("已%(action)s：%(procedure)s。") % {"action": action.label, "procedure": step.procedure.name}
    step.case.refresh_from_db(fields=["status"])
    if step.case.status != CaseStatus.OPEN:  # the last approval, or a rejection, ends the case
        message += _("案件已结束（%(status)s）。") % {"status": step.case.get_status_display()}
    return message


def _upload(*, step: ProcedureStep, form, actor, action: StepAction) -> str:
    data = form.cleaned_data
    attachment = services.attachment_add(step=step, kind=data["kind"], upload=data["file"], actor=actor)
    return _("已上传：%(name)s。") % {"name": attachment.original_name}


def _set_notice(*, step: ProcedureStep, form, actor, action: StepAction) -> str:
    data = form.cleaned_data
    services.step_set_notice_period(step=step, actor=actor, start=data["notice_start"], end=data["notice_end"])
    return _("已登记公示期。")


def _record_paper(*, step: ProcedureStep, form, actor, action: StepAction) -> str:
    data = form.cleaned_data
    services.paper_submission_record(
        step=step,
        actor=actor,
        brought_by=data["brought_by"],
        brought_by_phone=data["brought_by_phone"],
        brought_at=data["brought_at"],
        note=data["note"],
        files=form.files_with_kinds(),
    )
    return _("已登记窗口收件，该程序已提交审查。")


# The service each step action calls, and what the user is told when it succeeds.
_PERFORM = {
    "submit": _submit,
    "paper": _record_paper,
    "approve": _decide,
    "return": _decide,
    "reject": _decide,
    "notice": _set_notice,
    "upload": _upload,
}


def _due_of(step: ProcedureStep) -> dict | None:
    """The step's due date while a department has it, whether it is provisional (暂定) and
    the working days left, for the step's page."""
    if step.state != StepState.SUBMITTED or step.due_date is None:
        return None
    calendar = load_calendar()
    today = timezone.localdate()
    return {
        "date": step.due_date,
        "provisional": not calendar.is_known(step.due_date),
        "left": calendar.working_days_between(today, step.due_date),
    }


def step_action(request, admin_site, case_pk: int, number: int, action: str):
    entry = STEP_ACTION_BY_NAME.get(action)
    if entry is None:
        raise Http404
    step = _step_for(request, case_pk, number)
    label = entry.label
    if action not in permissions.actions_for(request.user, step):
        if not permissions.entitled_to(request.user, step, action):
            raise PermissionDenied(_("您没有权限对该程序进行“%(action)s”。") % {"action": label})
        # The user's own kind of action, but the step has moved on: most often a colleague
        # decided it a moment ago, or a second tab was open. Say so on the case page.
        messages.error(
            request,
            _("“%(procedure)s”当前为“%(state)s”，不能再进行“%(action)s”：可能已由他人处理，请查看最新状态。")
            % {"procedure": step.procedure.name, "state": step.get_state_display(), "action": label},
        )
        return redirect(reverse("admin:cases_case_change", args=[step.case_id]))
    form = step_action_form(entry, step.procedure, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = _PERFORM[action](step=step, form=form, actor=request.user, action=entry)
        except ValidationError as exc:
            for text in exc.messages:
                form.add_error(None, text)
        else:
            messages.success(request, message)
            return redirect(reverse("admin:cases_case_change", args=[case_pk]) + f"#step-{number}")
    context = {
        **admin_site.each_context(request),
        "title": _("%(action)s：%(number)s. %(procedure)s")
        % {
            "action": label,
            "number": step.procedure.number,
            "procedure": step.procedure.name,
        },
        "subtitle": step.case.number,
        "case": step.case,
        "step": step,
        "action": action,
        "action_label": label,
        "form": form,
        "guard_problems": services.step_guard_problems(step=step) if action == "approve" else [],
        "due": _due_of(step),
        "opts": step.case._meta,
    }
    return TemplateResponse(request, "admin/cases/step_action.html", context)


def attachment_download(request, admin_site, pk: int):
    attachment = get_object_or_404(selectors.attachment_list_visible_to(user=request.user), pk=pk)
    return private_file_response(
        request,
        file=attachment.file,
        filename=clean_file_name(attachment.original_name),  # also for names stored before cleaning
        content_type=attachment.content_type,
        refusal=None,  # whoever sees the case sees its attachments
        log_download=functools.partial(audit.attachment_downloaded, attachment=attachment),
    )


QUEUE_PAGE_SIZE = 50
# What the queue's rows print, read as plain values (no model objects).
QUEUE_COLUMNS = (
    "number",
    "state",
    "submitted_at",
    "due_date",
    "case_id",
    "case__number",
    "case__unit__name",
    "case__unit__building__address",
)


def _queue_rows(steps):
    """The queue's table body (cases.tables): about 100 µs a row less than a template loop."""
    case_url = url_for_each("admin:cases_case_change")
    overdue = warning(_("已超期"))
    provisional = "（" + _("暂定") + "）"  # its year's holidays not yet published: counted Monday to Friday
    return rows_html(
        (
            link(f"{case_url(step['case_id'])}#step-{step['number']}", step["case__number"]),
            step["case__unit__building__address"] + step["case__unit__name"],
            f"{step['number']}. {PROCEDURE_BY_NUMBER[step['number']].name}",
            StepState(step["state"]).label,
            step["submitted_at"] and timezone.localtime(step["submitted_at"]).strftime("%Y-%m-%d %H:%M"),
            step["due_date"] and (step["due_date"].isoformat() + (provisional if step["due_provisional"] else "")),
            overdue if selectors.step_overdue(state=step["state"], due_date=step["due_date"]) else "",
        )
        for step in steps
    )


def my_queue(request, admin_site):
    # A page at a time, oldest first: a district may have thousands waiting, the superuser
    # the whole city's. One query whatever the size: the page's rows and one more, to know
    # whether a next page exists, instead of counting every waiting step.
    try:
        number = min(max(1, int(request.GET.get("p", 1))), 100_000)  # a typed p=10**30 is no 500
    except ValueError:
        number = 1
    start = (number - 1) * QUEUE_PAGE_SIZE
    steps = (
        selectors.step_queue_for(user=request.user)
        .annotate(due_provisional=provisional_due("due_date"))
        .values(*QUEUE_COLUMNS, "due_provisional")
    )
    rows = list(steps[start : start + QUEUE_PAGE_SIZE + 1])
    context = {
        **admin_site.each_context(request),
        "title": _("我的待办"),
        "list_links": extensions.list_links("cases.queue", request),
        "rows": _queue_rows(rows[:QUEUE_PAGE_SIZE]),
        "page_number": number,
        "first_row": start + 1,
        "last_row": start + len(rows[:QUEUE_PAGE_SIZE]),
        "previous_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if len(rows) > QUEUE_PAGE_SIZE else None,
        "opts": ProcedureStep._meta,
    }
    return TemplateResponse(request, "admin/cases/queue.html", context)
