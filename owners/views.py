"""The owners' pages (/owner/…): made for a phone first, one task a page, no pop-ups.

Every page but the sign-in, activation and text-size ones needs an owner's own account
(`owner_required`); staff accounts are sent to the back office. What an owner may see of a
case goes through `owners.selectors`, so another unit's case is a 404.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.client_ip import client_ip

from . import services
from .forms import ActivationForm, LoginForm
from .selectors import account_of

LARGE_TEXT_COOKIE = "owner_large_text"
LARGE_TEXT_MAX_AGE = 365 * 24 * 3600


def page(request, template: str, context: dict | None = None, *, status: int = 200):
    """Render an owner page with what base.html needs: the account (or None) and the
    large-text switch."""
    context = {
        "owner_account": account_of(request.user),
        "large_text": request.COOKIES.get(LARGE_TEXT_COOKIE) == "1",
        **(context or {}),
    }
    return render(request, template, context, status=status)


def owner_required(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        account = account_of(request.user)
        if account is None:
            if request.user.is_authenticated and request.user.is_staff:
                return page(request, "owners/staff_here.html", status=403)
            return redirect(f"{reverse('owners:login')}?next={request.get_full_path()}")
        request.owner_account = account
        return view(request, *args, **kwargs)

    return wrapped


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    hosts = {request.get_host()}
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=hosts, require_https=request.is_secure()):
        return target
    return fallback


# --- signing in -----------------------------------------------------------------------------

# Which field a refusal of the activation belongs to; the rest are about the code.
_REFUSAL_FIELD = {"wrong_id_tail": "id_tail", "mobile_taken": "mobile", "invalid": "mobile", "address_throttled": None}


def _field_of_refusal(exc: ValidationError) -> str | None:
    if getattr(exc, "code", None) is None:  # the password validators: a list of reasons, no code
        return "password1"
    return _REFUSAL_FIELD.get(exc.code, "code")


def activate(request):
    if request.method == "POST":
        form = ActivationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                account = services.account_activate(
                    code=data["code"],
                    id_tail=data["id_tail"],
                    mobile=data["mobile"],
                    password=data["password1"],
                    ip_address=client_ip(request),
                )
            except ValidationError as exc:
                form.add_error(_field_of_refusal(exc), exc)
            else:
                login(request, account.user, backend="owners.backends.OwnerMobileBackend")
                messages.success(request, _("激活成功。以后请用手机号码和密码登录。"))
                return redirect("owners:home")
    else:
        form = ActivationForm(initial={"code": request.GET.get("code", "")[:40]})
    return page(request, "owners/activate.html", {"form": form})


def login_view(request):
    if account_of(request.user) is not None:
        return redirect(_safe_next(request, reverse("owners:home")))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, mobile=form.cleaned_data["mobile"], password=form.cleaned_data["password"])
        account = getattr(user, "owner_account", None) if user is not None else None
        if account is None:
            form.add_error(None, _("手机号码或密码不正确。忘记密码请联系区住建部门补发激活函。"))
        else:
            login(request, user, backend="owners.backends.OwnerMobileBackend")
            services.account_signed_in(account=account, ip_address=client_ip(request))
            return HttpResponseRedirect(_safe_next(request, reverse("owners:home")))
    return page(request, "owners/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request):
    account = account_of(request.user)
    if account is not None:
        services.account_signed_out(account=account)
    logout(request)
    messages.success(request, _("您已安全退出。"))
    return redirect("owners:login")


@require_POST
def text_size(request):
    """The 大字 switch: a cookie, so it stays on across pages and visits (and before sign-in)."""
    response = HttpResponseRedirect(_safe_next(request, reverse("owners:home")))
    if request.POST.get("large") == "1":
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=LARGE_TEXT_MAX_AGE, samesite="Lax", httponly=True)
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE, samesite="Lax")
    return response


def landing(request):
    """`/`: owners are most of the portal's users; staff have their own door."""
    return page(request, "owners/landing.html")


def login_locked_out(request):
    """django-axes locked this mobile number out from this address (config.admin dispatches here)."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return page(request, "owners/locked_out.html", context, status=429)
