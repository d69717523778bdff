"""What an owner may see, and what staff see of the owners' accounts.

An owner sees the cases of the units where one of the office records of their identity
(`cases.Owner.person`) owns a flat — nothing else, by URL too: `case_for_owner` answers
404 for any other case, so another unit's case number does not even exist for them.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet
from django.http import Http404

from cases.models import Case, ElevatorUnit, Owner, Ownership

from .models import ActivationCode, AgreementSignature, OwnerAccount


def account_of(user) -> OwnerAccount | None:
    """The signed-in owner's account, or None for anyone else (staff, anonymous, disabled)."""
    if not user.is_authenticated or not user.is_active or user.is_staff or user.person_id is None:
        return None
    account = getattr(user, "owner_account", None)
    if account is None or account.is_disabled:
        return None
    return account


def owner_records_of(*, user) -> QuerySet[Owner]:
    return Owner.objects.filter(person_id=user.person_id)


def case_list_for_owner(*, user) -> QuerySet[Case]:
    """Every case of a unit where the owner owns a flat, newest first."""
    units = Ownership.objects.filter(owner__person_id=user.person_id).values("flat__unit_id")
    return (
        Case.objects.filter(unit_id__in=units)
        .select_related("jurisdiction", "unit__building")
        .order_by("-opened_at", "-pk")
    )


def case_for_owner(*, user, pk: int) -> Case:
    case = case_list_for_owner(user=user).filter(pk=pk).first()
    if case is None:
        raise Http404("no such case for this owner")
    return case


def owner_records_in_case(*, user, case: Case) -> list[Owner]:
    """The office records of this identity that own flats of the case's unit (usually one)."""
    return list(
        Owner.objects.filter(person_id=user.person_id, ownerships__flat__unit_id=case.unit_id).distinct().order_by("pk")
    )


def owners_of_unit(*, unit: ElevatorUnit) -> list[Owner]:
    """The unit's owners in room order, each once."""
    seen: dict[int, Owner] = {}
    for ownership in (
        Ownership.objects.filter(flat__unit=unit)
        .select_related("owner", "flat")
        .order_by("flat__floor", "flat__room", "owner__pk")
    ):
        seen.setdefault(ownership.owner_id, ownership.owner)
    return list(seen.values())


def rooms_by_owner(*, unit: ElevatorUnit) -> dict[int, list[str]]:
    rooms: dict[int, list[str]] = defaultdict(list)
    for owner_id, room in (
        Ownership.objects.filter(flat__unit=unit)
        .order_by("flat__floor", "flat__room")
        .values_list("owner_id", "flat__room")
    ):
        rooms[owner_id].append(room)
    return dict(rooms)


def rooms_text(rooms) -> str:
    """101室、102室: an owner's rooms as staff pages and the letters print them."""
    return "、".join(f"{room}室" for room in rooms)


def accounts_by_person(*, person_ids) -> dict[int, OwnerAccount]:
    return {
        a.user.person_id: a for a in OwnerAccount.objects.filter(user__person_id__in=person_ids).select_related("user")
    }


def live_codes_by_person(*, person_ids, now) -> dict[int, ActivationCode]:
    live = ActivationCode.objects.filter(
        person_id__in=person_ids, used_at__isnull=True, voided_at__isnull=True, expires_at__gt=now
    )
    return {c.person_id: c for c in live}


def signatures_of_case(*, case: Case) -> dict[int, AgreementSignature]:
    """The agreement's signatures by owner record."""
    return {s.owner_id: s for s in AgreementSignature.objects.filter(case=case).select_related("account")}
