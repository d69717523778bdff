"""The portal's one audit log: append-only rows of named events, read-only in the admin.

The table predates the app (it was cases.AuditEvent): its name and indexes stay as they
were, so moving the model here moved no data (migrations/0001_initial.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import registry


class ImmutableEvent(Exception):
    """An entry of the log is never changed nor deleted, by anyone."""


class AuditEventQuerySet(models.QuerySet):
    """No bulk change or deletion of the log either (the database refuses them too)."""

    def update(self, **kwargs):
        raise ImmutableEvent(gettext("审计日志一经写入不能修改。"))

    def delete(self):
        raise ImmutableEvent(gettext("审计日志不能删除。"))


class AuditEvent(models.Model):
    """Append-only log of named events; read-only in the admin, for superusers too.

    Never changed nor deleted: save() of a stored row and delete() refuse here, and the
    database refuses an UPDATE or DELETE from anywhere else (migration 0002)."""

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    # No choices: each app declares its own events (audit.registry), so adding one needs no
    # migration; get_event_display() reads the label from there.
    event = models.CharField(_("事件"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, null=True, related_name="audit_events"
    )
    # Whose log the event belongs to: the case's office, else the office of the record it
    # is about (an owner, a building), else the actor's. The log is scoped by it.
    jurisdiction = models.ForeignKey(
        "cases.Jurisdiction", verbose_name=_("辖区"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    message = models.CharField(_("说明"), max_length=500)
    data = models.JSONField(_("详情"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        db_table = "cases_auditevent"
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["jurisdiction", "-created_at", "-id"], name="audit_by_office_newest"),
            models.Index(fields=["-created_at", "-id"], name="audit_newest"),
            # The log's filters by user and by case, newest first (migration 0002).
            models.Index(fields=["actor", "-created_at", "-id"], name="audit_by_actor_newest"),
            models.Index(fields=["case", "-created_at", "-id"], name="audit_by_case_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.message}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableEvent(gettext("审计日志一经写入不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEvent(gettext("审计日志不能删除。"))

    def get_event_display(self) -> str:
        return str(registry.event_label(self.event))
