"""What an English-speaking officer sees on the vote screens: no Chinese left but the data
(names, addresses, rooms, file names, the headers and values a file was written with).

NEEDS THE CATALOG: these tests pass once locale/en/LC_MESSAGES/django.po translates the
voting app's msgids (makemessages, translate, compilemessages); until then every string
newly marked for translation still shows its Chinese msgid and they fail.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import Building, Jurisdiction, Owner, User
from cases.tests.factories import UserFactory, open_case
from voting import services
from voting.models import Ballot, BallotImport, WitnessRecord
from voting.roster import BALLOT_COLUMNS, ROSTER_COLUMNS
from voting.voters import unit_voters

from .factories import VoteFactory, ballot_csv, roster_csv, sample_roster_rows, scan_upload

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
HANZI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
# The Chinese headers and values a roster or ballot file is written with: help texts and
# messages may quote them as they must be typed.
FILE_WORDS = (
    *(column.label for column in (*ROSTER_COLUMNS, *BALLOT_COLUMNS)),
    *("同意", "反对", "弃权", "是", "否", "登记", "实测", "合同"),
)


def page_url(case):
    return reverse("admin:voting_case_vote", args=[case.pk])


def post(client, case, action, data=None, **files):
    payload = {"action": action, **{f"{action}-{k}": v for k, v in {**(data or {}), **files}.items()}}
    return client.post(page_url(case), payload, **ENGLISH)


def data_texts(case, *extra: str) -> list[str]:
    """Everything Chinese on the vote screens that is data, not wording."""
    texts = [case.number, str(case.unit), case.unit.name, *FILE_WORDS, *extra]
    texts += [str(b) for b in Building.objects.all()] + list(Building.objects.values_list("compound_name", flat=True))
    texts += list(Jurisdiction.objects.values_list("name", flat=True))
    texts += list(Owner.objects.values_list("name", flat=True))
    texts += list(User.objects.values_list("full_name", flat=True))
    for rooms, names, reason in Ballot.objects.values_list("rooms", "voter_names", "reason"):
        texts += [rooms, names, reason]
    texts += list(BallotImport.objects.values_list("original_name", flat=True))
    for record in WitnessRecord.objects.all():
        texts += [record.witness_name, record.organisation_name, record.method, record.notes]
    texts += [voter.names for voter in unit_voters(unit=case.unit)]  # 开发商（…）：…
    return sorted({t for t in texts if t}, key=len, reverse=True)


def screen_text(html: str, start: str, end: str) -> str:
    """The text between two markers (tags dropped, aria-labels and titles kept)."""
    part = html[html.index(start) : html.index(end, html.index(start))]
    labels = " ".join(re.findall(r'(?:aria-label|title)="([^"]*)"', part))
    return re.sub(r"<[^>]+>", " ", part) + " " + labels


def admin_screen(html: str) -> str:
    """The breadcrumbs, the messages and the content of an admin page (not the header, not
    the other apps' navigation sidebar)."""
    return screen_text(html, 'class="breadcrumbs"', "</ol>") + screen_text(html, 'id="content-start"', "END Content")


def chinese_left(text: str, data: list[str]) -> list[str]:
    for value in data:
        text = text.replace(value, " ")
    return HANZI.findall(text)


def test_english_vote_page_shows_no_chinese_but_data(client):
    """NEEDS THE CATALOG. A busy page: ballots from a file, a corrected paper ballot, a
    witness record; then the same vote closed, and the list of votes."""
    officer = UserFactory(with_role="district_officer")
    client.force_login(officer)
    vote = VoteFactory(choices={"101": "同意", "201": "反对", "301": "弃权"})
    case = vote.case
    services.ballot_record_paper(
        vote=vote, room="201", choice="agree", scan=scan_upload(), actor=officer, reason="业主书面申请更改"
    )
    services.witness_record(
        vote=vote,
        actor=officer,
        witness_name="林建国",
        organisation_kind="notary",
        organisation_name="泉州市公证处",
        witnessed_at=timezone.now(),
        method="现场公证",
        notes="无异议",
        upload=scan_upload("见证.pdf"),
    )

    page = admin_screen(client.get(page_url(case), **ENGLISH).content.decode())
    assert chinese_left(page, data_texts(case)) == [], page

    response = post(client, case, "close_vote", {"confirm": "on"})
    assert response.status_code == 302
    page = admin_screen(client.get(response["Location"], **ENGLISH).content.decode())
    assert chinese_left(page, data_texts(case)) == [], page

    listing = admin_screen(client.get(reverse("admin:voting_vote_changelist"), **ENGLISH).content.decode())
    assert chinese_left(listing, data_texts(case)) == [], listing


def test_english_refusals_and_confirmations_show_no_chinese_but_data(client):
    """NEEDS THE CATALOG. What the services and forms say after each action, in English."""
    client.force_login(UserFactory(with_role="district_officer"))

    def errors(response) -> str:
        assert response.status_code == 200
        return screen_text(response.content.decode(), 'id="vote-errors"', "</div>")

    def confirmation(response) -> str:
        assert response.status_code == 302
        return screen_text(client.get(response["Location"], **ENGLISH).content.decode(), "messagelist", "</ul>")

    # A roster file with a wrong area and a wrong ID number; its headers and values are data.
    fresh = open_case()
    rows = sample_roster_rows()
    rows[0]["专有部分面积"] = "零"
    rows[1]["证件号码"] = "350503194202270056"
    bad_roster = SimpleUploadedFile("名册.csv", roster_csv(rows))
    said = errors(post(client, fresh, "import_roster", file=bad_roster))
    assert chinese_left(said, data_texts(fresh, "零", "名册.csv")) == [], said

    vote = VoteFactory(choices={"201": "反对"})
    case = vote.case
    witness = {
        "witness_name": "林建国",
        "organisation_kind": "notary",
        "organisation_name": "泉州市公证处",
        "witnessed_at": "2020-01-01T10:00",  # before the vote opened
        "method": "现场公证",
    }
    sample_roster = roster_csv(sample_roster_rows())
    refusals = [
        post(client, case, "open_vote", {"confirm": "on"}),  # already open
        post(client, case, "import_roster", file=SimpleUploadedFile("r.csv", sample_roster)),  # frozen
        post(client, case, "paper_ballot", {"room": "201", "choice": "agree"}, scan=scan_upload()),  # no reason
        post(
            client,
            case,
            "paper_ballot",
            {"room": "101", "choice": "agree", "signed_on": "2020-01-01"},
            scan=scan_upload(),
        ),
        post(client, case, "paper_ballot", {"room": "101", "choice": "agree"}),  # no scan
        post(client, case, "close_vote"),  # not confirmed
        post(client, case, "ballot_file", file=SimpleUploadedFile("b.csv", ballot_csv({"301": "同意", "601": "弃权"}))),
        post(client, case, "ballot_file", file=SimpleUploadedFile("x.csv", ballot_csv({"999": "同意", "101": "也许"}))),
        post(client, case, "witness", witness, file=scan_upload("见证.pdf")),
    ]
    for response in refusals:
        said = errors(response)
        assert chinese_left(said, data_texts(case, "也许")) == [], said

    # Each confirmation is read right after its action (the page shows the messages once).
    actions = [
        ("paper_ballot", {"room": "101", "choice": "agree"}, {"scan": scan_upload()}),
        ("paper_ballot", {"room": "201", "choice": "agree", "reason": "业主书面申请"}, {"scan": scan_upload()}),
        ("ballot_file", {}, {"file": SimpleUploadedFile("b.csv", ballot_csv({"301": "同意"}))}),
        ("close_vote", {"confirm": "on"}, {}),
    ]
    for action, data, files in actions:
        said = confirmation(post(client, case, action, data, **files))
        assert chinese_left(said, data_texts(case, "b.csv")) == [], said


def test_the_vote_page_forms_follow_each_requests_language(client):
    """NEEDS THE CATALOG. A blank form's fields are rendered once per process and language
    (voting/views.py): the Chinese page first leaves the English page its English fields,
    and the other way round."""
    client.force_login(UserFactory(with_role="district_officer"))
    case = VoteFactory(choices={"101": "同意"}).case

    def fields(**headers) -> str:
        html = client.get(page_url(case), **headers).content.decode()
        return screen_text(html, 'id="form-close_vote"', "</form>") + screen_text(html, 'id="form-witness"', "</form>")

    assert "见证人" in fields() and "确认结束表决" in fields()
    english = fields(**ENGLISH)
    assert chinese_left(english, data_texts(case)) == [], english
    assert "见证人" in fields()
