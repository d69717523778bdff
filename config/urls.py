from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

# A request no page of the portal sends (config/middleware.py) gets the portal's own page.
handler400 = "config.views.bad_request"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("documents.urls")),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
