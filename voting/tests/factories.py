"""Factories for the vote. Votes open, take ballots and close through the services, so a
factory vote has passed the same checks as a real one.

    VoteFactory()                       an open vote on a fresh case, no ballots
    VoteFactory(choices={"101": "同意"})  with paper ballots from an imported file
    VoteFactory(passing=True)           everybody agreed, closed: passed
    VoteFactory(failing=True)           everybody disagreed, closed: failed
    sample_case()                       the shared sample roster imported as a unit's case
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import factory
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.tests.factories import PDF_BYTES, BuildingFactory, UnitFactory, open_case
from voting import services
from voting.models import Vote
from voting.roster import parse_ballots, parse_roster
from voting.voters import unit_voters

SAMPLES = Path(settings.BASE_DIR).parent / "shared" / "samples"
SAMPLE_ROSTER = SAMPLES / "roster-example.csv"
SAMPLE_BALLOTS = SAMPLES / "ballots-example.csv"
SAMPLE_TALLY = SAMPLES / "tally-example.json"
ROSTER_HEADER = ["房号", "楼层", "专有部分面积", "面积来源", "业主姓名", "证件号码", "开发商持有", "不动产权证号"]


def sample_roster_rows() -> list[dict[str, str]]:
    with SAMPLE_ROSTER.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def table_csv(header: list[str], rows: list[list[object]], *, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def roster_csv(rows: list[dict[str, str]], **kwargs) -> bytes:
    return table_csv(ROSTER_HEADER, [[row[h] for h in ROSTER_HEADER] for row in rows], **kwargs)


def ballot_csv(choices: dict[str, str]) -> bytes:
    return table_csv(["房号", "表决意见"], [[room, choice] for room, choice in choices.items()])


def scan_upload(name: str = "选票.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def letter_upload(name: str = "委托书.jpg", content: bytes = JPEG_BYTES) -> SimpleUploadedFile:
    """A proxy's power of attorney (委托书), scanned as a photo."""
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def sample_unit(**building_kwargs):
    """A unit holding the shared sample roster (14 flats, 13 voters)."""
    unit = UnitFactory(building=BuildingFactory(**building_kwargs))
    rows = parse_roster(SAMPLE_ROSTER.read_bytes(), SAMPLE_ROSTER.name)
    services.roster_import(unit=unit, rows=rows, actor=None)
    return unit


def sample_case(**building_kwargs):
    return open_case(unit=sample_unit(**building_kwargs))


def import_ballots(vote: Vote, choices: dict[str, str], *, actor=None, name: str = "选票.csv", confirm_overrides=False):
    data = ballot_csv(choices)
    return services.ballots_import(
        vote=vote,
        rows=parse_ballots(data, name),
        data=data,
        file_name=name,
        actor=actor,
        confirm_overrides=confirm_overrides,
    )


class VoteFactory(factory.Factory):
    class Meta:
        model = Vote

    case = factory.LazyFunction(sample_case)
    closes_at = None
    choices: dict[str, str] | str = factory.Dict({})  # room -> choice, or "agree"/"disagree" for every voter
    closed = False
    witnessed = False  # a witness record (见证) after the closing: step 1 needs it

    class Params:
        passing = factory.Trait(choices="agree", closed=True, witnessed=True)
        failing = factory.Trait(choices="disagree", closed=True)

    @classmethod
    def _create(cls, model_class, *, case, closes_at, choices, closed, witnessed=False, **kwargs):
        vote = services.vote_open(case=case, actor=None, closes_at=closes_at)
        if isinstance(choices, str):
            choices = {voter.rooms[0]: choices for voter in unit_voters(unit=case.unit)}
        if choices:
            import_ballots(vote, choices)
        if closed:
            vote = services.vote_close(vote=vote, actor=None)
        if witnessed:
            witness(vote)
        return vote


def witness(vote: Vote):
    """The vote's witness record (见证), as the vote page records it."""
    from django.utils import timezone

    return services.witness_record(
        vote=vote,
        actor=None,
        witness_name="林建国",
        organisation_kind="community",
        organisation_name="东湖街道刺桐社区居民委员会",
        witnessed_at=timezone.now(),
        method="现场见证投票、唱票和计票",
        upload=scan_upload("见证记录.pdf"),
    )
