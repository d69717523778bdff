"""Settings for the pytest suite (`make test`); DATABASE_URL still chooses the database."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES["staticfiles"] = {  # noqa: F405 - no collectstatic manifest needed in tests
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
DEMO_SEED_ALLOWED = True
DASHBOARD_CACHE_SECONDS = 0  # each test counts its own data (oversight/tests/test_dashboard_cache.py turns it on)
WHITENOISE_AUTOREFRESH = True  # serve from the finders; no collectstatic before tests
