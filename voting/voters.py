"""The unit's voters (表决人). One function, `unit_voters`, builds them from the unit's flats
and owners; the tally, the vote page, the ballot services and the printed ballots (with
their tally sheet) all take them from it.

Who is one voter (SPC interpretation on building division ownership, art. 9, as
`rules.group_voters` applies it):

- the co-owners of a flat are one voter;
- one owner, or the same co-owners, holding several flats of the unit are one voter, the
  flats' areas summed;
- all the flats the developer has not sold or not delivered (开发商持有) are one voter,
  whoever is registered on them, or nobody;
- a flat not held by the developer counts with its owners. Without them it is no voter
  and no blank one either: the roster is incomplete (`RosterIncomplete`), nothing is
  counted, the vote cannot open, and the printed ballots name the flat instead of
  numbering ballots that a completed roster would number otherwise (the owners added may
  be those of another flat, one voter with it).

An owner is the office's owner record (`cases.Owner`): its primary key is the owner key.

The roster is read in one query of plain values, the flats joined to their owners
(`roster_flats`), rather than as models with prefetches: the vote page reads it on every
view, and no reader of the voters needs more than these values.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.models import AreaSource, ElevatorUnit, Flat
from cases.validators import mask_identity

from . import rules


@dataclass(frozen=True, slots=True)
class RosterOwner:
    pk: int
    name: str
    masked_id_number: str  # as the lists and the ballots show it: region and last four


_AREA_SOURCE_LABELS = dict(AreaSource.choices)


@dataclass(frozen=True, slots=True)
class RosterFlat:
    """One flat of the unit's roster with its owners, in the order they were registered."""

    pk: int
    room: str
    floor: int
    area: Decimal  # 专有部分面积
    area_source: str  # an AreaSource value
    certificate_no: str
    developer_held: bool
    owners: tuple[RosterOwner, ...]

    @property
    def area_source_label(self) -> str:
        return str(_AREA_SOURCE_LABELS.get(self.area_source, self.area_source))


_ROSTER_COLUMNS = (
    "pk",
    "room",
    "floor",
    "area",
    "area_source",
    "certificate_no",
    "developer_held",
    "ownerships__owner_id",
    "ownerships__owner__name",
    "ownerships__owner__id_number",
)


def roster_flats(*, unit: ElevatorUnit) -> list[RosterFlat]:
    """The unit's flats by floor and room, each with its owners: one query, a row per flat
    and owner (a flat without owners is one row without). The full ID number is masked as
    it is read; only the roster export, which reads the models, gives it out."""
    rows = (
        Flat.objects.filter(unit_id=unit.pk).order_by("floor", "room", "ownerships__pk").values_list(*_ROSTER_COLUMNS)
    )
    heads, owners_of = [], {}
    for *head, owner_id, name, id_number in rows:
        owners = owners_of.get(head[0])
        if owners is None:
            owners = owners_of[head[0]] = []
            heads.append(head)
        if owner_id is not None:
            owners.append(RosterOwner(owner_id, name, mask_identity(id_number)))
    return [RosterFlat(*head, owners=tuple(owners_of[head[0]])) for head in heads]


@dataclass(frozen=True, slots=True)
class UnitVoter:
    """One voter (表决人) of the unit: what the tally counts, a ballot records and a printed
    ballot is made out to."""

    number: int  # 1, 2, … in the roster's order: the printed ballot's "第 n 张", the tally sheet's "第n人"
    voter: rules.Voter
    flats: tuple[RosterFlat, ...]  # in the order of `rooms`
    owners: tuple[RosterOwner, ...]  # each once, in the order of the flats
    names: str  # as a ballot records it; the developer's says so
    owner_ids: frozenset[int]
    developer: bool

    @property
    def key(self) -> str:
        return self.voter.key

    @property
    def db_key(self) -> str:
        return ballot_key(self.voter.key)

    @property
    def rooms(self) -> tuple[str, ...]:
        return self.voter.rooms

    @property
    def rooms_label(self) -> str:
        return "、".join(self.voter.rooms)

    @property
    def area(self) -> Decimal:
        return self.voter.area


def ballot_key(voter_key: str) -> str:
    """The voter key as stored on a ballot; a very long owner set is stored as its digest."""
    if len(voter_key) <= 255:
        return voter_key
    return "sha256:" + hashlib.sha256(voter_key.encode()).hexdigest()


class RosterIncomplete(ValidationError):
    """A flat not held by the developer has no owners: the unit has no voters until they
    are registered. `problem` names the flat, in the active language."""

    def __init__(self, problem: str):
        self.problem = problem
        super().__init__(_("名册不完整，无法计票：%(problem)s") % {"problem": problem}, code="roster_incomplete")


def unit_voters(*, unit: ElevatorUnit, flats: Sequence[RosterFlat] | None = None) -> list[UnitVoter]:
    """The unit's voters, in the order of their first rooms (the module docstring says who
    is one). `flats`: the unit's roster when the caller has read it already
    (`roster_flats`) to show it too. Raises `RosterIncomplete`."""
    if flats is None:
        flats = roster_flats(unit=unit)
    facts = [
        rules.FlatFact(
            room=flat.room,
            area=flat.area,
            developer_held=flat.developer_held,
            owner_keys=frozenset(str(owner.pk) for owner in flat.owners),
        )
        for flat in flats
    ]
    try:
        grouped = rules.group_voters(facts)
    except ValueError as exc:
        raise RosterIncomplete(_roster_problem(facts, exc)) from exc
    flat_by_room = {flat.room: flat for flat in flats}
    voters = []
    for number, voter in enumerate(grouped, start=1):
        voter_flats = tuple(flat_by_room[room] for room in voter.rooms)
        owners: dict[int, RosterOwner] = {}
        for flat in voter_flats:
            for owner in flat.owners:
                owners.setdefault(owner.pk, owner)
        developer = voter.key == rules.DEVELOPER_KEY
        names = "、".join(owner.name for owner in owners.values())
        if developer:
            names = f"开发商（未售或未交付房屋）{('：' + names) if names else ''}"
        voters.append(
            UnitVoter(
                number=number,
                voter=voter,
                flats=voter_flats,
                owners=tuple(owners.values()),
                names=names,
                owner_ids=frozenset(owners),
                developer=developer,
            )
        )
    return voters


def _roster_problem(facts: Sequence[rules.FlatFact], exc: ValueError) -> str:
    """Why `rules.group_voters` refused the unit's flats, in the user's language. Flats in the
    database have unique rooms and positive areas, so what can be wrong is a flat without
    owners; anything else is rules' own (Chinese) text."""
    for fact in facts:
        if not fact.developer_held and not fact.owner_keys:
            return _("房号 %(room)s 没有业主证件号码（非开发商持有的房屋必须登记业主）") % {"room": fact.room}
    return str(exc)
