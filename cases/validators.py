"""Checks for identity numbers and phone numbers, and how they are masked in lists.

- Resident identity number (居民身份证号码), GB 11643-1999: 17 digits, then a check
  character from an ISO 7064 MOD 11-2 sum; X stands for 10.
- Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters over
  a 31-letter alphabet (no I, O, Z, S, V), the last a MOD 31 check character.

And the range every date a user enters must fall in (`validate_date_in_range`,
`validate_past_moment`), and the one rule for free text (`clean_text`).
"""

import datetime
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from . import masking

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"  # indexed by the weighted sum mod 11

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_id(value: str) -> str:
    """Trim and upper-case: a lower-case x is how people often type the check character."""
    return (value or "").strip().upper()


def id_number_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    """GB 11643: the shape, a real birth date, and the check character."""
    value = normalize_id(value)
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if not datetime.date(1900, 1, 1) <= birth <= datetime.date.today():
        return False
    return id_number_check_char(value[:17]) == value[17]


def credit_code_check_char(first17: str) -> str:
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(value: str) -> bool:
    """GB 32100: 18 characters from the code's alphabet with a MOD 31 check character."""
    value = normalize_id(value)
    if len(value) != 18 or any(c not in _USCC_ALPHABET for c in value):
        return False
    return credit_code_check_char(value[:17]) == value[17]


def validate_id_number(value: str) -> None:
    if not is_valid_id_number(value):
        raise ValidationError(
            _("身份证号码“%(value)s”无效：应为18位，出生日期真实，末位校验码正确（GB 11643）。"),
            code="invalid_id_number",
            params={"value": value},
        )


def validate_credit_code(value: str) -> None:
    if not is_valid_credit_code(value):
        raise ValidationError(
            _("统一社会信用代码“%(value)s”无效：应为18位，末位校验码正确（GB 32100）。"),
            code="invalid_credit_code",
            params={"value": value},
        )


def validate_owner_identity(value: str) -> None:
    """An owner is a person (ID number) or an organisation such as the developer (credit code)."""
    if not (is_valid_id_number(value) or is_valid_credit_code(value)):
        raise ValidationError(
            _(
                "证件号码“%(value)s”无效：个人应填18位身份证号码（GB 11643），"
                "单位应填18位统一社会信用代码（GB 32100），请核对末位校验码。"
            ),
            code="invalid_identity",
            params={"value": value},
        )


def validate_mobile(value: str) -> None:
    if value and not _MOBILE.fullmatch(value):
        raise ValidationError(
            _("手机号码“%(value)s”无效：应为以1开头的11位数字。"),
            code="invalid_mobile",
            params={"value": value},
        )


# The masking rule lives in cases/masking.py; the old names stay for their callers.
mask_identity = masking.mask_id_number
mask_mobile = masking.mask_mobile


# An ID number or a mobile number anywhere in a text (a name column, a note, an owner's
# label): 18 characters with a plausible date of birth, or 11 digits from 13x to 19x, not
# inside a longer run of digits (a case number, an amount in fen).
_ID_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
)
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def mask_personal_text(text: str) -> str:
    """Every ID number and mobile number in `text` masked as the lists mask them
    (350503********1234, 138****5678); the rest as it is."""
    if not text:
        return text
    text = _ID_IN_TEXT.sub(lambda m: mask_identity(m.group()), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_mobile(m.group()), text)


# --- dates a user enters ----------------------------------------------------------------
# No case, vote or submission of this portal predates the guidance it implements by
# decades; a year like 0001 or 9999 is a typo, and such dates break date arithmetic
# (OverflowError) or the time-zone conversion of the database (PostgreSQL stores year 1
# in UTC as year 0, which Python cannot read back).
EARLIEST_DATE = datetime.date(2000, 1, 1)


