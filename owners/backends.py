"""Owners sign in with their mobile number and password (`authenticate(request, mobile=…,
password=…)`); staff keep their user names. django-axes throttles both: its lockout pair is
(user name, address), and for an owner the "user name" is the mobile number
(`axes_username`), so a wrong password on one number never locks another owner out."""

from django.contrib.auth.backends import ModelBackend

from .models import OwnerAccount

MOBILE_PREFIX = "mobile:"


class OwnerMobileBackend(ModelBackend):
    def authenticate(self, request, mobile=None, password=None, **kwargs):
        if not mobile or password is None:
            return None
        account = OwnerAccount.objects.select_related("user").filter(mobile=mobile.strip()).first()
        if account is None:
            # The same cost as a real check, so timing does not tell which numbers have accounts.
            self.user_model().set_password(password)
            return None
        user = account.user
        if account.is_disabled or user.is_staff or not user.check_password(password):
            return None
        return user if self.user_can_authenticate(user) else None


def axes_username(request, credentials) -> str | None:
    """AXES_USERNAME_CALLABLE: the staff user name, or the owner's mobile number, prefixed so
    the two never meet."""
    source = credentials if credentials is not None else getattr(request, "POST", {})
    if source.get("mobile"):
        return MOBILE_PREFIX + str(source.get("mobile")).strip()
    return source.get("username")
