import pytest
from django.core.exceptions import ValidationError

from cases.validators import (
    clean_text,
    is_valid_credit_code,
    is_valid_id_number,
    mask_identity,
    mask_mobile,
    validate_mobile,
    validate_owner_identity,
)


@pytest.mark.parametrize("value", ["350521193805010023", "35050219441015006X", "35050219441015006x"])
def test_real_id_numbers_pass(value):
    assert is_valid_id_number(value)


@pytest.mark.parametrize(
    "value, why",
    [
        ("350521193805010024", "wrong check character"),
        ("35050219441015006", "17 characters"),
        ("350521193802300023", "30 February"),
        ("3505211938050100X3", "X not last"),
        ("350521213805010023", "born in the future"),
    ],
)
def test_bad_id_numbers_fail(value, why):
    assert not is_valid_id_number(value), why


def test_credit_codes():
    assert is_valid_credit_code("91350503754321986G")  # the sample developer
    assert not is_valid_credit_code("91350503754321986H")
    assert not is_valid_credit_code("91350503754321986I")  # I is not in the alphabet


def test_owner_identity_accepts_person_or_company_and_explains_in_chinese():
    validate_owner_identity("350521193805010023")
    validate_owner_identity("91350503754321986G")
    with pytest.raises(ValidationError) as err:
        validate_owner_identity("350521193805010024")
    assert "校验码" in err.value.messages[0]


def test_mobile():
    validate_mobile("13812345678")
    validate_mobile("")  # optional
    for bad in ["1381234567", "23812345678", "1381234567a"]:
        with pytest.raises(ValidationError):
            validate_mobile(bad)


def test_masks_as_lists_show_them():
    assert mask_identity("350503194202270055") == "350503********0055"
    assert mask_mobile("13856785678") == "138****5678"


# --- free text: the one rule (clean_text) ---------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "multiline", "stored"),
    [
        ("  物业\x00公司  ", False, "物业公司"),  # NUL: PostgreSQL could not even store it
        ("采光\u200b受影响\u202e", False, "采光受影响"),  # zero-width space, a direction override
        ("第一行\r\n第二行", True, "第一行\n第二行"),
        ("第一行\r\n第二行", False, "第一行 第二行"),
        ("𠀀𪚥 丰泽区", False, "𠀀𪚥 丰泽区"),  # rare ideographs (extension B) are text like any other
        ("e\u0301", False, "\u00e9"),  # NFC: one é however it was typed
    ],
)
def test_free_text_keeps_what_a_reader_sees_and_drops_what_they_cannot(typed, multiline, stored):
    assert clean_text(typed, what="说明", limit=50, multiline=multiline) == stored


@pytest.mark.parametrize(
    ("value", "required", "says"),
    [
        ("", True, "请填写说明。"),
        ("\u200b \x07", True, "请填写说明。"),
        (None, True, "请填写说明。"),
        ("字" * 51, True, "说明不能超过50字（现有51字）。"),
        (12, False, "说明格式不正确。"),
        (b"bytes", False, "说明格式不正确。"),
    ],
)
def test_free_text_refusals_name_the_field(value, required, says):
    with pytest.raises(ValidationError) as refused:
        clean_text(value, what="说明", limit=50, required=required)
    assert refused.value.messages == [says]


def test_optional_free_text_may_be_empty():
    assert clean_text(None, what="说明", limit=50, required=False) == ""
