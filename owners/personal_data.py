"""What of the owners' accounts shows masked, and who may see it in full on a logged click
(audit/reveal.py): the mobile number an owner signs in with. Registered from
OwnersConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from audit.reveal import Revealable
from cases import audit as case_audit
from cases.masking import mask_mobile
from cases.permissions import may_see_personal_data
from cases.selectors import ownership_list_visible_to

from .models import OwnerAccount


def _find_account(*, user, pk):
    """An account of a person who owns a flat in the user's district (OwnerAccountAdmin's scope)."""
    persons = ownership_list_visible_to(user=user).values("owner__person_id")
    return OwnerAccount.objects.select_related("user").filter(pk=pk, user__person_id__in=persons).first()


def _may_reveal(user, account) -> bool:
    # Found through the user's own district (above): the receiving office of that district.
    return may_see_personal_data(user, user.jurisdiction_id)


def _log(*, actor, obj, field):
    case_audit.personal_data_viewed(obj=obj, actor=actor, field=field, whose=obj.user.full_name)


ACCOUNT_MOBILE = Revealable(
    key="owner_account.mobile",
    label=_("手机号码"),
    find=_find_account,
    may_reveal=_may_reveal,
    value=lambda account: account.mobile,
    mask=mask_mobile,
    log=_log,
)
