"""Settings for the page benchmark (`benchmarks/pages.py`) and its data (`benchmarks/generate.py`).

The portal's own settings with DEBUG off, plus what only a benchmark needs: a middleware
that counts each request's queries into a response header, and one extra URL (a bare page
rendering the admin's base template, the yardstick every page is measured against) that
the product's URLconf does not have. DATABASE_URL chooses the database, as everywhere.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import MIDDLEWARE, STORAGES, VAR_DIR

DEBUG = False
ROOT_URLCONF = "benchmarks.urls"
# First, so the count covers the whole request: session, user, page, template.
MIDDLEWARE = ["benchmarks.middleware.QueryCountMiddleware", *MIDDLEWARE]
# Static files from the finders (no collectstatic needed); the pages only link to them.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing collected: whitenoise serves from the finders
# The generated rows' files point at one placeholder in here, never at the developer's var/private.
MEDIA_ROOT = str(VAR_DIR / "bench-private")
STORAGES["default"] = {**STORAGES["default"], "OPTIONS": {"location": MEDIA_ROOT, "base_url": None}}
DEMO_SEED_ALLOWED = True  # the generator runs seed_demo first: the demo users are the benchmark's users
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # seeding only; sign-in is by session row
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
