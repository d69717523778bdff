"""Public routes of the documents app (the verification page); staff routes live in its admin."""

urlpatterns: list = []
