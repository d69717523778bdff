"""The vote page in the back office: who sees it, who may act on it, and what an officer
sees after each action (errors in Chinese on the page, never a server error)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from cases.models import Flat
from cases.tests.factories import AgentBuilderFactory, UserFactory, jurisdiction, open_case, unit_with_flats
from voting.models import Ballot, Vote, WitnessRecord
from voting.selectors import vote_result_for_case

from .factories import (
    SAMPLE_BALLOTS,
    SAMPLE_ROSTER,
    VoteFactory,
    ballot_csv,
    roster_csv,
    sample_case,
    sample_roster_rows,
    scan_upload,
)

pytestmark = pytest.mark.django_db


def page_url(case):
    return reverse("admin:voting_case_vote", args=[case.pk])


def post(client, case, action, data=None, **files):
    payload = {
        "action": action,
        **{f"{action}-{k}": v for k, v in (data or {}).items()},
        **{f"{action}-{k}": v for k, v in files.items()},
    }
    return client.post(page_url(case), payload)


def upload(path, name=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name or path.name, path.read_bytes())


@pytest.fixture
def officer(client):
    user = UserFactory(with_role="district_officer", full_name="陈晓东")
    client.force_login(user)
    return user


def test_the_url_name_takes_the_case_pk():
    case = open_case()
    assert reverse("admin:voting_case_vote", args=[case.pk]) == f"/admin/voting/vote/case/{case.pk}/"


def test_the_officer_sees_roster_tally_and_masked_ids(client, officer):
    vote = VoteFactory(choices={"101": "同意", "201": "反对"})
    page = client.get(page_url(vote.case)).content.decode()
    owner = vote.case.unit.flats.get(room="101").ownerships.get().owner
    assert owner.masked_id_number in page and owner.id_number not in page
    assert "表决进行中：已投票 2/13 人" in page
    assert "实时计票" in page and "15.38%" in page  # 2 of 13 voters take part
    assert "未投票（11 人）" in page
    for label in ("参与表决的专有部分面积", "参与表决的人数", "同意的人数（占参与表决人数）"):
        assert label in page
    assert 'name="action" value="close_vote"' in page and 'name="action" value="paper_ballot"' in page


def test_other_jurisdictions_get_404_everywhere(client):
    vote = VoteFactory(choices={"101": "同意"})
    client.force_login(UserFactory(with_role="district_officer", jurisdiction=jurisdiction("LC")))
    batch = vote.imports.get()
    assert client.get(page_url(vote.case)).status_code == 404
    assert post(client, vote.case, "close_vote", {"confirm": "on"}).status_code == 404
    assert client.get(reverse("admin:voting_roster_export", args=[vote.case.pk])).status_code == 404
    assert client.get(reverse("admin:voting_file_download", args=["import", batch.pk])).status_code == 404
    assert client.get(reverse("admin:voting_vote_change", args=[vote.pk])).status_code in (302, 404)
    listing = client.get(reverse("admin:voting_vote_changelist")).content.decode()
    assert vote.case.number not in listing
    assert Vote.objects.get().state == "open"


@pytest.mark.parametrize("role", ["planning_reviewer", "city_supervisor"])
def test_reviewers_and_the_city_read_but_every_write_is_403(client, role):
    vote = VoteFactory(choices={"101": "同意"})
    client.force_login(UserFactory(with_role=role))
    page = client.get(page_url(vote.case))
    assert page.status_code == 200
    html = page.content.decode()
    assert "表决进行中" in html and 'name="action"' not in html  # no forms at all
    attempts = [
        ("close_vote", {"confirm": "on"}, {}),
        ("paper_ballot", {"room": "102", "choice": "agree"}, {"scan": scan_upload()}),
        ("ballot_file", {}, {"file": upload(SAMPLE_BALLOTS)}),
        ("import_roster", {}, {"file": upload(SAMPLE_ROSTER)}),
        ("witness", {"witness_name": "x"}, {}),
        ("open_vote", {}, {}),
    ]
    for action, data, files in attempts:
        assert post(client, vote.case, action, data, **files).status_code == 403, action
    assert client.get(reverse("admin:voting_roster_export", args=[vote.case.pk])).status_code == 403
    assert Ballot.objects.count() == 1 and Vote.objects.get().state == "open"


def test_the_applicant_sees_the_page_but_not_the_signed_ballots(client):
    vote = VoteFactory(choices={"101": "同意"})
    agent = AgentBuilderFactory()
    from cases import services as case_services

    case_services.case_update_details(case=vote.case, actor=None, agent_builder=agent)
    client.force_login(UserFactory(with_role="agent_builder", jurisdiction=None, agent_builder=agent))
    assert client.get(page_url(vote.case)).status_code == 200
    batch = vote.imports.get()
    assert client.get(reverse("admin:voting_file_download", args=["import", batch.pk])).status_code == 404


def test_anonymous_is_sent_to_the_login(client):
    case = open_case()
    response = client.get(page_url(case))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_roster_upload_on_the_page_creates_updates_and_removes_flats(client, officer):
    from cases.tests.factories import FlatFactory

    case = open_case(unit=unit_with_flats(flats=2))  # rooms 101 and 102, which the sample also lists
    FlatFactory(unit=case.unit, room="999", floor=7)
    response = post(client, case, "import_roster", file=upload(SAMPLE_ROSTER))
    assert response.status_code == 302
    rooms = set(case.unit.flats.values_list("room", flat=True))
    assert rooms == {row["房号"] for row in sample_roster_rows()}  # 999 is gone
    page = client.get(response["Location"]).content.decode()
    assert "已导入业主名册：新增12户，修改2户，未变0户，删除1户。" in page


def test_a_bad_roster_upload_shows_every_problem_on_the_page_and_saves_nothing(client, officer):
    case = open_case()
    before = list(case.unit.flats.values_list("room", "area"))
    rows = sample_roster_rows()
    rows[0]["专有部分面积"] = "零"
    rows[1]["证件号码"] = "350503194202270056"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = post(client, case, "import_roster", file=SimpleUploadedFile("名册.csv", roster_csv(rows)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "“导入业主名册”未完成" in page
    assert "第2行“专有部分面积”列" in page and "第3行“证件号码”列" in page
    assert list(case.unit.flats.values_list("room", "area")) == before


def test_a_district_officer_runs_the_whole_vote_on_the_page(client, officer):
    case = sample_case()
    assert post(client, case, "open_vote", {"confirm": "on"}).status_code == 302
    vote = Vote.objects.get(case=case)
    assert vote.opened_by == officer
    assert (
        post(
            client,
            case,
            "paper_ballot",
            {"room": "502", "choice": "agree", "signed_on": timezone.localdate(vote.opened_at).isoformat()},
            scan=scan_upload(),
        ).status_code
        == 302
    )
    assert post(client, case, "ballot_file", file=upload(SAMPLE_BALLOTS)).status_code == 302
    page = client.get(page_url(case)).content.decode()
    assert "已导入选票文件" in page and "选票（11 张有效）" in page
    # Closing needs the confirmation box.
    refused = post(client, case, "close_vote")
    assert refused.status_code == 200 and "请勾选确认后再结束表决" in refused.content.decode()
    assert post(client, case, "close_vote", {"confirm": "on"}).status_code == 302
    page = client.get(page_url(case)).content.decode()
    assert "表决已结束：通过" in page and "表决结果" in page
    assert vote_result_for_case(case=case).passed
    assert 'value="paper_ballot"' not in page  # no more ballots


def test_a_correction_needs_a_reason_and_shows_in_the_history(client, officer):
    vote = VoteFactory(choices={"201": "反对"})
    response = post(client, vote.case, "paper_ballot", {"room": "201", "choice": "agree"}, scan=scan_upload())
    assert response.status_code == 200 and "更正须写明理由" in response.content.decode()
    post(
        client,
        vote.case,
        "paper_ballot",
        {"room": "201", "choice": "agree", "reason": "业主书面申请更改"},
        scan=scan_upload(),
    )
    page = client.get(page_url(vote.case)).content.decode()
    assert "更正 1 次" in page and "反对 → 同意" in page and "业主书面申请更改" in page and "陈晓东" in page


def test_refusals_are_chinese_messages_not_server_errors(client, officer):
    vote = VoteFactory()
    from django.core.files.uploadedfile import SimpleUploadedFile

    not_pdf = SimpleUploadedFile("scan.pdf", b"hello", content_type="application/pdf")
    response = post(client, vote.case, "paper_ballot", {"room": "101", "choice": "agree"}, scan=not_pdf)
    assert response.status_code == 200 and "不是PDF、JPEG或PNG文件" in response.content.decode()
    conflicting = SimpleUploadedFile("b.csv", ballot_csv({"301": "同意", "601": "弃权"}))
    response = post(client, vote.case, "ballot_file", file=conflicting)
    assert response.status_code == 200 and "表决意见不一致" in response.content.decode()
    response = post(client, vote.case, "ballot_file", file=SimpleUploadedFile("x.xls", b"\xd0\xcf\x11\xe0" + b"0" * 40))
    assert response.status_code == 200 and "另存为" in response.content.decode()
    response = post(client, vote.case, "open_vote", {"confirm": "on"})
    assert response.status_code == 200 and "已有进行中的业主表决" in response.content.decode()
    assert client.post(page_url(vote.case), {"action": "drop_tables"}).status_code == 404
    assert not vote.ballots.exists()


def test_once_open_the_roster_form_is_gone_and_a_posted_file_is_refused(client, officer):
    vote = VoteFactory()
    page = client.get(page_url(vote.case)).content.decode()
    assert 'value="import_roster"' not in page and "名册已冻结" in page
    response = post(client, vote.case, "import_roster", file=upload(SAMPLE_ROSTER))
    assert response.status_code == 200 and "名册已冻结" in response.content.decode()


def test_the_roster_export_is_a_ballot_sheet_and_is_logged(client, officer):
    case = sample_case()
    response = client.get(reverse("admin:voting_roster_export", args=[case.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in sheet[1]][-1] == "表决意见"
    assert sheet.max_row == Flat.objects.filter(unit=case.unit).count() + 1
    assert AuditEvent.objects.filter(event="vote_roster_exported", actor=officer, case=case).exists()


def test_files_download_only_through_the_logged_view(client, officer):
    vote = VoteFactory()
    post(client, vote.case, "paper_ballot", {"room": "101", "choice": "agree"}, scan=scan_upload("张三选票.pdf"))
    too_early = post(
        client,
        vote.case,
        "witness",
        {
            "witness_name": "林建国",
            "organisation_kind": "notary",
            "organisation_name": "泉州市公证处",
            "witnessed_at": "2020-01-01T10:00",
            "method": "现场公证",
        },
        file=scan_upload("见证.pdf"),
    )
    assert "见证时间不能早于表决开始的时间" in too_early.content.decode()
    assert not WitnessRecord.objects.exists()
    from django.utils import timezone

    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    post(
        client,
        vote.case,
        "witness",
        {
            "witness_name": "林建国",
            "organisation_kind": "notary",
            "organisation_name": "泉州市公证处",
            "witnessed_at": now,
            "method": "现场公证",
        },
        file=scan_upload("见证.pdf"),
    )
    record = WitnessRecord.objects.get()
    ballot = vote.ballots.get()
    for kind, obj in (("scan", ballot), ("witness", record)):
        response = client.get(reverse("admin:voting_file_download", args=[kind, obj.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert response["Content-Type"] == "application/pdf"
        assert {"private", "no-store"} <= {p.strip() for p in response["Cache-Control"].split(",")}
        assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert AuditEvent.objects.filter(event="vote_file_downloaded", actor=officer).count() == 2
    assert client.get(reverse("admin:voting_file_download", args=["passwd", 1])).status_code == 404


def test_the_vote_list_is_scoped_and_links_to_the_page(client, officer):
    mine = VoteFactory()
    theirs = VoteFactory(case=open_case(unit=unit_with_flats(flats=2, jurisdiction=jurisdiction("LC"))))
    listing = client.get(reverse("admin:voting_vote_changelist")).content.decode()
    assert mine.case.number in listing and theirs.case.number not in listing
    assert page_url(mine.case) in listing
    response = client.get(reverse("admin:voting_vote_change", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == page_url(mine.case)


def test_the_page_costs_the_same_queries_at_10_and_60_flats(client, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(flats):
        case = open_case(unit=unit_with_flats(flats=flats))
        VoteFactory(case=case, choices={f.room: "同意" for f in case.unit.flats.all()[: flats // 2]})
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(page_url(case)).status_code == 200
        return len(ctx)

    assert count(10) == count(60)


def test_a_flat_without_owners_is_named_on_the_page_and_the_vote_cannot_open(client, officer):
    from cases.models import Ownership

    case = open_case()
    flat = case.unit.flats.order_by("room").first()
    Ownership.objects.filter(flat=flat).delete()  # broken outside the services
    page = client.get(page_url(case))
    assert page.status_code == 200 and "名册不完整" in page.content.decode() and flat.room in page.content.decode()
    refused = post(client, case, "open_vote", {"confirm": "on"})
    assert refused.status_code == 200 and "名册不完整" in refused.content.decode()
    assert not Vote.objects.exists()


def test_the_vote_page_speaks_english_when_asked(client):
    from django.urls import reverse

    from cases.tests.factories import UserFactory, open_case

    case = open_case()
    client.force_login(UserFactory(with_role="district_officer"))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("admin:voting_case_vote", args=[case.pk])).content.decode()
    assert "Owner voting" in page  # the catalog's translation of 业主表决
    assert "业主表决" not in page


def test_a_ballot_after_the_vote_closed_is_refused_as_such(client, officer):
    vote = VoteFactory(passing=True)
    response = post(client, vote.case, "paper_ballot", {"room": "101", "choice": "disagree"}, scan=scan_upload())
    page = response.content.decode()
    assert response.status_code == 200 and "本案表决已结束，不能再登记选票或修改。" in page
    assert "请先开始表决" not in page
