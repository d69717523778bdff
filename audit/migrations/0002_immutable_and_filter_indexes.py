"""The log's filters by user and by case read an index each, newest first; and the database
refuses to change or delete an entry of the log, whoever writes (the ORM's save(), delete()
and the queryset's update() and delete() refuse first; a raw UPDATE or DELETE meets these
triggers), superusers and the database console included.

As for the ledger (funding 0003): on SQLite only the update is refused, since Django's
flush (transactional tests, `flush`) empties tables with DELETE, which a row trigger would
stop; PostgreSQL's flush TRUNCATEs, which row triggers do not see, so there both are refused.
Migrations that rewrite old rows (cases 0009) run before this one; going back past it drops
the triggers with it."""

from django.conf import settings
from django.db import migrations, models

SQLITE = [
    """CREATE TRIGGER cases_auditevent_no_update BEFORE UPDATE ON cases_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit log entries are never changed'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS cases_auditevent_no_update"]

POSTGRES = [
    """CREATE FUNCTION cases_auditevent_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
        MESSAGE = 'audit log entries are never changed nor deleted'; END $$""",
    """CREATE TRIGGER cases_auditevent_immutable BEFORE UPDATE OR DELETE ON cases_auditevent
    FOR EACH ROW EXECUTE FUNCTION cases_auditevent_immutable()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS cases_auditevent_immutable ON cases_auditevent",
    "DROP FUNCTION IF EXISTS cases_auditevent_immutable()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("cases", "0019_holiday_calendar_and_step_time_limits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["actor", "-created_at", "-id"], name="audit_by_actor_newest"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["case", "-created_at", "-id"], name="audit_by_case_newest"),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