def _as_local_date(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            try:
                return timezone.localtime(value).date()
            except OverflowError:  # 0001-01-01 00:00 in a zone east of UTC
                return datetime.date.min
        return value.date()
    return value


def format_day(day: datetime.date) -> str:
    """2026年12月4日: a date in a message (English: its translated format)."""
    return dateformat.format(day, _("Y年n月j日"))


def latest_date(*, days_ahead: int | None = None) -> datetime.date:
    """The last date a user may enter: today plus `days_ahead` (default DATE_MAX_DAYS_AHEAD)."""
    days = settings.DATE_MAX_DAYS_AHEAD if days_ahead is None else days_ahead
    return timezone.localdate() + datetime.timedelta(days=days)


def validate_date_in_range(
    value: datetime.date | datetime.datetime, *, what: str, days_ahead: int | None = None
) -> None:
    """A date (or date-time) a user entered: from 2000-01-01 up to `days_ahead` days after
    today (default the setting DATE_MAX_DAYS_AHEAD, one year). `what` names the field in
    the message, e.g. _("公示结束日期")."""
    day = _as_local_date(value)
    latest = latest_date(days_ahead=days_ahead)
    if not EARLIEST_DATE <= day <= latest:
        raise ValidationError(
            _("%(what)s“%(value)s”超出合理范围：应在%(earliest)s至%(latest)s之间，请检查年份。")
            % {
                "what": what,
                "value": day.isoformat(),
                "earliest": format_day(EARLIEST_DATE),
                "latest": format_day(latest),
            },
            code="date_out_of_range",
        )


def validate_past_moment(value: datetime.date | datetime.datetime, *, what: str) -> None:
    """Something that already happened (a submission, a signature, a witness): not before
    2000-01-01 and not later than now, give or take CLOCK_SKEW_SECONDS for a clock that is
    a little ahead (a date alone: not after today)."""
    day = _as_local_date(value)
    if day < EARLIEST_DATE:
        validate_date_in_range(value, what=what, days_ahead=0)
    if isinstance(value, datetime.datetime):
        skew = datetime.timedelta(seconds=settings.CLOCK_SKEW_SECONDS)
        now = timezone.now() if timezone.is_aware(value) else datetime.datetime.now()
        late = value > now + skew
    else:
        late = value > timezone.localdate()
    if late:
        raise ValidationError(
            _("%(what)s不能晚于现在，请检查日期和时间。") % {"what": what},
            code="date_in_future",
        )


def validate_period_length(start: datetime.date, end: datetime.date, *, what: str, max_days: int) -> None:
    """A period (such as the public notice) from `start` to `end`, both days included,
    lasting at most `max_days` calendar days."""
    if (end - start).days + 1 > max_days:
        raise ValidationError(
            _("%(what)s不得超过%(days)s个日历日（%(start)s至%(end)s），请检查结束日期。")
            % {"what": what, "days": max_days, "start": format_day(start), "end": format_day(end)},
            code="period_too_long",
        )


# Invisible characters carry nothing a reader can see and only disguise what is written:
# control characters (but the line breaks and tabs of a multi-line text) and format
# characters (zero-width spaces, direction marks), and the Unicode line separators.
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}


def clean_text(value, *, what: str, limit: int, required: bool = True, multiline: bool = False) -> str:
    """The one rule for free text a user types (a reason, a name, a counterparty, a note):
    NFC, invisible characters dropped, line breaks kept only in a multi-line text (else one
    space), trimmed; then required and at most `limit` characters, each refusal in Chinese
    naming the field. Anything but text is refused, not stringified."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("%(what)s格式不正确。") % {"what": what}, code="text_type")
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    kept = []
    for char in value:
        if char in "\n\t":
            kept.append(char if multiline else " ")
        elif unicodedata.category(char) not in _INVISIBLE:
            kept.append(char)
    value = "".join(kept).strip()
    if required and not value:
        raise ValidationError(_("请填写%(what)s。") % {"what": what}, code="required")
    if len(value) > limit:
        raise ValidationError(
            _("%(what)s不能超过%(limit)s字（现有%(n)s字）。") % {"what": what, "limit": limit, "n": len(value)},
            code="too_long",
        )
    return value
