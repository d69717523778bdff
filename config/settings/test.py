"""Settings for the pytest suite (`make test`); DATABASE_URL still chooses the database."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES["staticfiles"] = {  # noqa: F405 - no collectstatic manifest needed in tests
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
DEMO_SEED_ALLOWED = True
WHITENOISE_AUTOREFRESH = True  # serve from the finders; no collectstatic before tests
