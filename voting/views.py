"""The vote page of a case and its downloads, served inside the admin (VoteAdmin.get_urls).

The case is found through `cases.selectors.case_list_visible_to` (another jurisdiction's
case is a 404 whatever the ID); every write needs `cases.permissions.can_run_vote` (403
otherwise) and calls one service. A refused write re-renders the page with the reason in
the user's language, never a server error.

Reading: the staff who see the case see every ballot; the applicant's account (agent
builder, owner representative) sees the tally, the roster and who has not voted, never
how each owner voted (`selectors.can_view_vote_evidence`).
"""

import base64
import datetime
import functools
import hashlib
import io
from html import escape

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone, localdate, localtime
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from audit.downloads import private_file_response
from cases.files import clean_file_name
from cases.models import Flat
from cases.permissions import can_run_vote
from cases.selectors import case_list_visible_to, unit_flats_with_owners
from cases.tables import Cell, rows_html, text

from . import audit, forms, selectors, services
from .models import Ballot, VoteState
from .roster import UnusualAreasError, export_roster_xlsx, parse_ballots, parse_roster
from .voters import unit_voters


def _case_for(request, case_pk: int):
    return get_object_or_404(
        case_list_visible_to(user=request.user).select_related("unit__building", "jurisdiction"), pk=case_pk
    )


def _open_vote_or_refuse(case):
    vote = selectors.open_vote_of(case=case)
    if vote is None:
        if case.votes.filter(state=VoteState.CLOSED).exists():
            raise ValidationError(_("本案表决已结束，不能再登记选票或修改。"))
        raise ValidationError(_("当前没有进行中的表决：请先开始表决。"))
    return vote


# Each action: (form class, label, anchor, handler(case, form, actor, voters) -> success message).


def _with_notes(message: str, rows) -> str:
    """The success message and how the file was read (another sheet, another separator)."""
    return " ".join([message, *rows.notes])


def _import_roster(case, form, actor, voters):
    data, name = form.read()
    try:
        rows = parse_roster(data, name, confirm_areas=form.areas_confirmed(data))
    except UnusualAreasError as exc:
        form.ask_area_confirmation(data)
        hint = _("如已核对、面积确实无误，请勾选下方“已核对上述面积，确认无误”，重新选择同一文件后再提交。")
        raise ValidationError([*exc.messages, hint]) from exc
    result = services.roster_import(
        unit=case.unit, rows=rows, actor=actor, file_name=name, sha256=hashlib.sha256(data).hexdigest()
    )
    return _with_notes(_("已导入业主名册：%(summary)s。") % {"summary": result.summary}, rows)


def _open_vote(case, form, actor, voters):
    try:
        vote = services.vote_open(case=case, actor=actor, closes_at=form.cleaned_data["closes_at"])
    except ValidationError as exc:
        if getattr(exc, "code", None) == "new_round_needed":
            raise ValidationError(exc.messages[0] + _("请使用“开始新一轮表决”按钮。")) from exc
        raise
    return _("业主表决已开始（%(when)s）。") % {"when": services.format_local(vote.opened_at)}


def _new_round(case, form, actor, voters):
    vote = services.vote_open(case=case, actor=actor, closes_at=form.cleaned_data["closes_at"], new_round=True)
    return _("新一轮业主表决已开始（%(when)s）。") % {"when": services.format_local(vote.opened_at)}


def _close_vote(case, form, actor, voters):
    vote = services.vote_close(vote=_open_vote_or_refuse(case), actor=actor)
    return _("业主表决已结束：%(verdict)s。") % {"verdict": _("通过") if vote.passed else _("未通过")}


