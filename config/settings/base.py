"""Settings shared by every environment.

Everything lives here; local/test/production differ only by environment variables
and the few lines in their own modules. Each variable is documented in one line in
`.env.example`.
"""

import datetime
from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer's .env is read when present; production passes real environment variables.
env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-local-only-key-change-me-0123456789abcdef")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Where the portal stores its own mutable files: the SQLite database, private uploads
# and generated PDFs. Outside the web root; nothing in it is served without a
# permission check.
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

DJANGO_APPS = [
    "config.apps.PortalAdminConfig",  # the Django admin, as the staff back office
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # before staticfiles: runserver serves as production does
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
]
# Ours, the ground floor first: cases/ imports none of the others.
LOCAL_APPS = [
    "audit",  # below every other app: the log, written by all, importing none of them
    "cases",
    "funding",
    "voting",
    "documents",
    "notices",  # the public notice of step 2: stands on cases and documents
    "upkeep",  # after the elevator runs: the register, warnings, running costs (on cases, funding, documents)
    "notifications",  # mail and the inbox (issue 16 §2): on the apps whose events it tells of
    "owners",  # the owners' portal: reads from all of the above, nothing reads from it
    "oversight",  # dashboards, exports, the log viewer (issue 16): reads all, nothing reads it
    "demo",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.middleware.RefuseNulMiddleware",  # after the locale: the 400 page speaks the user's language
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out login with the lockout page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite inside the project is the embedded default; DATABASE_URL=postgres://… switches
# to PostgreSQL through psycopg 3.
DATABASES = {
    # An empty DATABASE_URL counts as unset.
    "default": env.db_url_config(env("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
# Not one transaction per request: each service opens its own (transaction.atomic, with the
# row locks of docs/locking.md) around exactly what it changes, and a page that only reads
# holds no transaction open while it renders. A request-wide transaction would also keep
# a step's lock while WeasyPrint lays out a PDF, and roll back an audit row of a download
# together with an unrelated later error.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the dev server and a management command share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "cases.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "admin:login"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user
# name from one address, that pair is refused for AXES_COOLOFF_MINUTES. The pair, not the
# user name alone: otherwise anyone could lock an officer out by typing wrong passwords
# for their name. A correct password resets the count. Failed attempts are kept in the
# database (visible in the admin) for audit.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair before checking
    "django.contrib.auth.backends.ModelBackend",
    "owners.backends.OwnerMobileBackend",  # owners: mobile number and password (owners/backends.py)
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.admin.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "owners.backends.axes_username"  # an owner's mobile number counts as the user name
AXES_VERBOSE = False  # its own log lines are English-only and per attempt; the records suffice
# Proxies in front of the application that append to X-Forwarded-For (config/client_ip.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# …and the addresses (or networks) the nearest of them connects from. X-Forwarded-For is read
# only from these or over a unix socket; from anyone else it is the client's own writing.
TRUSTED_PROXY_ADDRESSES = env.list("TRUSTED_PROXY_ADDRESSES", default=["127.0.0.1", "::1"])

# Chinese first, English as a translation.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap for the owners' portal, installed by npm (package.json, `make assets`).
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
STORAGES = {
    # Uploads and generated PDFs are private: no MEDIA_URL, served only by views that
    # check permission and log the download.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("MEDIA_ROOT", default=str(VAR_DIR / "private")), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = STORAGES["default"]["OPTIONS"]["location"]


def mailer_from_url(url: str) -> dict:
    """One MAILERS entry (Django 6.1) from an EMAIL_URL such as smtp+tls://user:pass@host:587."""
    cfg = environ.Env.email_url_config(url)
    options = {}
    if cfg["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
        options = {
            "host": cfg.get("EMAIL_HOST"),
            "port": cfg.get("EMAIL_PORT"),
            "username": cfg.get("EMAIL_HOST_USER"),
            "password": cfg.get("EMAIL_HOST_PASSWORD"),
            "use_tls": bool(cfg.get("EMAIL_USE_TLS")),
            "use_ssl": bool(cfg.get("EMAIL_USE_SSL")),
            "timeout": 10,
        }
    return {"BACKEND": cfg["EMAIL_BACKEND"], "OPTIONS": options}


MAILERS = {"default": mailer_from_url(env("EMAIL_URL", default="consolemail://"))}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="增设电梯平台 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (Django's own, django.middleware.csp): the portal's pages load
# only their own static files; no inline script anywhere (scripts are static files), no
# plugins, no framing, forms post only back to the portal. The policy is the same on
# every page, the admin's included; a page that needs more is a bug to fix, not a hole.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Bootstrap draws a checked box, a select's arrow, a close button and a refused field's
    # warning icon as inline SVG images (data:) in its own CSS; an image cannot run script.
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# Browser features the portal never uses, refused to every page (config/middleware.py).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "serial",
        "hid",
        # Not "bluetooth": Chromium does not know it as a policy feature and logs an error on
        # every page (Web Bluetooth is not enabled for pages without it anyway).
        "publickey-credentials-get",
        "browsing-topics",
    )
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every rendering step at INFO; that would bury each command's output.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# --- Portal settings -------------------------------------------------------------------
PORTAL_NAME = "泉州市既有住宅增设电梯服务平台"
# Where the QR codes on printed documents point (the public verification page).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="")
# The public verification pages (/verify/) answer at most this many requests a minute from
# one client address (config/client_ip.py); 0 turns the limit off.
VERIFY_RATE_LIMIT = env.int("VERIFY_RATE_LIMIT", default=60)
# The cache counts those requests. In-process by default (one server process); production
# shares it between workers and hosts through the database (config/settings/production.py).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# [practice] departments answer within about five working days.
STEP_REVIEW_WORKING_DAYS = env.int("STEP_REVIEW_WORKING_DAYS", default=5)
# Dates users enter: from 2000-01-01 to this many days ahead (cases/validators.py).
DATE_MAX_DAYS_AHEAD = env.int("DATE_MAX_DAYS_AHEAD", default=366)
# Something that already happened (a window submission) may be this far ahead of the
# server's clock: a clerk's PC that runs a little fast.
CLOCK_SKEW_SECONDS = env.int("CLOCK_SKEW_SECONDS", default=300)
# The public notice lasts at most this many calendar days (at least the jurisdiction's
# notice_days).
NOTICE_MAX_DAYS = env.int("NOTICE_MAX_DAYS", default=90)
# Attachments: PDF, JPEG, PNG up to this size.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
# A photo of the posted notice: a phone's photo is a few MB and 12–50 megapixels; more is
# refused before its pixels are decoded (notices/photos.py).
NOTICE_PHOTO_MAX_BYTES = env.int("NOTICE_PHOTO_MAX_BYTES", default=15 * 1024 * 1024)
NOTICE_PHOTO_MAX_PIXELS = env.int("NOTICE_PHOTO_MAX_PIXELS", default=60_000_000)
# Roster and ballot files (.xlsx, .csv): a 2,000-flat roster is well under 1 MB. An .xlsx is
# refused before it is unpacked when it would unpack to more (voting/spreadsheets.py).
TABLE_MAX_BYTES = env.int("TABLE_MAX_BYTES", default=5 * 1024 * 1024)
TABLE_MAX_UNCOMPRESSED_BYTES = env.int("TABLE_MAX_UNCOMPRESSED_BYTES", default=20 * 1024 * 1024)
# A roster area outside this range (㎡, one flat) is imported only when the clerk confirms it.
FLAT_AREA_USUAL_MIN = env.int("FLAT_AREA_USUAL_MIN", default=5)
FLAT_AREA_USUAL_MAX = env.int("FLAT_AREA_USUAL_MAX", default=1000)

# --- The owners' portal (owners/) ---------------------------------------------------------
# An activation letter's code is valid this many days; issuing a new letter voids the old code.
OWNER_ACTIVATION_CODE_DAYS = env.int("OWNER_ACTIVATION_CODE_DAYS", default=30)
# Wrong ID digits with one code this many times void the code (a new letter is needed).
OWNER_ACTIVATION_ATTEMPTS_PER_CODE = env.int("OWNER_ACTIVATION_ATTEMPTS_PER_CODE", default=5)
# One address may fail this many activations within the window before it must wait.
OWNER_ACTIVATION_FAILURES_PER_ADDRESS = env.int("OWNER_ACTIVATION_FAILURES_PER_ADDRESS", default=10)
OWNER_ACTIVATION_WINDOW_MINUTES = env.int("OWNER_ACTIVATION_WINDOW_MINUTES", default=60)

# --- After the elevator runs (upkeep/) ------------------------------------------------------
# A warning shows (and is mailed) this many days before what falls due, and again once overdue.
UPKEEP_WARNING_LEAD_DAYS = env.int("UPKEEP_WARNING_LEAD_DAYS", default=30)
# Most days between two maintenance visits (Special Equipment Safety Supervision Regulations art. 31).
UPKEEP_MAINTENANCE_INTERVAL_DAYS = env.int("UPKEEP_MAINTENANCE_INTERVAL_DAYS", default=15)
# Use registration within this many days after first use (Special Equipment Safety Law art. 33).
UPKEEP_REGISTRATION_WITHIN_DAYS = env.int("UPKEEP_REGISTRATION_WITHIN_DAYS", default=30)

# The dashboard's figures are counted once per this many seconds for the same offices
# (oversight/views_dashboard.py); 0 counts them on every view.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=300)

# A staff list's export (oversight) of more rows than this is written in the background,
# with a progress page; up to it, the file comes with the click.
EXPORT_SYNC_MAX_ROWS = env.int("EXPORT_SYNC_MAX_ROWS", default=3000)

# Withdrawals and the subsidy (issue 15 §2; funding/withdrawal_rules.py). A jurisdiction may
# differ in the admin (资金规则, funding.FundingRules); an empty field there keeps these.
# Who may withdraw from the provident fund for the flat: the owner, their spouse, their children.
FUNDING_PROVIDENT_RELATIONS = env.list("FUNDING_PROVIDENT_RELATIONS", default=["owner", "spouse", "child"])
FUNDING_PROVIDENT_WINDOW_YEARS = env.int("FUNDING_PROVIDENT_WINDOW_YEARS", default=3)
FUNDING_MAINTENANCE_WINDOW_YEARS = env.int("FUNDING_MAINTENANCE_WINDOW_YEARS", default=1)
# The part of a flat's maintenance fund that must stay in it after the withdrawal (percent).
FUNDING_MAINTENANCE_KEEP_PERCENT = env.str("FUNDING_MAINTENANCE_KEEP_PERCENT", default="30")
# The district's subsidy per elevator, in yuan ("" = none).
FUNDING_SUBSIDY_PER_ELEVATOR = env.str("FUNDING_SUBSIDY_PER_ELEVATOR", default="")

# --- Joining later (funding/latejoin_rules.py, issue 15 §3) ---------------------------------
# A flat that did not pay joins on its original share, in full within this many years of the
# elevator's use registration, then reduced in a straight line to nothing at the second.
LATE_JOIN_FULL_YEARS = env.int("LATE_JOIN_FULL_YEARS", default=5)
LATE_JOIN_ZERO_YEARS = env.int("LATE_JOIN_ZERO_YEARS", default=15)
