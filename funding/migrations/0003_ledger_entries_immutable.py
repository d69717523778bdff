"""The database refuses to change or delete a ledger entry, whoever writes (the ORM's
save() and delete() refuse first; a raw UPDATE, a queryset's update() or delete() meets
these triggers). A mistake is reversed by a counter-entry.

On SQLite only the update is refused: Django's flush (transactional tests, `flush`) empties
tables with DELETE, which a row trigger would stop; PostgreSQL's flush TRUNCATEs, which row
triggers do not see, so there both are refused."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER funding_ledgerentry_no_update BEFORE UPDATE ON funding_ledgerentry
    BEGIN SELECT RAISE(ABORT, 'ledger entries are never changed: reverse with a counter-entry'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS funding_ledgerentry_no_update"]

POSTGRES = [
    """CREATE FUNCTION funding_ledgerentry_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
        MESSAGE = 'ledger entries are never changed nor deleted: reverse with a counter-entry'; END $$""",
    """CREATE TRIGGER funding_ledgerentry_immutable BEFORE UPDATE OR DELETE ON funding_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION funding_ledgerentry_immutable()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS funding_ledgerentry_immutable ON funding_ledgerentry",
    "DROP FUNCTION IF EXISTS funding_ledgerentry_immutable()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("funding", "0002_ledger_and_milestones")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
