"""Activation from a printed letter (issue 12 §1): the code, the last six of the ID number,
then a mobile number and password. What an owner at the page would meet."""

import datetime

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Owner, Ownership
from cases.tests.factories import jurisdiction, officer, open_case, unit_with_flats
from owners import codes, services
from owners.models import ActivationCode, OwnerAccount
from owners.selectors import case_list_for_owner

from .factories import PASSWORD, activated, letters_for

pytestmark = pytest.mark.django_db


def _activate(letter, *, tail=None, mobile="13900000001", ip="10.0.0.1", code=None):
    return services.account_activate(
        code=code if code is not None else letter.code,
        id_tail=tail if tail is not None else letter.owner.id_number[-6:],
        mobile=mobile,
        password=PASSWORD,
        ip_address=ip,
    )


def _refused(code_name, **kwargs):
    with pytest.raises(ValidationError) as caught:
        _activate(**kwargs)
    assert caught.value.code == code_name, caught.value.messages
    return caught.value.messages[0]


def test_one_letter_per_owner_and_codes_stored_only_as_digest():
    case = open_case()
    letters = letters_for(case)
    owners = {o.pk for f in case.unit.flats.all() for o in f.owners.all()}
    assert set(letters) == owners
    for letter in letters.values():
        stored = ActivationCode.objects.get(owner=letter.owner, used_at__isnull=True, voided_at__isnull=True)
        assert stored.digest == codes.digest(letter.code)
        assert codes.normalize(letter.code) not in stored.digest
        assert letter.rooms and all(r for r in letter.rooms)


def test_activation_then_sign_in_with_mobile_and_password():
    case = open_case()
    letter = next(iter(letters_for(case).values()))
    account = _activate(letter, mobile="13900000002")
    assert account.user.person_id == letter.owner.person_id
    assert not account.user.is_staff
    request = RequestFactory().post("/owner/login/")
    assert authenticate(request, mobile="13900000002", password=PASSWORD) == account.user
    assert authenticate(request, mobile="13900000002", password="wrong-one-2026") is None
    assert AuditEvent.objects.filter(event="owner_account_activated", actor=account.user, case=case).exists()


def test_code_typed_in_lower_case_with_spaces_is_accepted():
    letter = next(iter(letters_for(open_case()).values()))
    typed = " " + letter.code.lower().replace("-", " ") + " "
    assert _activate(letter, code=typed).mobile == "13900000001"


def test_reused_code_is_refused():
    letter = next(iter(letters_for(open_case()).values()))
    _activate(letter)
    message = _refused("used_code", letter=letter, mobile="13900000009")
    assert "已经使用过" in message


def test_expired_code_is_refused():
    case = open_case()
    letter = next(iter(letters_for(case).values()))
    ActivationCode.objects.filter(owner=letter.owner).update(
        issued_at=timezone.now() - datetime.timedelta(days=40), expires_at=timezone.now() - datetime.timedelta(days=10)
    )
    assert "过期" in _refused("expired_code", letter=letter)
    assert not OwnerAccount.objects.exists()


@override_settings(OWNER_ACTIVATION_CODE_DAYS=7)
def test_code_lifetime_is_a_setting():
    letter = next(iter(letters_for(open_case()).values()))
    stored = ActivationCode.objects.get(digest=codes.digest(letter.code))
    assert stored.expires_at - stored.issued_at == datetime.timedelta(days=7)


def test_reissuing_voids_the_earlier_unused_code():
    case = open_case()
    first = letters_for(case)
    second = letters_for(case)
    owner_pk = next(iter(first))
    assert first[owner_pk].code != second[owner_pk].code
    assert "作废" in _refused("voided_code", letter=first[owner_pk])
    assert _activate(second[owner_pk]).user.person_id == first[owner_pk].owner.person_id


def test_wrong_id_digits_are_refused_and_counted_until_the_code_is_voided(settings):
    settings.OWNER_ACTIVATION_ATTEMPTS_PER_CODE = 3
    letter = next(iter(letters_for(open_case()).values()))
    wrong = "000000" if letter.owner.id_number[-6:] != "000000" else "111111"
    for _ in range(3):
        assert "不符" in _refused("wrong_id_tail", letter=letter, tail=wrong)
    # The right digits now come too late: the code was voided after the third wrong try.
    _refused("voided_code", letter=letter)
    assert not OwnerAccount.objects.exists()
    assert AuditEvent.objects.filter(event="owner_activation_failed").count() == 3


def test_failures_from_one_address_are_throttled(settings):
    settings.OWNER_ACTIVATION_FAILURES_PER_ADDRESS = 4
    letter = next(iter(letters_for(open_case()).values()))
    for _ in range(4):
        _refused("unknown_code", letter=letter, code="ACDE-FGHJ-KMNP", ip="10.9.9.9")
    # Even the right code waits now, from that address; another address is not held up.
    assert "尝试次数过多" in _refused("address_throttled", letter=letter, ip="10.9.9.9")
    assert _activate(letter, ip="10.9.9.10").mobile == "13900000001"


def test_mobile_number_belongs_to_one_account():
    case = open_case()
    a, b = list(letters_for(case).values())[:2]
    _activate(a, mobile="13900000005")
    assert "手机号码已用于" in _refused("mobile_taken", letter=b, mobile="13900000005")
    # Nothing half-saved: b's code is still good with another number.
    assert _activate(b, mobile="13900000006").mobile == "13900000006"


def test_weak_password_refused_and_code_still_usable():
    letter = next(iter(letters_for(open_case()).values()))
    with pytest.raises(ValidationError):
        services.account_activate(
            code=letter.code, id_tail=letter.owner.id_number[-6:], mobile="13900000007", password="123456"
        )
    assert not OwnerAccount.objects.exists()
    assert _activate(letter).mobile == "13900000001"


def test_owner_with_an_active_account_gets_no_new_letter():
    account, owner, case = activated()
    assert owner.pk not in letters_for(case)


def test_disabled_account_cannot_sign_in_and_a_new_letter_reactivates_it():
    account, owner, case = activated(mobile="13900000011")
    services.account_disable(account=account, case=case, actor=officer(case.jurisdiction.code), reason="手机丢失")
    request = RequestFactory().post("/owner/login/")
    assert authenticate(request, mobile="13900000011", password=PASSWORD) is None
    letter = letters_for(case)[owner.pk]
    again = _activate(letter, mobile="13900000012")
    assert again.pk == account.pk and not again.is_disabled
    assert authenticate(request, mobile="13900000012", password=PASSWORD) == account.user


def test_one_account_for_an_owner_of_flats_in_two_districts():
    account, owner, case = activated()
    other_unit = unit_with_flats(jurisdiction=jurisdiction("LC"))
    flat = other_unit.flats.first()
    record = Owner.objects.create(
        jurisdiction=other_unit.building.jurisdiction, person=owner.person, name=owner.name, id_number=owner.id_number
    )
    Ownership.objects.create(flat=flat, owner=record)
    other_case = open_case(unit=other_unit)
    assert record.pk not in letters_for(other_case)  # already has an active account
    assert set(case_list_for_owner(user=account.user)) == {case, other_case}
