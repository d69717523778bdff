from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """The Django admin, replaced by the portal's own site (header, index, scoping)."""

    default_site = "config.admin.PortalAdminSite"
