"""Sign-ins to the back office and failed sign-ins anywhere, in the audit log: Django's
`user_logged_in` and `user_login_failed` signals, connected in CasesConfig.ready().

Owners signing in to their portal are logged by the owners' portal itself (owner_signed_in,
with their account); a failed owner sign-in arrives here by mobile number, which the log
keeps masked. Whatever was typed as a user name is cut short: a password typed into the
wrong box should not stand in the log whole."""

from django.contrib.auth import get_user_model
from django.db import transaction

from config.client_ip import client_ip

from . import audit, masking

NAME_SHOWN = 32  # characters of a typed user name the log keeps


def _ip(request) -> str | None:
    return client_ip(request) if request is not None else None


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    if not user.is_staff:
        return  # an owner: the owners' portal logs its own sign-in
    with transaction.atomic():
        audit.staff_signed_in(user=user, ip_address=_ip(request))


def on_user_login_failed(sender, credentials, request=None, **kwargs) -> None:
    mobile = str(credentials.get("mobile") or "").strip()
    if mobile:
        name, user = f"手机{masking.mask_mobile(mobile[:20])}", None
    else:
        typed = str(credentials.get("username") or "").strip()
        user = get_user_model().objects.filter(username=typed).first() if typed else None
        name = typed if user is not None else (typed[:NAME_SHOWN] + ("…" if len(typed) > NAME_SHOWN else ""))
    with transaction.atomic():
        audit.sign_in_failed(name=name or "（空）", user=user, ip_address=_ip(request))