def _paper_ballot(case, form, actor, voters):
    data = form.cleaned_data
    ballot = services.ballot_record_paper(
        vote=_open_vote_or_refuse(case),
        room=data["room"],
        choice=data["choice"],
        scan=data["scan"],
        actor=actor,
        signed_on=data["signed_on"],
        reason=data["reason"],
        proxy=form.proxy(),
    )
    done = {"rooms": ballot.rooms, "names": ballot.voter_names, "choice": ballot.get_choice_display()}
    if ballot.replaces_id:
        message = _("已更正：%(rooms)s（%(names)s）%(choice)s。") % done
    else:
        message = _("已登记：%(rooms)s（%(names)s）%(choice)s。") % done
    proxy = selectors.proxy_of(ballot)
    return f"{message}{proxy.label}。" if proxy else message


def _pending_key(case) -> str:
    return f"voting:ballot-file-overrides:{case.pk}"


def _import_ballot_file(case, data: bytes, name: str, actor, confirmed=()) -> str:
    """Import the file; when it would replace signed or online ballots, the refusal carries
    what the confirmation step keeps in the session (the file and the ballots shown)."""
    rows = parse_ballots(data, name)
    try:
        outcome = services.ballots_import(
            vote=_open_vote_or_refuse(case),
            rows=rows,
            data=data,
            file_name=name,
            actor=actor,
            confirm_overrides=confirmed,
        )
    except services.OverridesNeedConfirmation as exc:
        exc.pending = {
            "name": name,
            "data": base64.b64encode(data).decode("ascii"),
            "sha256": hashlib.sha256(data).hexdigest(),
            "overrides": [override.ballot_pk for override in exc.overrides],
            "rows": [override.message for override in exc.overrides],
        }
        raise
    return _with_notes(_("已导入选票文件“%(name)s”：%(summary)s。") % {"name": name, "summary": outcome.summary}, rows)


def _ballot_file(case, form, actor, voters):
    data, name = form.read()
    return _import_ballot_file(case, data, name, actor)


def _ballot_file_confirm(case, form, actor, voters):
    """The second step: the file kept in the session, the ballots the clerk was shown."""
    pending = form.session.get(_pending_key(case))
    if not pending or pending.get("sha256") != form.cleaned_data["token"]:
        raise ValidationError(_("待确认的选票文件已不在（可能已导入或已换了文件）：请重新上传选票文件。"))
    message = _import_ballot_file(
        case, base64.b64decode(pending["data"]), pending["name"], actor, confirmed=set(pending["overrides"])
    )
    form.session.pop(_pending_key(case), None)
    return message


def _witness(case, form, actor, voters):
    vote = case.votes.order_by("-opened_at", "-pk").first()
    if vote is None:
        raise ValidationError(_("尚未开始表决，不能登记见证。"))
    data = form.cleaned_data
    services.witness_record(
        vote=vote,
        actor=actor,
        witness_name=data["witness_name"],
        organisation_kind=data["organisation_kind"],
        organisation_name=data["organisation_name"],
        witnessed_at=data["witnessed_at"],
        method=data["method"],
        notes=data["notes"],
        upload=data["file"],
    )
    return _("已登记见证记录。")


ACTIONS = {
    "import_roster": (forms.RosterUploadForm, gettext_lazy("导入业主名册"), "vote-roster", _import_roster),
    "open_vote": (forms.VoteOpenForm, gettext_lazy("开始表决"), "vote-control", _open_vote),
    "new_round": (forms.NewRoundForm, gettext_lazy("开始新一轮表决"), "vote-control", _new_round),
    "close_vote": (forms.VoteCloseForm, gettext_lazy("结束表决"), "vote-control", _close_vote),
    "paper_ballot": (forms.PaperBallotForm, gettext_lazy("录入纸质选票"), "paper-ballot", _paper_ballot),
    "ballot_file": (forms.BallotFileForm, gettext_lazy("导入选票文件"), "ballot-file", _ballot_file),
    "ballot_file_confirm": (
        forms.BallotOverrideConfirmForm,
        gettext_lazy("确认覆盖选票"),
        "ballot-file",
        _ballot_file_confirm,
    ),
    "witness": (forms.WitnessForm, gettext_lazy("登记见证"), "vote-witness", _witness),
}


