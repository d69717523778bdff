"""The printed activation letters (issue 12): one A4 page per owner with their name, rooms,
code and QR code, the steps in large type, and never the ID number."""

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from cases.models import Ownership
from cases.tests.factories import FlatFactory, OwnerFactory, open_case, unit_with_flats
from owners import letters as letter_module
from owners import services

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _dump(pdf: bytes, name: str) -> None:
    """To look at a letter: LETTERS_DUMP=/tmp/dir pytest owners/tests/test_letters.py."""
    if os.environ.get("LETTERS_DUMP"):
        Path(os.environ["LETTERS_DUMP"], f"letters-{name}.pdf").write_bytes(pdf)


def _squeezed(text: str) -> str:
    # pypdf puts breaks and spaces where the layout wraps; compare without them.
    return "".join(text.split())


def test_one_page_per_owner_with_name_rooms_and_code_but_no_id_number():
    case = open_case()
    letters = services.activation_codes_issue(case=case, actor=None)
    pdf = letter_module.render_letters(case=case, letters=letters)
    _dump(pdf, "six")
    pages = _text(pdf)
    assert len(pages) == len(letters) == 6
    for page, letter in zip(pages, letters, strict=True):
        text = _squeezed(page)
        assert letter.owner.name in text
        assert "、".join(f"{r}室" for r in letter.rooms) in text
        assert letter.code in text or letter.code.replace("-", "") in text.replace("-", "")
        assert letter.owner.id_number not in text
        assert letter.owner.id_number[-6:] not in text
        assert case.jurisdiction.housing_office in text
        assert "身份证号后六位" in text and "不用手机也没关系" in text
        assert "/owner/activate/" in text
        assert str(case.unit.building.address) in text


def test_rooms_of_an_owner_of_two_flats_are_joined_and_the_expiry_is_written_in_chinese():
    unit = unit_with_flats(flats=2)
    owner = OwnerFactory(jurisdiction=unit.building.jurisdiction)
    FlatFactory(unit=unit, floor=3, room="301", owners=[owner])
    Ownership.objects.create(flat=FlatFactory(unit=unit, floor=3, room="302", owners=[]), owner=owner)
    case = open_case(unit=unit)
    letter = next(lt for lt in services.activation_codes_issue(case=case, actor=None) if lt.owner.pk == owner.pk)
    html = letter_module.letters_html(case=case, letters=[letter])
    assert "301室、302室" in html
    expiry = letter.expires_at.astimezone()
    assert f"{expiry.year}年" in html


def test_the_qr_code_carries_the_activation_address_with_the_code(settings):
    settings.PUBLIC_BASE_URL = "https://jiati.example.cn"
    assert letter_module.activation_url("ACDE-FGHJ-KMNP") == (
        "https://jiati.example.cn/owner/activate/?code=ACDE-FGHJ-KMNP"
    )
    case = open_case()
    letters = services.activation_codes_issue(case=case, actor=None)[:1]
    html = letter_module.letters_html(case=case, letters=letters)
    assert "https://jiati.example.cn/owner/activate/" in html
    assert "data:image/png;base64," in html


def test_names_are_escaped_in_the_letter():
    unit = unit_with_flats(flats=1)
    owner = unit.flats.get().owners.get()
    owner.name = "<b>王</b>"
    owner.save(update_fields=["name"])
    case = open_case(unit=unit)
    html = letter_module.letters_html(case=case, letters=services.activation_codes_issue(case=case, actor=None))
    assert "&lt;b&gt;王&lt;/b&gt;" in html


def test_a_long_address_and_an_owner_of_four_flats_still_fit_one_page():
    unit = unit_with_flats(flats=1, compound_name="泉州市丰泽区东湖街道刺桐花园二期北区某某某某小区")
    unit.building.jurisdiction.office_address = "泉州市丰泽区东湖街道丰泽街某某路某某号某某大厦八楼行政服务中心住建窗口"
    unit.building.jurisdiction.contact_phone = "0595-22222222"
    unit.building.jurisdiction.save()
    owner = OwnerFactory(jurisdiction=unit.building.jurisdiction, name="欧阳娜娜买买提·艾力")
    for room in ("501", "502", "601", "602"):
        FlatFactory(unit=unit, floor=int(room[0]), room=room, owners=[owner])
    case = open_case(unit=unit)
    letters = services.activation_codes_issue(case=case, actor=None)
    pdf = letter_module.render_letters(case=case, letters=letters)
    _dump(pdf, "long")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == len(letters) == 2


def test_the_printed_activation_address_is_the_activation_page():
    from django.urls import resolve

    from owners.letters import ACTIVATION_PATH

    assert resolve(ACTIVATION_PATH).view_name == "owners:activate"


def test_a_rare_character_in_a_name_prints_on_the_letter():
    # 𠀀 and 𪚥 (CJK Extension B) are not in Noto: the documents' fallback face prints them.
    rare = "林𠀀𪚥"
    case = open_case()
    owner = case.unit.flats.order_by("floor", "room").first().ownerships.first().owner
    type(owner).objects.filter(pk=owner.pk).update(name=rare)
    letters = services.activation_codes_issue(case=case, actor=None)
    first = _text(letter_module.render_letters(case=case, letters=letters[:1]))[0]
    assert rare in _squeezed(first).replace("\x00", "")
