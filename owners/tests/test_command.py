"""`manage.py issue_activation_codes CASE --out DIR` as the office's administrator runs it."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from cases.models import CaseStatus, Ownership
from cases.tests.factories import FlatFactory, OwnerFactory, open_case, unit_with_flats
from owners import codes
from owners.models import ActivationCode

from .factories import activated

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_activation_codes", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _lines(out: str) -> list[list[str]]:
    return [line.split("\t") for line in out.splitlines() if line.strip()]


def test_issues_a_letter_per_owner_writes_the_pdf_and_prints_room_name_and_code(tmp_path):
    case = open_case()
    target = tmp_path / "new" / "dir"
    out, err = _run(case.number, "--out", str(target))
    lines = _lines(out)
    assert len(lines) == 6
    for rooms, name, code in lines:
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
        stored = ActivationCode.objects.get(digest=codes.digest(code))
        assert stored.owner.name == name and stored.issued_by is None
        assert rooms == "、".join(
            Ownership.objects.filter(owner=stored.owner, flat__unit=case.unit)
            .order_by("flat__floor", "flat__room")
            .values_list("flat__room", flat=True)
        )
    pdf = PdfReader(target / "activation-letters.pdf")
    assert len(pdf.pages) == 6
    assert "6" in err


def test_rooms_of_an_owner_of_two_flats_are_joined(tmp_path):
    unit = unit_with_flats(flats=2)
    owner = OwnerFactory(jurisdiction=unit.building.jurisdiction)
    FlatFactory(unit=unit, floor=4, room="401", owners=[owner])
    FlatFactory(unit=unit, floor=4, room="402", owners=[owner])
    case = open_case(unit=unit)
    out, _err = _run(case.number, "--out", str(tmp_path))
    assert [owner.name, "401、402"] in [[name, rooms] for rooms, name, _code in _lines(out)]


def test_owners_with_an_active_account_get_no_letter_and_nobody_left_means_no_pdf(tmp_path):
    unit = unit_with_flats(flats=1)
    account, owner, case = activated(open_case(unit=unit))
    out, err = _run(case.number, "--out", str(tmp_path))
    assert out == ""
    assert "无需签发" in err
    assert not (tmp_path / "activation-letters.pdf").exists()


def test_unknown_case_number_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        _run("FZ-2099-9999", "--out", str(tmp_path))
    assert not ActivationCode.objects.exists()


@pytest.mark.parametrize("status", [CaseStatus.COMPLETED, CaseStatus.WITHDRAWN])
def test_a_case_no_longer_open_gets_no_letters(tmp_path, status):
    case = open_case()
    case.status = status
    case.save(update_fields=["status"])
    with pytest.raises(CommandError, match="不再签发"):
        _run(case.number, "--out", str(tmp_path))
    assert not ActivationCode.objects.exists()
    assert not (tmp_path / "activation-letters.pdf").exists()


def test_an_unwritable_directory_issues_no_code(tmp_path):
    case = open_case()
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(CommandError):
        _run(case.number, "--out", str(blocker))
    assert not ActivationCode.objects.exists()