def _form(action, voters, data=None, files=None):
    form_class = ACTIONS[action][0]
    kwargs = {"voters": voters} if form_class is forms.PaperBallotForm else {}
    return form_class(data, files, prefix=action, **kwargs)


def _shown_actions(page: dict) -> list[str]:
    """The actions whose forms the page shows, by the template's own conditions: only these
    forms are built (the paper ballot's lists every voter)."""
    shown = []
    if page["can_close"]:
        shown.append("close_vote")
    elif page["can_open"]:
        shown.append("new_round" if page["vote"] else "open_vote")
    if page["accepts_ballots"]:
        shown += ["paper_ballot", "ballot_file"]
    if page["can_import_roster"]:
        shown.append("import_roster")
    if page["vote"] and page["may_run"]:
        shown.append("witness")
    return shown


# Blank forms that hold nothing of the request, the case or the day: their fields print the
# same on every page in a language. The paper ballot's print the same for the same voters on
# the same day (its list of voters, the signing date it suggests).
_SAME_BLANK_FORM = {"open_vote", "new_round", "close_vote", "ballot_file", "import_roster", "witness"}
_FIELDS_TEMPLATE = "admin/voting/_fields.html"
# The paper ballot's fields print its optional proxy part (由他人代为表决) as a group of its own.
_FIELDS_TEMPLATES = {"paper_ballot": "admin/voting/_paper_ballot_fields.html"}


def _fields_html(action: str, form) -> SafeString:
    return render_to_string(_FIELDS_TEMPLATES.get(action, _FIELDS_TEMPLATE), {"form": form})


def _action_forms(page: dict, bound: dict) -> tuple[dict, dict]:
    """The forms of the actions the page shows, and their fields as `_fields.html` prints
    them. Each widget, each choice of a list, is a template render (the witness form's seven
    fields cost as much as the rest of the page's content), so a blank form is not built:
    its fields are rendered once for what they print (`_blank_fields_html`). With DEBUG
    every form renders, so that an edited template shows."""
    action_forms, fields = {}, {}
    for action in _shown_actions(page):
        if action in bound or settings.DEBUG:
            action_forms[action] = bound.get(action) or _form(action, page["voters"])
        elif action in _SAME_BLANK_FORM:
            fields[action] = _blank_fields_html(action, get_language())
        elif action == "paper_ballot":
            fields[action] = _blank_fields_html(action, get_language(), localdate(), tuple(page["voters"]))
        else:
            action_forms[action] = _form(action, page["voters"])
    return action_forms, fields


@functools.lru_cache(maxsize=64)
def _blank_fields_html(
    action: str, language: str, today: datetime.date | None = None, voters: tuple = ()
) -> SafeString:
    """`today`: the paper ballot's suggested signing date (its field's initial value)."""
    return _fields_html(action, _form(action, voters))


# The long tables' bodies are written here (cases/tables.py says why); the template keeps
# the tables, their headings and everything else.


def _display(model, field_name: str):
    """`get_<field>_display` for a whole table: the choices' labels translated once, not for
    every row (each call of the model's method translates all of them)."""
    labels = {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}
    return lambda value: labels.get(value, value)


def _not_voted_rows(voters) -> SafeString:
    return rows_html(
        (voter.rooms_label, Cell(voter.names, "names"), Cell(floatformat(voter.area, "2"), "num")) for voter in voters
    )


def _roster_rows(flats) -> SafeString:
    """`flats`: the roster as `voters.roster_flats` reads it."""
    yes, no, recorded = _("是"), _("否"), _("已登记")
    missing = format_html('<strong class="vote-warn">{}</strong>', _("缺"))
    area_source = _display(Flat, "area_source")
    rows = []
    for flat in flats:
        rows.append(
            (
                Cell(flat.room, "nowrap"),
                Cell(flat.floor, "num"),
                Cell(flat.area, "num"),
                area_source(flat.area_source),
                Cell("、".join(owner.name for owner in flat.owners), "names"),
                Cell(mark_safe("<br>".join(escape(owner.masked_id_number) for owner in flat.owners)), "nowrap"),
                yes if flat.developer_held else no,
                recorded if flat.certificate_no else missing,
            )
        )
    return rows_html(rows)


