"""What a ballot file may change, and when a new round starts (issue 9, section 6), and the
vote's dates kept in range: through the service, `import_ballots` and the vote page.

- A file never silently replaces a ballot with the voter's signed scan, a staff correction
  or the owner's online vote: refused row by row, applied only when confirmed, each with
  its reason and history. Rows equal to the current ballot change nothing.
- A re-vote after a failed vote is a deliberate act (`--new-round`, its own button)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.tests.factories import PDF_BYTES, UserFactory
from voting import selectors, services
from voting.models import Ballot, BallotImport, Vote

from .factories import SAMPLE_BALLOTS, VoteFactory, ballot_csv, import_ballots, sample_case, scan_upload

pytestmark = pytest.mark.django_db


def effective(vote) -> dict[str, str]:
    return dict(vote.ballots.filter(superseded_at__isnull=True).values_list("rooms", "choice"))


@pytest.fixture
def clerk():
    return UserFactory(with_role="district_officer", full_name="陈晓东")


@pytest.fixture
def corrected(clerk):
    """201 said 同意 in the first file, then came in person: 反对, signed, with a reason."""
    vote = VoteFactory(choices={"201": "同意", "101": "同意"})
    services.ballot_record_paper(
        vote=vote, room="201", choice="反对", scan=scan_upload(), actor=clerk, reason="业主本人书面申请更改意见"
    )
    return vote


# --- the service ------------------------------------------------------------------------------------------


def test_a_later_file_does_not_silently_flip_a_signed_correction(corrected):
    vote = corrected
    before = (Ballot.objects.count(), BallotImport.objects.count(), AuditEvent.objects.count())
    with pytest.raises(services.OverridesNeedConfirmation) as refused:
        import_ballots(vote, {"101": "同意", "201": "同意", "102": "反对"}, name="第二批.csv")
    (override,) = refused.value.overrides
    # Room, voter, the current choice and how it was recorded, the file's choice.
    assert override.message.startswith("第3行 房号201（杨涛艳）：现为“反对”（纸质选票，附签字扫描件，陈晓东更正")
    assert "业主本人书面申请更改意见" in override.message and override.message.endswith("文件为“同意”")
    assert "未导入任何选票" in refused.value.messages[0]
    # Nothing at all was imported, not even 102's new ballot.
    assert (Ballot.objects.count(), BallotImport.objects.count(), AuditEvent.objects.count()) == before
    assert effective(vote) == {"101": "agree", "201": "disagree"}


def test_a_confirmed_override_is_applied_with_its_reason_and_history(corrected, clerk):
    vote = corrected
    outcome = import_ballots(
        vote, {"101": "同意", "201": "同意", "102": "反对"}, name="第二批.csv", actor=clerk, confirm_overrides=True
    )
    assert (outcome.recorded, outcome.corrected, outcome.overridden, outcome.unchanged) == (1, 1, 1, 1)
    assert "其中经确认覆盖1票" in outcome.summary
    assert effective(vote) == {"101": "agree", "201": "agree", "102": "disagree"}
    now = vote.ballots.get(rooms="201", superseded_at__isnull=True)
    assert "第二批.csv" in now.reason and "经办人确认覆盖原选票“反对”" in now.reason
    assert "业主本人书面申请更改意见" in now.reason
    # The whole chain stays: file 同意 → signed 反对 → confirmed file 同意.
    chain = [now.replaces.replaces.choice, now.replaces.choice, now.choice]
    assert chain == ["agree", "disagree", "agree"]
    assert AuditEvent.objects.filter(event="ballot_corrected", case=vote.case).count() == 2


def test_an_owners_online_ballot_is_not_replaced_by_a_file_without_confirmation():
    vote = VoteFactory()
    owner = vote.case.unit.flats.get(room="302").ownerships.get().owner
    services.ballot_cast_online(vote=vote, owner=owner, choice="agree", actor=None)
    with pytest.raises(services.OverridesNeedConfirmation) as refused:
        import_ballots(vote, {"302": "反对"})
    assert "现为“同意”（业主网上表决" in refused.value.overrides[0].message
    assert effective(vote) == {"302": "agree"}


def test_rows_equal_to_the_current_ballot_change_nothing_and_need_no_confirmation(corrected):
    vote = corrected
    outcome = import_ballots(vote, {"201": "反对", "101": "同意"})
    assert (outcome.recorded, outcome.corrected, outcome.unchanged) == (0, 0, 2)
    assert vote.ballots.filter(rooms="201").count() == 2  # no new row in the history


def test_a_ballot_from_an_earlier_file_is_corrected_by_a_later_file_as_before():
    vote = VoteFactory(choices={"201": "同意"})
    outcome = import_ballots(vote, {"201": "反对"}, name="更正.csv")
    assert (outcome.corrected, outcome.overridden) == (1, 0)


def test_a_confirmation_covers_only_the_ballots_the_clerk_was_shown(corrected, clerk):
    vote = corrected
    with pytest.raises(services.OverridesNeedConfirmation) as first:
        import_ballots(vote, {"201": "同意", "302": "同意"})
    shown = {o.ballot_pk for o in first.value.overrides}
    # Meanwhile 302 hands in a signed 反对.
    services.ballot_record_paper(vote=vote, room="302", choice="反对", scan=scan_upload(), actor=clerk)
    with pytest.raises(services.OverridesNeedConfirmation) as again:
        import_ballots(vote, {"201": "同意", "302": "同意"}, confirm_overrides=shown)
    assert [o.rooms for o in again.value.overrides] == ["201", "302"]
    assert effective(vote)["201"] == "disagree"


# --- import_ballots -------------------------------------------------------------------------------------------


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_import_ballots_lists_each_override_and_applies_them_only_with_confirm_overrides(corrected, tmp_path):
    vote = corrected
    path = tmp_path / "第二批.csv"
    path.write_bytes(ballot_csv({"201": "同意", "102": "反对"}))
    before = Ballot.objects.count()
    with pytest.raises(CommandError) as refused:
        run("import_ballots", vote.case.number, str(path))
    message = str(refused.value)
    assert "未做任何修改" in message and "--confirm-overrides" in message
    assert "第2行 房号201（杨涛艳）：现为“反对”（纸质选票，附签字扫描件" in message and "文件为“同意”" in message
    assert Ballot.objects.count() == before
    printed = run("import_ballots", vote.case.number, str(path), "--confirm-overrides")
    assert "更正1票（其中经确认覆盖1票）" in printed
    assert effective(vote)["201"] == "agree"


def test_import_ballots_after_a_failed_vote_does_not_silently_open_a_new_round(tmp_path):
    failed = VoteFactory(failing=True)
    number = failed.case.number
    with pytest.raises(CommandError) as refused:
        run("import_ballots", number, str(SAMPLE_BALLOTS))
    assert "--new-round" in str(refused.value) and "未通过" in str(refused.value)
    assert Vote.objects.filter(case=failed.case).count() == 1
    printed = run("import_ballots", number, str(SAMPLE_BALLOTS), "--new-round")
    assert "已开始表决" in printed and "已导入选票" in printed
    assert Vote.objects.filter(case=failed.case).count() == 2
    # --new-round while a vote is open is refused, not silently ignored.
    with pytest.raises(CommandError, match="表决正在进行"):
        run("import_ballots", number, str(SAMPLE_BALLOTS), "--new-round")


def test_import_ballots_on_a_fresh_case_still_opens_the_vote():
    case = sample_case()
    printed = run("import_ballots", case.number, str(SAMPLE_BALLOTS))
    assert "已开始表决" in printed and Vote.objects.filter(case=case).count() == 1


# --- the vote page --------------------------------------------------------------------------------------------


def page_url(case):
    return reverse("admin:voting_case_vote", args=[case.pk])


def post(client, case, action, data=None, **files):
    payload = {"action": action, **{f"{action}-{k}": v for k, v in {**(data or {}), **files}.items()}}
    return client.post(page_url(case), payload)


def csv_upload(choices, name="第二批.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, ballot_csv(choices), content_type="text/csv")


def test_the_vote_page_asks_row_by_row_before_a_file_overrides_signed_ballots(client, clerk, corrected):
    vote = corrected
    client.force_login(clerk)
    first = post(client, vote.case, "ballot_file", file=csv_upload({"201": "同意", "102": "反对"}))
    html = first.content.decode()
    assert first.status_code == 200
    assert 'id="pending-overrides"' in html and "房号201（杨涛艳）：现为“反对”" in html
    assert 'value="ballot_file_confirm"' in html
    assert effective(vote) == {"101": "agree", "201": "disagree"}  # nothing imported yet
    token = first.context["forms"]["ballot_file_confirm"].initial["token"]
    unticked = post(client, vote.case, "ballot_file_confirm", {"token": token})
    assert unticked.status_code == 200 and "请勾选确认后再覆盖" in unticked.content.decode()
    assert 'id="pending-overrides"' in unticked.content.decode()
    done = post(client, vote.case, "ballot_file_confirm", {"token": token, "confirm": "on"})
    assert done.status_code == 302
    assert effective(vote) == {"101": "agree", "201": "agree", "102": "disagree"}
    page = client.get(done["Location"]).content.decode()
    assert "其中经确认覆盖1票" in page and "经办人确认覆盖原选票" in page
    # The kept file is gone from the session: confirming again asks for the file.
    stale = post(client, vote.case, "ballot_file_confirm", {"token": token, "confirm": "on"})
    assert stale.status_code == 200 and "请重新上传选票文件" in stale.content.decode()


def test_a_new_round_on_the_vote_page_has_its_own_button_and_confirmation(client, clerk):
    failed = VoteFactory(failing=True)
    case = failed.case
    client.force_login(clerk)
    html = client.get(page_url(case)).content.decode()
    assert 'value="new_round"' in html and 'value="open_vote"' not in html
    assert "开始新一轮表决" in html
    # A stale page's plain "open" is refused and points to the button.
    refused = post(client, case, "open_vote", {"confirm": "on"})
    assert refused.status_code == 200 and "请使用“开始新一轮表决”按钮" in refused.content.decode()
    unticked = post(client, case, "new_round")
    assert unticked.status_code == 200 and "请勾选确认后再开始新一轮表决" in unticked.content.decode()
    assert case.votes.count() == 1
    assert post(client, case, "new_round", {"confirm": "on"}).status_code == 302
    assert case.votes.count() == 2 and selectors.open_vote_of(case=case) is not None


# --- dates ------------------------------------------------------------------------------------------------------


def test_a_closing_time_years_ahead_is_refused_with_a_message(client, clerk):
    case = sample_case()
    far = timezone.make_aware(datetime.datetime(9999, 12, 31, 12, 0))
    with pytest.raises(ValidationError, match="表决截止时间.*超出合理范围"):
        services.vote_open(case=case, actor=None, closes_at=far)
    client.force_login(clerk)
    response = post(client, case, "open_vote", {"closes_at": "9999-12-31T12:00", "confirm": "on"})
    assert response.status_code == 200 and "超出合理范围" in response.content.decode()
    assert not case.votes.exists()
    soon = timezone.now() + datetime.timedelta(days=30)
    assert services.vote_open(case=case, actor=None, closes_at=soon).closes_at == soon


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (datetime.datetime(1, 1, 1, 0, 0), "超出合理范围"),
        (datetime.datetime(1999, 12, 31, 9, 0), "超出合理范围"),
        (datetime.datetime(2001, 5, 1, 9, 0), "不能早于表决开始的时间"),
        (datetime.datetime(9999, 12, 31, 9, 0), "不能晚于现在"),
    ],
)
def test_a_witness_time_out_of_range_is_refused_with_a_message(client, clerk, when, expected):
    vote = VoteFactory()
    client.force_login(clerk)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = post(
        client,
        vote.case,
        "witness",
        {
            "witness_name": "王见证",
            "organisation_kind": "community",
            "organisation_name": "东湖街道刺桐社区居民委员会",
            "witnessed_at": when.strftime("%Y-%m-%dT%H:%M").rjust(16, "0"),
            "method": "现场见证",
        },
        file=SimpleUploadedFile("见证.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    assert response.status_code == 200 and expected in response.content.decode()
    assert not vote.witness_records.exists()
