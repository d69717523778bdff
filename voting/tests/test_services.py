"""The vote's services: roster import and freeze, opening and closing, paper, file and
online ballots with their corrections, the window, the witness, and what other apps read."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from cases import services as case_services
from cases.models import Case, CaseStatus
from cases.services import OwnerData
from cases.tests.factories import UserFactory, jurisdiction, open_case, unit_with_flats
from voting import selectors, services
from voting.forms import OnlineBallotForm
from voting.models import Ballot, Vote, VoteState, WitnessRecord
from voting.roster import TableFileError, parse_roster
from voting.rules import CONDITION_LABELS
from voting.selectors import roster_frozen, vote_result_for_case, vote_summary_for_case
from voting.voters import unit_voters

from .factories import SAMPLE_ROSTER, VoteFactory, import_ballots, sample_case, sample_unit, scan_upload

pytestmark = pytest.mark.django_db


def owner_of(case, room):
    return case.unit.flats.get(room=room).ownerships.first().owner


def effective(vote):
    return {b.rooms: b.choice for b in vote.ballots.filter(superseded_at__isnull=True)}


# --- roster -------------------------------------------------------------------------------


def test_roster_import_creates_then_updates_and_removes_flats():
    unit = sample_unit()
    assert unit.flats.count() == 14
    rows = parse_roster(SAMPLE_ROSTER.read_bytes(), SAMPLE_ROSTER.name)
    first, *rest = rows
    changed = first.__class__(**{**first.__dict__, "area": Decimal("116.00")})
    result = services.roster_import(unit=unit, rows=[changed, *rest[:-1]], actor=None)
    assert (result.created, result.updated, result.removed, result.unchanged) == (0, 1, 1, 12)
    assert unit.flats.get(room=first.room).area == Decimal("116.00")
    assert not unit.flats.filter(room=rest[-1].room).exists()


def test_roster_import_is_refused_once_the_vote_opened_and_after_it_closed():
    vote = VoteFactory()
    rows = parse_roster(SAMPLE_ROSTER.read_bytes(), SAMPLE_ROSTER.name)
    with pytest.raises(ValidationError, match="名册已冻结"):
        services.roster_import(unit=vote.case.unit, rows=rows[:3], actor=None)
    services.vote_close(vote=vote, actor=None)
    with pytest.raises(ValidationError, match="名册已冻结"):
        services.roster_import(unit=vote.case.unit, rows=rows[:3], actor=None)
    assert vote.case.unit.flats.count() == 14


def test_roster_frozen_also_stops_the_cases_app_changing_a_flat():
    vote = VoteFactory()
    flat = vote.case.unit.flats.first()
    with pytest.raises(ValidationError, match="冻结"):
        case_services.flat_register(
            unit=flat.unit,
            room=flat.room,
            floor=flat.floor,
            area=Decimal("1.00"),
            owners=[OwnerData(name="x", id_number=owner_of(vote.case, flat.room).id_number)],
            actor=None,
        )


def test_roster_frozen_follows_the_units_vote():
    case = sample_case()
    assert roster_frozen(unit=case.unit) is False
    vote = VoteFactory(case=case)
    assert roster_frozen(unit=case.unit) is True
    services.vote_close(vote=vote, actor=None)
    assert roster_frozen(unit=case.unit) is True
    # A rejected application releases the roster: a new one needs a new vote anyway.
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.REJECTED)
    assert roster_frozen(unit=case.unit) is False


def test_only_the_district_housing_officer_imports_a_roster():
    case = sample_case()
    rows = parse_roster(SAMPLE_ROSTER.read_bytes(), SAMPLE_ROSTER.name)
    for user in (
        UserFactory(with_role="planning_reviewer"),
        UserFactory(with_role="district_officer", jurisdiction=jurisdiction("LC")),
    ):
        with pytest.raises(PermissionDenied):
            services.roster_import(unit=case.unit, rows=rows, actor=user)
    officer = UserFactory(with_role="district_officer")
    services.roster_import(unit=case.unit, rows=rows, actor=officer)
    assert AuditEvent.objects.filter(event="vote_roster_imported", actor=officer, case=case).exists()


# --- opening and closing ---------------------------------------------------------------------


def test_open_and_close_keep_the_counts_and_the_audit():
    officer = UserFactory(with_role="district_officer")
    case = sample_case()
    vote = services.vote_open(case=case, actor=officer)
    assert (vote.state, vote.opened_by) == (VoteState.OPEN, officer)
    import_ballots(vote, {"101": "同意", "102": "反对"})
    vote = services.vote_close(vote=vote, actor=officer)
    assert (vote.state, vote.closed_by, vote.passed) == (VoteState.CLOSED, officer, False)
    assert (vote.participating_headcount, vote.agreeing_headcount, vote.total_headcount) == (2, 1, 13)
    events = list(
        AuditEvent.objects.filter(case=case, event__in=["vote_opened", "vote_closed"])
        .order_by("pk")
        .values_list("event", flat=True)
    )
    assert events == ["vote_opened", "vote_closed"]
    with pytest.raises(ValidationError, match="已经结束"):
        services.vote_close(vote=vote, actor=officer)


def test_one_open_vote_per_case_in_the_service_and_in_the_database():
    vote = VoteFactory()
    with pytest.raises(ValidationError, match="已有进行中"):
        services.vote_open(case=vote.case, actor=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(case=vote.case, state=VoteState.OPEN)


def test_a_re_vote_may_follow_a_failed_vote_but_not_a_passed_one():
    failed = VoteFactory(failing=True)
    with pytest.raises(ValidationError, match="须明确选择开始新一轮") as refused:
        services.vote_open(case=failed.case, actor=None)
    assert refused.value.code == "new_round_needed" and failed.case.votes.count() == 1
    again = services.vote_open(case=failed.case, actor=None, new_round=True)
    assert again.pk != failed.pk and failed.case.votes.count() == 2
    passed = VoteFactory(passing=True)
    with pytest.raises(ValidationError, match="已经通过"):
        services.vote_open(case=passed.case, actor=None)


def test_other_staff_cannot_open_or_close_a_vote():
    case = sample_case()
    for user in (
        UserFactory(with_role="planning_reviewer"),
        UserFactory(with_role="city_supervisor"),
        UserFactory(with_role="district_officer", jurisdiction=jurisdiction("LC")),
    ):
        with pytest.raises(PermissionDenied):
            services.vote_open(case=case, actor=user)
    assert not Vote.objects.exists()


# --- ballots and corrections -------------------------------------------------------------------------


def test_a_paper_ballot_covers_every_flat_of_its_voter():
    vote = VoteFactory()
    officer = UserFactory(with_role="district_officer")
    ballot = services.ballot_record_paper(vote=vote, room="601", choice="同意", scan=scan_upload(), actor=officer)
    assert ballot.rooms == "301、601"
    assert ballot.sha256 and ballot.content_type == "application/pdf" and ballot.scan.name.startswith("votes/")
    result = selectors.live_tally(vote=vote)
    both = sum(f.area for f in vote.case.unit.flats.filter(room__in=["301", "601"]))
    assert (result.participating_headcount, result.participating_area) == (1, both)


def test_a_correction_before_closing_keeps_the_history():
    vote = VoteFactory()
    clerk, senior = UserFactory(with_role="district_officer"), UserFactory(with_role="district_officer")
    first = services.ballot_record_paper(vote=vote, room="201", choice="反对", scan=scan_upload(), actor=clerk)
    with pytest.raises(ValidationError, match="更正须写明理由"):
        services.ballot_record_paper(vote=vote, room="201", choice="同意", scan=scan_upload(), actor=senior)
    second = services.ballot_record_paper(
        vote=vote, room="201", choice="同意", scan=scan_upload(), actor=senior, reason="业主本人书面申请更改意见"
    )
    first.refresh_from_db()
    assert first.superseded_at is not None and second.superseded_at is None
    # who, when, old, new, why
    assert (second.entered_by, second.replaces, second.replaces.choice, second.choice, second.reason) == (
        senior,
        first,
        "disagree",
        "agree",
        "业主本人书面申请更改意见",
    )
    assert second.entered_at >= first.entered_at
    assert effective(vote) == {"201": "agree"}
    event = AuditEvent.objects.get(event="ballot_corrected")
    assert event.data["old_choice"] == "disagree" and event.actor == senior


def test_the_database_holds_one_effective_ballot_per_voter():
    vote = VoteFactory(choices={"101": "同意"})
    ballot = vote.ballots.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(
            vote=vote, voter_key=ballot.voter_key, rooms="101", voter_names="x", choice="disagree", channel="online"
        )


def test_different_choices_for_one_voters_flats_are_refused_and_nothing_recorded():
    vote = VoteFactory()
    with pytest.raises(TableFileError) as err:
        import_ballots(vote, {"101": "同意", "301": "同意", "601": "反对"})
    message = err.value.messages[0]
    assert "301" in message and "601" in message and "不一致" in message
    assert not vote.ballots.exists() and not vote.imports.exists()


def test_a_file_ballot_for_one_of_a_voters_flats_and_the_same_choice_again_changes_nothing():
    vote = VoteFactory()
    outcome = import_ballots(vote, {"301": "同意"})
    assert outcome.recorded == 1
    again = import_ballots(vote, {"601": "同意"})
    assert (again.recorded, again.corrected, again.unchanged) == (0, 0, 1)
    assert vote.ballots.count() == 1


def test_unknown_rooms_and_words_are_refused():
    vote = VoteFactory()
    with pytest.raises(ValidationError, match="不在本梯业主名册"):
        services.ballot_record_paper(vote=vote, room="999", choice="同意", scan=scan_upload(), actor=None)
    with pytest.raises(ValidationError, match="表决意见"):
        services.ballot_record_paper(vote=vote, room="101", choice="赞成", scan=scan_upload(), actor=None)
    assert not vote.ballots.exists()


def test_a_scan_must_really_be_a_pdf_or_an_image_and_nothing_is_left_on_disk(settings, tmp_path):
    from pathlib import Path

    vote = VoteFactory()
    fake = SimpleUploadedFile("选票.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="不是PDF、JPEG或PNG"):
        services.ballot_record_paper(vote=vote, room="101", choice="同意", scan=fake, actor=None)
    with pytest.raises(ValidationError, match="请上传"):
        services.ballot_record_paper(vote=vote, room="101", choice="同意", scan=None, actor=None)
    assert not vote.ballots.exists()
    # A refusal after the scan was stored (here: the correction reason) removes the file again.
    services.ballot_record_paper(vote=vote, room="101", choice="同意", scan=scan_upload(), actor=None)
    with pytest.raises(ValidationError):
        services.ballot_record_paper(vote=vote, room="101", choice="反对", scan=scan_upload("second.pdf"), actor=None)
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert len(stored) == 1  # the accepted scan; the refused correction's scan was removed


# --- the window ---------------------------------------------------------------------------------------------


def test_ballots_outside_the_window_are_refused():
    vote = VoteFactory(closes_at=timezone.now() + datetime.timedelta(days=7))
    # Signed before the vote opened: not a ballot of this vote.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="不在表决期间"):
        services.ballot_record_paper(
            vote=vote, room="101", choice="同意", scan=scan_upload(), actor=None, signed_on=yesterday
        )
    # Past the announced closing time, even before an officer closes the vote.
    Vote.objects.filter(pk=vote.pk).update(
        opened_at=timezone.now() - datetime.timedelta(days=8), closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    vote.refresh_from_db()
    with pytest.raises(ValidationError, match="已过表决截止时间"):
        import_ballots(vote, {"101": "同意"})
    owner = owner_of(vote.case, "102")
    with pytest.raises(ValidationError, match="已过表决截止时间"):
        services.ballot_cast_online(vote=vote, owner=owner, choice="同意", actor=None)
    # After closing.
    closed = VoteFactory(passing=True)
    with pytest.raises(ValidationError, match="结束，不再接受选票"):
        services.ballot_record_paper(
            vote=closed, room="101", choice="反对", scan=scan_upload(), actor=None, reason="迟到"
        )
    assert not vote.ballots.exists()
    assert effective(closed)["101"] == "agree"


# --- online ballots ---------------------------------------------------------------------------------------


def test_an_owner_votes_online_and_a_co_owner_may_change_it_with_the_history_kept():
    vote = VoteFactory()
    flat = vote.case.unit.flats.get(room="202")
    wife, husband = [o.owner for o in flat.ownerships.order_by("owner__id_number")]
    first = services.ballot_cast_online(vote=vote, owner=wife, choice="agree", actor=None)
    assert (first.channel, first.cast_by_owner, first.rooms) == ("online", wife, "202")
    assert services.ballot_cast_online(vote=vote, owner=wife, choice="同意", actor=None) == first  # no change
    second = services.ballot_cast_online(vote=vote, owner=husband, choice="弃权", actor=None)
    assert second.replaces == first and husband.name in second.reason
    assert effective(vote) == {"202": "abstain"}
    assert selectors.live_tally(vote=vote).participating_headcount == 1  # co-owners are one voter


def test_online_ballots_only_for_ones_own_flats():
    vote = VoteFactory()
    stranger = unit_with_flats(flats=1).flats.get().ownerships.get().owner
    with pytest.raises(PermissionDenied, match="不是本梯号房屋的登记业主"):
        services.ballot_cast_online(vote=vote, owner=stranger, choice="同意", actor=None)
    owner = owner_of(vote.case, "101")
    someone_else = UserFactory(person=owner_of(vote.case, "102").person, is_staff=False)
    with pytest.raises(PermissionDenied, match="本人"):
        services.ballot_cast_online(vote=vote, owner=owner, choice="同意", actor=someone_else)
    # The owner's portal account stands for the owner's identity (cases.User.person).
    own_account = UserFactory(person=owner.person, is_staff=False)
    ballot = services.ballot_cast_online(vote=vote, owner=owner, choice="同意", actor=own_account)
    assert ballot.entered_by == own_account
    assert not vote.ballots.exclude(pk=ballot.pk).exists()


def test_an_owner_in_two_voter_groups_chooses_which_one():
    unit = unit_with_flats(flats=0)
    from cases.tests.factories import FlatFactory, OwnerFactory

    me, spouse = OwnerFactory(), OwnerFactory()
    FlatFactory(unit=unit, room="101", floor=1, owners=[me])
    FlatFactory(unit=unit, room="102", floor=1, owners=[me, spouse])
    FlatFactory(unit=unit, room="201", floor=2, owners=[OwnerFactory()])
    vote = VoteFactory(case=open_case(unit=unit))
    with pytest.raises(ValidationError, match="请选择"):
        services.ballot_cast_online(vote=vote, owner=me, choice="同意", actor=None)
    form = OnlineBallotForm({"voter_key": str(me.pk), "choice": "disagree"}, owner=me, vote=vote)
    assert [label for _, label in form.fields["voter_key"].choices][0].startswith("101")
    assert form.is_valid(), form.errors
    ballot = form.save(actor=None)
    assert (ballot.rooms, ballot.choice) == ("101", "disagree")


def test_the_online_form_for_a_single_voter_needs_only_the_choice():
    vote = VoteFactory()
    owner = owner_of(vote.case, "302")
    form = OnlineBallotForm(owner=owner, vote=vote)
    assert form.fields["voter_key"].widget.is_hidden
    bound = OnlineBallotForm(
        {"voter_key": form.fields["voter_key"].initial, "choice": "abstain"}, owner=owner, vote=vote
    )
    assert bound.is_valid()
    assert bound.save(actor=None).rooms == "302"


# --- witness -------------------------------------------------------------------------------------------------


def test_the_witness_record_keeps_who_what_when_how_and_the_file():
    vote = VoteFactory()
    officer = UserFactory(with_role="district_officer")
    record = services.witness_record(
        vote=vote,
        actor=officer,
        witness_name="林建国",
        organisation_kind="community",
        organisation_name="东湖街道刺桐社区居民委员会",
        witnessed_at=timezone.now(),
        method="现场见证投票、唱票和计票",
        notes="无异议",
        upload=scan_upload("见证记录.pdf"),
    )
    assert (record.get_organisation_kind_display(), record.recorded_by, record.original_name) == (
        "社区居民委员会",
        officer,
        "见证记录.pdf",
    )
    assert AuditEvent.objects.filter(event="vote_witness_recorded", case=vote.case).exists()
    with pytest.raises(ValidationError) as err:
        services.witness_record(
            vote=vote,
            actor=officer,
            witness_name="",
            organisation_kind="court",
            organisation_name="",
            witnessed_at=timezone.now() + datetime.timedelta(days=1),
            method="",
            upload=scan_upload(),
        )
    assert {
        "请填写见证人。",
        "请选择见证单位类型。",
        "请填写见证单位名称。",
        "请填写见证方式。",
        "见证时间不能晚于现在，请检查日期和时间。",
    } <= set(err.value.messages)
    assert WitnessRecord.objects.count() == 1


# --- what other apps read ---------------------------------------------------------------------------------------


def test_vote_result_for_case_is_the_closed_votes_tally():
    case = sample_case()
    assert vote_result_for_case(case=case) is None
    vote = VoteFactory(case=case, choices={"101": "同意", "102": "反对"})
    assert vote_result_for_case(case=case) is None  # still open
    services.vote_close(vote=vote, actor=None)
    failed = vote_result_for_case(case=case)
    assert failed is not None and not failed.passed and failed.participating_headcount == 2
    assert failed == selectors.live_tally(vote=vote)  # the kept counts are the count
    revote = services.vote_open(case=case, actor=None, new_round=True)
    assert vote_result_for_case(case=case) == failed  # the re-vote counts once it closes
    import_ballots(revote, {voter.rooms[0]: "同意" for voter in unit_voters(unit=case.unit)})
    services.vote_close(vote=revote, actor=None)
    assert vote_result_for_case(case=case).passed


def test_step_one_of_the_workflow_reads_the_result():
    case = sample_case()
    step = case.steps.get(number=1)
    assert "表决结果缺失：须先完成业主表决。" in case_services.step_guard_problems(step=step)
    VoteFactory(case=case, failing=True)
    assert "业主表决未通过，不能通过方案初审。" in case_services.step_guard_problems(step=step)
    case2 = sample_case()
    VoteFactory(case=case2, passing=True)
    problems = case_services.step_guard_problems(step=case2.steps.get(number=1))
    assert not any("表决" in p for p in problems)


def test_the_one_line_summary_for_the_case_page():
    case = sample_case()
    assert vote_summary_for_case(case=case) == "尚未开始表决"
    vote = VoteFactory(case=case, choices={"101": "同意", "301": "同意", "702": "反对"})
    assert vote_summary_for_case(case=case) == "表决进行中：已投票 3/13 人"
    services.vote_close(vote=vote, actor=None)
    result = vote_result_for_case(case=case)
    expected = "；".join(CONDITION_LABELS[c] for c in result.failed_conditions)
    assert vote_summary_for_case(case=case) == f"表决已结束：未通过（{expected}）"
    passed = VoteFactory(passing=True)
    assert vote_summary_for_case(case=passed.case) == "表决已结束：通过"
