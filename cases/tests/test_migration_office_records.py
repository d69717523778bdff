"""The migration that gives each office its own owner and company records keeps every
existing link: flats, representatives, ballots and company logins follow the office."""

import pytest

from conftest import migrate_to, migrate_to_latest

BEFORE = [("cases", "0008_owner_records_per_jurisdiction"), ("voting", "0001_initial")]
AFTER = [("cases", "0010_records_per_jurisdiction_required")]


@pytest.mark.django_db(transaction=True)
def test_one_row_serving_two_offices_becomes_one_record_per_office(jurisdictions):
    apps = migrate_to(BEFORE)
    try:
        Jurisdiction = apps.get_model("cases", "Jurisdiction")
        Building = apps.get_model("cases", "Building")
        Unit = apps.get_model("cases", "ElevatorUnit")
        Flat = apps.get_model("cases", "Flat")
        Owner = apps.get_model("cases", "Owner")
        Ownership = apps.get_model("cases", "Ownership")
        AgentBuilder = apps.get_model("cases", "AgentBuilder")
        Case = apps.get_model("cases", "Case")
        User = apps.get_model("cases", "User")
        Vote = apps.get_model("voting", "Vote")
        Ballot = apps.get_model("voting", "Ballot")
        lc, fz = Jurisdiction.objects.get(code="LC"), Jurisdiction.objects.get(code="FZ")

        def flats(office, rooms):
            building = Building.objects.create(
                jurisdiction=office, compound_name="花园", address=f"{office.name}1幢", floors=7
            )
            unit = Unit.objects.create(building=building, name="1单元")
            return unit, [Flat.objects.create(unit=unit, room=room, floor=1, area="80.00") for room in rooms]

        lc_unit, lc_flats = flats(lc, ["101", "102"])
        fz_unit, fz_flats = flats(fz, ["201"])
        owner = Owner.objects.create(name="陈两区", id_number="350503195001010011", phone="13800000001")
        other = Owner.objects.create(name="李一区", id_number="350503195001010020")
        for flat in [*lc_flats, *fz_flats]:
            Ownership.objects.create(flat=flat, owner=owner)
        Ownership.objects.create(flat=fz_flats[0], owner=other)
        company = AgentBuilder.objects.create(name="代建公司", credit_code="91350503MA2Y4K7Q3G")
        fz_case = Case.objects.create(number="FZ-2026-0001", jurisdiction=fz, unit=fz_unit, agent_builder=company)
        Case.objects.create(number="LC-2026-0001", jurisdiction=lc, unit=lc_unit, agent_builder=company)
        fz_case.representatives.add(owner)
        fz_login = User.objects.create(username="fz_company", jurisdiction=fz, agent_builder=company)
        vote = Vote.objects.create(case=fz_case)
        key = "|".join(sorted([str(owner.pk), str(other.pk)]))
        ballot = Ballot.objects.create(
            vote=vote, voter_key=key, rooms="201", voter_names="", choice="agree", channel="online"
        )

        apps = migrate_to(AFTER)
        Owner = apps.get_model("cases", "Owner")
        records = {o.jurisdiction.code: o for o in Owner.objects.filter(id_number="350503195001010011")}
        assert set(records) == {"LC", "FZ"}  # 鲤城区 holds two of the flats: it keeps the row
        assert records["LC"].pk == owner.pk and records["FZ"].person_id == records["LC"].person_id
        assert records["FZ"].phone == "13800000001"  # a copy of what was recorded, now the office's own
        Ownership = apps.get_model("cases", "Ownership")
        assert set(Ownership.objects.filter(owner=records["FZ"]).values_list("flat__room", flat=True)) == {"201"}
        Case = apps.get_model("cases", "Case")
        fz_case = Case.objects.get(number="FZ-2026-0001")
        assert list(fz_case.representatives.values_list("pk", flat=True)) == [records["FZ"].pk]
        Ballot = apps.get_model("voting", "Ballot")
        assert Ballot.objects.get(pk=ballot.pk).voter_key == "|".join(sorted([str(records["FZ"].pk), str(other.pk)]))
        companies = {c.jurisdiction.code: c for c in apps.get_model("cases", "AgentBuilder").objects.all()}
        assert set(companies) == {"LC", "FZ"}
        assert fz_case.agent_builder_id == companies["FZ"].pk
        assert Case.objects.get(number="LC-2026-0001").agent_builder_id == companies["LC"].pk
        assert apps.get_model("cases", "User").objects.get(pk=fz_login.pk).agent_builder_id == companies["FZ"].pk
    finally:
        migrate_to_latest()
