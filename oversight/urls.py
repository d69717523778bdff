"""The oversight pages, in the staff back office (/admin/oversight/, config/urls.py): each
wrapped in the admin site's own guard (staff sign-in, the portal's 400 for values no page
sends), with the admin's look."""

from django.contrib import admin
from django.urls import path

from . import views_dashboard

app_name = "oversight"
urlpatterns: list = [
    path("dashboard/", admin.site.admin_view(views_dashboard.dashboard_view), name="dashboard"),
]
