"""Site-wide guards at the edge, before any view sees the request."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _


class RefusedInput(BadRequest):
    """A request no form of the portal can produce; its message is shown on the 400 page."""


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


class RefuseNulMiddleware:
    """A NUL character in the address, a query parameter or a form field answers 400.

    No page of the portal sends one, and no text the portal stores may hold one: PostgreSQL
    refuses NUL in text (a DataError deep inside a list filter or search: a 500), and
    SQLite would store it. Django's form fields refuse NUL in what they clean, but the
    admin's list filters, search and autocomplete hand query parameters to the database
    as they come. Refused here, once, for every page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        suspicious = "\x00" in request.path_info or any(
            "\x00" in key or _has_nul(request.GET.getlist(key)) for key in request.GET
        )
        if not suspicious and request.method == "POST" and request.content_type in _FORM_TYPES:
            suspicious = any("\x00" in key or _has_nul(request.POST.getlist(key)) for key in request.POST)
        if suspicious:
            raise RefusedInput(
                _("请求中含有空字符（NUL），系统不接受。请从页面上的链接或表单重新操作，不要手工修改网址。")
            )
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Permissions-Policy: the portal uses no camera, microphone, location, payment … so a
    page (or anything injected into one) may not ask for them either. The policy is the
    setting PERMISSIONS_POLICY (feature → allowed origins; empty = nobody)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