def _ballot_rows(rows) -> SafeString:
    """The ballot table's body; written out here rather than by `rows_html` because each row
    carries its rooms in `data-rooms` (the browser tests find a voter's row by them). Labels
    are translated once for the table, not for each row."""
    choice, channel = _display(Ballot, "choice"), _display(Ballot, "channel")
    system, scan, from_file = _("系统"), escape(_("扫描件")), escape(_("选票文件"))
    line, reason = _("第%(line)s行"), _("理由：%(reason)s")
    letter, id_label, aside = escape(_("委托书")), _("身份证号码 %(id)s"), _("（%(text)s）")
    tz = get_current_timezone()
    import_urls: dict[int, str] = {}  # the ballots of one file share its link

    def when(value, strftime: str) -> str:
        # The template's `date` filter, "m-d H:i" / "Y-m-d H:i": digits only, in the current zone.
        return localtime(value, tz).strftime(strftime)

    def entered_by(ballot) -> str:
        return escape(ballot.entered_by or system)

    def evidence(ballot) -> str:
        if ballot.scan:
            url = reverse("admin:voting_file_download", args=["scan", ballot.pk])
            return f'<a href="{escape(url)}">{scan}</a>'
        if ballot.source_import_id:
            pk = ballot.source_import_id
            if pk not in import_urls:
                import_urls[pk] = escape(reverse("admin:voting_file_download", args=["import", pk]))
            return f'<a href="{import_urls[pk]}">{from_file}</a> {escape(line % {"line": ballot.source_row})}'
        return ""

    def proxy(ballot) -> str:
        """由X（关系）代为表决, the proxy's masked ID number, and the letter's download link."""
        found = selectors.proxy_of(ballot)
        if found is None:
            return ""
        parts = [escape(found.label)]
        if found.masked_id_number:
            parts.append(escape(id_label % {"id": found.masked_id_number}))
        if found.has_letter:
            url = reverse("admin:voting_file_download", args=["proxy", ballot.pk])
            parts.append(f'<a href="{escape(url)}">{letter}</a>')
        return " · ".join(parts)

    def history(corrections) -> str:
        if not corrections:
            return "—"
        count = len(corrections)
        summary = ngettext("更正 %(counter)s 次", "更正 %(counter)s 次", count) % {"counter": count}

        def who_gave(line) -> str:  # the proxy of a ballot in the chain, if it had one
            shown = proxy(line) if line is not None else ""
            return aside % {"text": shown} if shown else ""  # `shown` is escaped HTML already

        items = "".join(
            f"<li>{when(c.entered_at, '%Y-%m-%d %H:%M')} · {entered_by(c)} · {escape(choice(c.replaced_choice))}"
            f"{who_gave(c.replaced)} → {escape(choice(c.choice))}{who_gave(c)} · "
            f"{escape(reason % {'reason': c.reason})}</li>"
            for c in corrections
        )
        return f'<details class="ballot-history"><summary>{escape(summary)}</summary><ol>{items}</ol></details>'

    def proxy_cell(ballot) -> str:
        shown = proxy(ballot)
        return f'<div class="ballot-proxy">{shown}</div>' if shown else ""

    out = []
    for row in rows:
        b = row.ballot
        out.append(
            f'<tr class="ballot-row" data-rooms="{escape(b.rooms)}">'
            f'<td class="nowrap">{text(b.rooms)}</td>'
            f'<td class="names">{text(b.voter_names)}{proxy_cell(b)}</td>'
            f'<td class="nowrap choice choice-{escape(b.choice)}">{text(choice(b.choice))}</td>'
            f'<td class="nowrap">{text(channel(b.channel))}</td>'
            f'<td class="nowrap">{when(b.entered_at, "%m-%d %H:%M")} {entered_by(b)}</td>'
            f'<td class="nowrap">{evidence(b)}</td>'
            f'<td class="history">{history(row.corrections)}</td></tr>'
        )
    return mark_safe("\n".join(out))  # every value above went through escape() or text()


