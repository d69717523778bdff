"""What of cases' records shows masked, and who may see it in full on a logged click
(audit/reveal.py): an owner's ID number and mobile number. Registered from
CasesConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from audit.reveal import Revealable

from . import audit, masking, selectors
from .permissions import may_see_personal_data


def _find_owner(*, user, pk):
    return selectors.owner_list_visible_to(user=user).filter(pk=pk).first()


def _may_reveal_owner(user, owner) -> bool:
    return may_see_personal_data(user, owner.jurisdiction_id)


def _log_owner(*, actor, obj, field):
    audit.personal_data_viewed(obj=obj, actor=actor, field=field, whose=obj.name)


OWNER_ID_NUMBER = Revealable(
    key="owner.id_number",
    label=_("证件号码"),
    find=_find_owner,
    may_reveal=_may_reveal_owner,
    value=lambda owner: owner.id_number,
    mask=masking.mask_id_number,
    log=_log_owner,
)
OWNER_PHONE = Revealable(
    key="owner.phone",
    label=_("手机号码"),
    find=_find_owner,
    may_reveal=_may_reveal_owner,
    value=lambda owner: owner.phone,
    mask=masking.mask_mobile,
    log=_log_owner,
)
REVEALABLE = (OWNER_ID_NUMBER, OWNER_PHONE)
