"""What of the notice's records shows masked, and who may see it in full on a logged click
(audit/reveal.py): an objector's phone on the objection's page. Registered from
NoticesConfig.ready()."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from audit.reveal import Revealable
from cases import audit as case_audit
from cases.masking import mask_mobile

from . import selectors_objections
from .permissions import can_manage_notice, can_read_objections


def _find_objection(*, user, pk):
    try:
        objection = selectors_objections.objection_for_staff(user=user, pk=pk)
    except Http404:
        return None
    # The applicant's side does not read objections at all: for it there is nothing here.
    return objection if can_read_objections(user, objection.notice.case) else None


def _log(*, actor, obj, field):
    case_audit.personal_data_viewed(obj=obj, actor=actor, field=field, whose=obj.name, case=obj.notice.case)


OBJECTION_PHONE = Revealable(
    key="objection.phone",
    label=_("联系电话"),
    find=_find_objection,
    # The receiving office handles the objection and calls the objector back.
    may_reveal=lambda user, objection: can_manage_notice(user, objection.notice.case),
    value=lambda objection: objection.phone,
    mask=mask_mobile,
    log=_log,
)
