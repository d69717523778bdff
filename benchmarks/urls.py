"""The portal's URLs plus the benchmark's yardstick: a bare admin page (benchmark only)."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path

from config.urls import handler400  # noqa: F401 - the portal's 400 page, as in production
from config.urls import urlpatterns as portal_urlpatterns


def bare(request):
    """The admin's base template with the admin's own context (header, navigation), behind
    the same sign-in: what every staff page costs before it shows anything of its own."""
    return TemplateResponse(request, "admin/base_site.html", {**admin.site.each_context(request), "title": "bare"})


urlpatterns = [path("bench/bare/", admin.site.admin_view(bare), name="bench_bare"), *portal_urlpatterns]
