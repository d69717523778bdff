"""The oversight pages outside the admin (if any); the dashboards and the log viewer live in
the staff back office (admin site views)."""

app_name = "oversight"
urlpatterns: list = []
