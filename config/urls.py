from django.contrib import admin
from django.urls import include, path

from owners.views import landing

# A request no page of the portal sends (config/middleware.py) gets the portal's own page.
handler400 = "config.views.bad_request"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # The oversight pages (dashboards) live in the back office, before the admin's own
    # catch-all; each is wrapped in the admin site's guard (oversight/urls.py).
    path("admin/oversight/", include("oversight.urls")),
    path("admin/", admin.site.urls),
    path("owner/", include("owners.urls")),
    path("", include("documents.urls")),
    path("", landing, name="landing"),
]
