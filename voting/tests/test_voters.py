"""One function builds the unit's voters (voting/voters.py, issue 11): co-owners once, one
owner's flats summed, the developer's flats one voter, a flat without owners an incomplete
roster; read in one query however many flats the unit has."""

from decimal import Decimal

import pytest

from cases.tests.factories import FlatFactory, OwnerFactory, UnitFactory, unit_with_flats
from voting.voters import RosterIncomplete, roster_flats, unit_voters

pytestmark = pytest.mark.django_db


def _flat(unit, room, area, owners, **kwargs):
    return FlatFactory(unit=unit, room=room, floor=int(room[:-2]), area=Decimal(area), owners=owners, **kwargs)


def test_the_voters_of_a_unit():
    unit = UnitFactory()
    lin, chen, huang, developer = (OwnerFactory(name=name) for name in ("林一", "陈二", "黄三", "开发公司"))
    _flat(unit, "101", "80.50", [lin])
    _flat(unit, "102", "90.00", [chen, huang])
    _flat(unit, "201", "70.25", [lin])  # one owner's second flat
    _flat(unit, "202", "60.00", [huang, chen])  # the same co-owners again
    _flat(unit, "301", "88.00", [developer], developer_held=True)
    _flat(unit, "302", "77.00", [], developer_held=True)  # unsold, nobody registered
    _flat(unit, "1001", "99.00", [OwnerFactory(name="王四")])

    voters = unit_voters(unit=unit)

    assert [(v.number, v.rooms, v.area) for v in voters] == [
        (1, ("101", "201"), Decimal("150.75")),
        (2, ("102", "202"), Decimal("150.00")),
        (3, ("301", "302"), Decimal("165.00")),
        (4, ("1001",), Decimal("99.00")),
    ]
    lin_voter, couple, developer_voter, _wang = voters
    assert lin_voter.names == "林一" and lin_voter.owner_ids == {lin.pk} and not lin_voter.developer
    assert couple.names == "陈二、黄三" and [o.name for o in couple.owners] == ["陈二", "黄三"]
    assert developer_voter.developer and developer_voter.names == "开发商（未售或未交付房屋）：开发公司"
    assert [f.room for f in developer_voter.flats] == ["301", "302"]
    assert developer_voter.flats[1].owners == ()


def test_a_flat_without_owners_leaves_the_roster_incomplete():
    unit = unit_with_flats(flats=4)
    FlatFactory(unit=unit, room="501", floor=5, owners=[])
    with pytest.raises(RosterIncomplete) as refused:
        unit_voters(unit=unit)
    problem = "房号 501 没有业主证件号码（非开发商持有的房屋必须登记业主）"
    assert refused.value.problem == problem
    assert refused.value.messages == [f"名册不完整，无法计票：{problem}"]
    assert refused.value.code == "roster_incomplete"


def test_the_roster_is_one_query_of_values_whatever_its_size(django_assert_num_queries):
    for size in (2, 30):
        unit = unit_with_flats(flats=size)
        with django_assert_num_queries(1):
            voters = unit_voters(unit=unit)
        assert len(voters) == size
    flats = roster_flats(unit=unit)
    owner = unit.flats.get(room=flats[0].room).owners.get()
    assert flats[0].owners[0].masked_id_number == owner.masked_id_number != owner.id_number