def case_vote(request, admin_site, case_pk: int):
    case = _case_for(request, case_pk)
    failed_action, action_errors, bound, pending = None, [], {}, None
    if request.method == "POST":
        if not can_run_vote(request.user, case):
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise Http404
        _form_class, label, anchor, handler = ACTIONS[action]
        try:
            voters = unit_voters(unit=case.unit)
        except ValidationError:
            voters = []
        form = _form(action, voters, request.POST, request.FILES)
        form.session = request.session
        if form.is_valid():
            try:
                message = handler(case, form, request.user, voters)
            except services.OverridesNeedConfirmation as exc:
                # The second step: the rows below, a box to tick; the file waits in the session.
                request.session[_pending_key(case)] = pending = exc.pending
                action_errors = exc.messages[:1]
            except ValidationError as exc:
                action_errors = exc.messages
            else:
                messages.success(request, message)
                return redirect(reverse("admin:voting_case_vote", args=[case.pk]) + f"#{anchor}")
        else:
            action_errors = [error for errors in form.errors.values() for error in errors]
            if action == "ballot_file_confirm":
                pending = request.session.get(_pending_key(case))
        failed_action, bound[action] = label, form

    context = selectors.vote_page(case=case, user=request.user)
    context["ballot_count"] = len(context["ballot_rows"])
    if not context["may_see_evidence"]:
        # The applicant's account: the tally and who has not voted, never how each owner
        # voted — no ballots, corrections and their reasons, or ballot files.
        context.update({"ballot_rows": [], "imports": []})
    context["ballot_table"] = _ballot_rows(context["ballot_rows"])
    context["not_voted_table"] = _not_voted_rows(context["not_voted"])
    context["roster_table"] = _roster_rows(context["flats"])
    context["forms"], context["fields"] = _action_forms(context, bound)
    if pending and context["accepts_ballots"]:
        context["pending_overrides"] = pending["rows"]
        context["forms"]["ballot_file_confirm"] = forms.BallotOverrideConfirmForm(
            initial={"token": pending["sha256"]}, prefix="ballot_file_confirm"
        )
    for action, form in context["forms"].items():
        context["fields"][action] = _fields_html(action, form)
    context.update(
        {
            **admin_site.each_context(request),
            "title": _("业主表决"),
            "subtitle": case.number,
            "failed_action": failed_action,
            "action_errors": action_errors,
            "opts": case._meta,
        }
    )
    return TemplateResponse(request, "admin/voting/case_vote.html", context)


def roster_export(request, admin_site, case_pk: int):
    """The roster as .xlsx with an empty 表决意见 column; full ID numbers, so only the staff
    who run the vote, and the export is logged."""
    case = _case_for(request, case_pk)
    if not can_run_vote(request.user, case):
        raise PermissionDenied
    flats = list(unit_flats_with_owners(unit=case.unit))
    content = export_roster_xlsx(flats, title=f"{case.number}业主名册")
    audit.roster_exported(case=case, actor=request.user, flat_count=len(flats))
    response = FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"{case.number}-业主名册.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def file_download(request, admin_site, kind: str, pk: int):
    """A signed ballot scan, a proxy's power of attorney (委托书), an imported ballot file or
    a witness record; logged."""
    found = selectors.vote_file_for(user=request.user, kind=kind, pk=pk)
    if found is None:
        raise Http404
    return private_file_response(
        request,
        file=found.file,
        filename=clean_file_name(found.original_name or found.file.name, default="file"),
        content_type=found.content_type,
        refusal=None,  # the selector hands out only what the user may read
        log_download=functools.partial(
            audit.vote_file_downloaded, obj=found.obj, case=found.case, what=found.what, name=found.original_name
        ),
    )
