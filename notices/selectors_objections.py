"""Reads of the objections: a case's objections with their handling (for staff pages and the
evidence bundle), one objection as staff may open it, an owner's own objections, the open
ones step 2 waits for, and an objection's timeline in words."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseStatus, Owner, Ownership
from cases.selectors import case_list_visible_to
from cases.validators import format_day

from .models import Notice, Objection, ObjectionHandling, ObjectionState
from .selectors import notice_for_owner
from .services_objections import ENDED, normalize_code


@dataclass(frozen=True)
class ObjectionWindow:
    """Whether an owner may lodge an objection online today, and what the page says."""

    notice: Notice | None
    open: bool
    late: bool
    state: str


def objection_window(case: Case, today) -> ObjectionWindow:
    """From the notice's first day on; after its last day recorded as late. Once the case has
    ended (completed, rejected, withdrawn) the portal takes none: the service refuses too,
    and a letter brought to the office is still registered on paper."""
    shown = notice_for_owner(case, today)
    notice = shown.notice
    if notice is None:
        return ObjectionWindow(None, False, False, shown.state)
    if case.status != CaseStatus.OPEN:
        return ObjectionWindow(notice, False, False, ENDED % {"status": case.get_status_display()})
    if today < notice.start:
        return ObjectionWindow(notice, False, False, shown.state)
    if today > notice.end:
        return ObjectionWindow(
            notice,
            True,
            True,
            _("公示期已于%(end)s结束。现在提出的异议将登记为逾期异议，照常受理并书面答复。")
            % {"end": format_day(notice.end)},
        )
    return ObjectionWindow(notice, True, False, shown.state)


def _with_handling(qs: QuerySet[Objection]) -> QuerySet[Objection]:
    return qs.select_related("notice__case", "owner", "recorded_by", "closed_by").prefetch_related(
        "files",
        Prefetch("handling", queryset=ObjectionHandling.objects.select_related("recorded_by").order_by("on", "pk")),
    )


def objections_for_case(case: Case) -> list[Objection]:
    """Every objection to the case's notice in the order received, with its files and its
    handling prefetched (a fixed number of queries however many there are). For the staff
    pages and the evidence bundle; the caller has already checked who may read them."""
    return list(_with_handling(Objection.objects.filter(notice__case_id=case.pk)).order_by("seq"))


def objection_for_staff(*, user, pk: int) -> Objection:
    """One objection, if its case is one the user sees (another office's: 404)."""
    objection = (
        _with_handling(Objection.objects.filter(notice__case__in=case_list_visible_to(user=user))).filter(pk=pk).first()
    )
    if objection is None:
        raise Http404("no such objection")
    return objection


def objections_of_owner(*, user, case: Case) -> list[Objection]:
    """The objections this identity brought on this case (online or on paper), newest first."""
    return list(
        _with_handling(Objection.objects.filter(notice__case_id=case.pk, owner__person_id=user.person_id)).order_by(
            "-seq"
        )
    )


def objection_of_owner(*, user, case: Case, pk: int) -> Objection:
    objection = next((o for o in objections_of_owner(user=user, case=case) if o.pk == pk), None)
    if objection is None:
        raise Http404("not this owner's objection")
    return objection


def objection_by_code(code: str) -> Objection | None:
    return Objection.objects.select_related("notice__case").filter(code=normalize_code(code)).first()


def open_objections(*, notice) -> list[Objection]:
    return list(
        Objection.objects.filter(notice_id=notice.pk)
        .exclude(state=ObjectionState.CLOSED)
        .prefetch_related("handling")
        .order_by("seq")
    )


def local_time(value) -> str:
    return dateformat.format(timezone.localtime(value), "Y年n月j日 H:i")


def handling_counts(objection: Objection) -> tuple[int, int]:
    rows = list(objection.handling.all())
    return sum(r.kind == "contact" for r in rows), sum(r.kind == "meeting" for r in rows)


def objection_state_text(objection: Objection) -> str:
    """The state in one sentence, as the objector and the guard read it."""
    if objection.state == ObjectionState.CLOSED:
        return _("已于%(when)s办结：%(outcome)s。") % {
            "when": local_time(objection.closed_at),
            "outcome": objection.get_outcome_display(),
        }
    contacts, meetings = handling_counts(objection)
    if objection.state == ObjectionState.RECEIVED:
        return _("已受理，等待区住建部门联系。")
    return _("处理中：已联系%(c)s次，已召开调解会%(m)s次，尚未办结。") % {"c": contacts, "m": meetings}


@dataclass(frozen=True)
class TimelineEntry:
    when: str
    title: str
    lines: list[str]


def objection_timeline(objection: Objection, *, for_owner: bool = False) -> list[TimelineEntry]:
    """Received, each contact and meeting, the close: in order. The owner sees the same
    steps without the staff's names."""
    entries = [
        TimelineEntry(
            when=local_time(objection.received_at),
            title=_("受理异议：%(channel)s") % {"channel": objection.get_channel_display()},
            lines=[_("公示期结束后提出（逾期），照常受理。")] if objection.late else [],
        )
    ]
    for row in objection.handling.all():
        lines = []
        if row.how:
            lines.append(_("方式/地点：%(how)s") % {"how": row.how})
        if row.attendees:
            lines.append(_("参加人员：%(who)s") % {"who": row.attendees})
        lines.append(
            (_("议定事项：%(text)s") if row.kind == "meeting" else _("情况：%(text)s")) % {"text": row.summary}
        )
        if not for_owner and row.recorded_by_id:
            lines.append(
                _("登记：%(who)s %(when)s")
                % {
                    "who": row.recorded_by.get_full_name() or row.recorded_by.username,
                    "when": local_time(row.recorded_at),
                }
            )
        entries.append(
            TimelineEntry(when=dateformat.format(row.on, "Y年n月j日"), title=row.get_kind_display(), lines=lines)
        )
    if objection.state == ObjectionState.CLOSED:
        lines = [objection.get_outcome_display()]
        if objection.outcome_reasons:
            lines.append(objection.outcome_reasons)
        entries.append(TimelineEntry(when=local_time(objection.closed_at), title=_("办结并书面答复"), lines=lines))
    return entries


def unit_owners(*, case: Case) -> tuple[QuerySet[Owner], dict[int, str]]:
    """The unit's owners (who may object on paper) and their rooms, for the office's form."""
    rooms: dict[int, list[str]] = {}
    for owner_id, room in (
        Ownership.objects.filter(flat__unit_id=case.unit_id)
        .order_by("flat__floor", "flat__room")
        .values_list("owner_id", "flat__room")
    ):
        rooms.setdefault(owner_id, []).append(room)
    owners = Owner.objects.filter(pk__in=list(rooms)).order_by("name", "pk")
    return owners, {pk: "、".join(r) for pk, r in rooms.items()}
