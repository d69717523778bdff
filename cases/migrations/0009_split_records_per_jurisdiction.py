# Splits owner and agent-builder rows that served several offices into one record per office;
# backfills the audit log's jurisdiction. A migration of its own: data changes and schema changes
# of the same tables do not share a transaction on PostgreSQL.

from django.db import migrations
from django.db.models import OuterRef, Subquery


def _fallback_jurisdiction(apps):
    Jurisdiction = apps.get_model("cases", "Jurisdiction")
    return Jurisdiction.objects.order_by("sort_order", "code").values_list("pk", flat=True).first()


def _creator_jurisdiction(apps, label, pk):
    """The office of whoever created the record, from the audit log."""
    AuditEvent = apps.get_model("cases", "AuditEvent")
    event = (
        AuditEvent.objects.filter(
            object_type=label, object_id=str(pk), event="record_created", actor__jurisdiction__isnull=False
        )
        .select_related("actor")
        .first()
    )
    return event.actor.jurisdiction_id if event is not None else None


def _rekey_ballots(apps, *, old_pk, new_pk, jurisdiction_id):
    """Ballots name their voter by owner row ids ("12|15"): the votes of the office whose
    flats moved to the new row follow it. Digest keys ("sha256:…", owner sets of over 255
    characters) cannot be rewritten; such a unit would need its roster re-keyed by hand."""
    Ballot = apps.get_model("voting", "Ballot")
    for ballot in Ballot.objects.filter(vote__case__jurisdiction_id=jurisdiction_id).exclude(
        voter_key__startswith="sha256:"
    ):
        parts = ballot.voter_key.split("|")
        if str(old_pk) in parts:
            ballot.voter_key = "|".join(sorted(str(new_pk) if part == str(old_pk) else part for part in parts))
            ballot.save(update_fields=["voter_key"])
    Ballot.objects.filter(vote__case__jurisdiction_id=jurisdiction_id, cast_by_owner_id=old_pk).update(
        cast_by_owner_id=new_pk
    )


def split_records(apps, schema_editor):
    Person = apps.get_model("cases", "Person")
    Owner = apps.get_model("cases", "Owner")
    Ownership = apps.get_model("cases", "Ownership")
    AgentBuilder = apps.get_model("cases", "AgentBuilder")
    Case = apps.get_model("cases", "Case")
    User = apps.get_model("cases", "User")
    Representatives = Case._meta.get_field("representatives").remote_field.through
    fallback = _fallback_jurisdiction(apps)

    for owner in Owner.objects.order_by("pk"):
        flats_by_office = {}
        for ownership in Ownership.objects.filter(owner_id=owner.pk).select_related("flat__unit__building"):
            flats_by_office.setdefault(ownership.flat.unit.building.jurisdiction_id, []).append(ownership.pk)
        for case_office in Case.objects.filter(representatives=owner).values_list("jurisdiction_id", flat=True):
            flats_by_office.setdefault(case_office, [])
        if not flats_by_office:
            office = (
                User.objects.filter(owner_id=owner.pk, jurisdiction__isnull=False)
                .values_list("jurisdiction_id", flat=True)
                .first()
                or _creator_jurisdiction(apps, "cases.Owner", owner.pk)
                or fallback
            )
            flats_by_office[office] = []
        # The office holding most of the owner's flats keeps the row (and its ballots' keys).
        offices = sorted(flats_by_office, key=lambda office: (-len(flats_by_office[office]), office))
        person, _ = Person.objects.get_or_create(id_number=owner.id_number)
        owner.jurisdiction_id, owner.person_id = offices[0], person.pk
        owner.save(update_fields=["jurisdiction", "person"])
        for office in offices[1:]:
            record = Owner.objects.create(
                jurisdiction_id=office, person_id=person.pk, name=owner.name, id_number=owner.id_number, phone=owner.phone
            )
            Ownership.objects.filter(pk__in=flats_by_office[office]).update(owner_id=record.pk)
            Representatives.objects.filter(owner_id=owner.pk, case__jurisdiction_id=office).update(owner_id=record.pk)
            _rekey_ballots(apps, old_pk=owner.pk, new_pk=record.pk, jurisdiction_id=office)

    for company in AgentBuilder.objects.order_by("pk"):
        cases_by_office = {}
        for case_pk, office in Case.objects.filter(agent_builder_id=company.pk).values_list("pk", "jurisdiction_id"):
            cases_by_office.setdefault(office, []).append(case_pk)
        for office in User.objects.filter(agent_builder_id=company.pk, jurisdiction__isnull=False).values_list(
            "jurisdiction_id", flat=True
        ):
            cases_by_office.setdefault(office, [])
        if not cases_by_office:
            cases_by_office[_creator_jurisdiction(apps, "cases.AgentBuilder", company.pk) or fallback] = []
        offices = sorted(cases_by_office, key=lambda office: (-len(cases_by_office[office]), office))
        person, _ = Person.objects.get_or_create(id_number=company.credit_code)
        company.jurisdiction_id, company.person_id = offices[0], person.pk
        company.save(update_fields=["jurisdiction", "person"])
        for office in offices[1:]:
            record = AgentBuilder.objects.create(
                jurisdiction_id=office,
                person_id=person.pk,
                name=company.name,
                credit_code=company.credit_code,
                contact_name=company.contact_name,
                contact_phone=company.contact_phone,
            )
            Case.objects.filter(pk__in=cases_by_office[office]).update(agent_builder_id=record.pk)
            # A company login of that office acts for that office's record.
            User.objects.filter(agent_builder_id=company.pk, jurisdiction_id=office).update(agent_builder_id=record.pk)


def backfill_audit_jurisdiction(apps, schema_editor):
    AuditEvent = apps.get_model("cases", "AuditEvent")
    Case = apps.get_model("cases", "Case")
    User = apps.get_model("cases", "User")
    AuditEvent.objects.filter(case__isnull=False).update(
        jurisdiction_id=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("jurisdiction_id")[:1])
    )
    paths = {
        "cases.Owner": ("Owner", "jurisdiction_id"),
        "cases.AgentBuilder": ("AgentBuilder", "jurisdiction_id"),
        "cases.Building": ("Building", "jurisdiction_id"),
        "cases.ElevatorUnit": ("ElevatorUnit", "building__jurisdiction_id"),
        "cases.Flat": ("Flat", "unit__building__jurisdiction_id"),
        "cases.Ownership": ("Ownership", "flat__unit__building__jurisdiction_id"),
        "cases.Jurisdiction": ("Jurisdiction", "pk"),
    }
    for label, (model_name, path) in paths.items():
        model = apps.get_model("cases", model_name)
        office_of = dict(model.objects.values_list("pk", path))
        changed = []
        for event in AuditEvent.objects.filter(case__isnull=True, object_type=label).only("pk", "object_id"):
            office = office_of.get(int(event.object_id)) if event.object_id.isdigit() else None
            if office is not None:
                event.jurisdiction_id = office
                changed.append(event)
        AuditEvent.objects.bulk_update(changed, ["jurisdiction"], batch_size=500)
    AuditEvent.objects.filter(jurisdiction__isnull=True, actor__isnull=False).update(
        jurisdiction_id=Subquery(User.objects.filter(pk=OuterRef("actor_id")).values("jurisdiction_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_owner_records_per_jurisdiction"),
        ("voting", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(split_records, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(backfill_audit_jurisdiction, migrations.RunPython.noop, elidable=False),
    ]
