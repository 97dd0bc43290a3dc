"""SCI Tracker settings: one module, every value from an environment variable.

Nothing needs to be set for a local install. docs/operations.md lists every variable; a
malformed value stops start-up with a message naming it (see sci_tracker/env.py).
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from sci_tracker.env import (
    env_bool,
    env_caches,
    env_choice,
    env_int,
    env_list,
    env_path,
    env_site_url,
    env_str,
    env_time_zone,
    env_vapid_key,
    private_database,
    private_folder,
    secret_key_in,
    vapid_key_in,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("SCI_TRACKER_DATA_DIR", BASE_DIR / "data")

DEBUG = env_bool("SCI_TRACKER_DEBUG", False)
SECRET_KEY = env_str("SCI_TRACKER_SECRET_KEY") or secret_key_in(DATA_DIR)
ALLOWED_HOSTS = env_list("SCI_TRACKER_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("SCI_TRACKER_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "sci_tracker.core",
    "sci_tracker.accounts",
    "sci_tracker.diary",
    "sci_tracker.trends",
    "sci_tracker.guides",
    "sci_tracker.exports",
    "sci_tracker.sharing",
    "sci_tracker.reports",
    "sci_tracker.safety",
    "sci_tracker.reminders",
    "sci_tracker.api",
]

MIDDLEWARE = [
    # These three first: every response, even one refused by a middleware below, gets their
    # headers (X-Frame-Options, nosniff and no-store for private pages, the CSP).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sci_tracker.middleware.security_headers",
    "csp.middleware.CSPMiddleware",
    # Pages and exports go out gzipped when the browser asks (the all-years trends page: 323 KB,
    # 25 KB gzipped). Django pads each compressed body with random bytes (max_random_bytes), its
    # mitigation of BREACH, which reads secrets from compressed sizes. Static files come
    # compressed ahead of time from WhiteNoise.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sci_tracker.middleware.allowed_methods",
    # A fetch's answer never deletes the session cookie, only a page's (a kept save lives there).
    "sci_tracker.accounts.resume.keep_session_cookie",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the footer menu's cookie, else the browser's Accept-Language. After the
    # session, before CommonMiddleware (as Django asks); a signed-in person's profile choice
    # overrides it in accounts.middleware.user_language, once the account is known.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A fetch's answer never puts back the CSRF cookie its request brought (signing in may have
    # replaced it meanwhile).
    "sci_tracker.accounts.resume.keep_csrf_cookie",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sci_tracker.accounts.middleware.user_time_zone",
    "sci_tracker.accounts.middleware.user_language",
    "sci_tracker.accounts.middleware.renew_session",
    "sci_tracker.accounts.limits.PasswordCheckThrottle",
    "sci_tracker.middleware.AtomicWrites",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the account and messages: a save sent once the session had ended is kept for the
    # sign-in, then sent again (see the module).
    "sci_tracker.accounts.resume.ResumeSave",
    # Tells the browser's drafts (static/js/drafts.js) which form was saved, who signed out.
    "sci_tracker.accounts.drafts.note_saves",
    # Last, as django-axes asks, so it sees the outcome of every sign-in attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sci_tracker.urls"
WSGI_APPLICATION = "sci_tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sci_tracker.accounts.drafts.drafts",
                "sci_tracker.sharing.context_processors.roles",
                "sci_tracker.core.theme.page_theme",
            ],
        },
    },
]

# The cache every process and server shares: limits, lockout counters and trends worked out for
# one version of a diary. Redis when SCI_TRACKER_CACHE_URL names one, else a table in the database.
CACHES = env_caches("SCI_TRACKER_CACHE_URL", "SCI_TRACKER_CACHE_KEY_PREFIX", "sci_tracker_cache")
# With Redis, sessions are read from it and written to both it and the database (Django's
# cached_db): every request reads its session, and a Redis GET costs a fraction of the ORM's
# query. The database stays the record, so a flushed Redis signs no one out. With the built-in
# cache (a database table) there is nothing to gain, so sessions stay in the database alone.
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Database: SQLite in the data folder unless DATABASE_URL names another (PostgreSQL for a clinic).
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {
            "default": dj_database_url.parse(
                DATABASE_URL, conn_max_age=600, conn_health_checks=True
            )
        }
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {error}") from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            # 0700 folder, 0600 files: health data, not for other users of the machine.
            "NAME": private_database(private_folder(DATA_DIR) / "db.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The same for the data folder's database and one a DATABASE_URL names (sqlite:///...).
    DATABASES["default"] |= {
        # Each worker keeps its connection from one request to the next: opening one for
        # every request (the PRAGMAs, Django's SQL functions) cost about 1.3 ms of CPU.
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            # IMMEDIATE takes the write lock when a transaction starts, so concurrent writers
            # wait their turn (up to the timeout) instead of failing with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # WAL: readers never wait for a writer, and a commit writes to the log without
            # waiting for the disk (with the rollback journal, each took about 1 ms).
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A session ends after two weeks without use; each use starts its two weeks again (see
# accounts.middleware.renew_session, which writes it at most once a day).
SESSION_COOKIE_AGE = 14 * 24 * 60 * 60
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Sign-in limits (see sci_tracker.accounts.limits). 5 failures for one account from one address
# pause sign-in to it for 15 minutes, whatever spelling of the e-mail address was typed; 30
# failures from one address over any accounts pause sign-in from it; and one address may send at
# most 10 passwords a minute to the forms that check one, refused before the password is hashed.
AXES_FAILURE_LIMIT = env_int("SCI_TRACKER_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SCI_TRACKER_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The sign-in form (Django's AuthenticationForm) names its e-mail field "username".
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "sci_tracker.accounts.limits.lockout_username"
AXES_CLIENT_IP_CALLABLE = "sci_tracker.core.client.client_address"
AXES_HANDLER = "sci_tracker.accounts.limits.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "sci_tracker.accounts.views.locked_out"
AXES_VERBOSE = False
SIGN_IN_ADDRESS_FAILURE_LIMIT = env_int("SCI_TRACKER_LOGIN_ADDRESS_FAILURE_LIMIT", 30, minimum=1)
PASSWORD_CHECK_LIMIT = env_int("SCI_TRACKER_PASSWORD_CHECKS_PER_MINUTE", 10, minimum=1)
PASSWORD_CHECK_WINDOW = timedelta(minutes=1)

# Behind a reverse proxy, how many proxies put the visitor's address in X-Forwarded-For. Limits
# and lockouts count per visitor address (sci_tracker.core.client); 0 trusts no header.
TRUSTED_PROXIES = env_int("SCI_TRACKER_TRUSTED_PROXIES", 0)

# Share links: an address that tries 20 unknown tokens in 15 minutes waits out the rest of them.
SHARE_LINK_GUESS_LIMIT = env_int("SCI_TRACKER_SHARE_LINK_GUESS_LIMIT", 20, minimum=1)
SHARE_LINK_GUESS_WINDOW = timedelta(minutes=15)

# E-mail confirmation (accounts.confirmation): a link works for 3 days; at most 5 account e-mails
# to one address an hour. Invitations: at most 10 a day from one account.
EMAIL_CONFIRMATION_MAX_AGE = timedelta(days=3)
ACCOUNT_EMAIL_LIMIT = env_int("SCI_TRACKER_ACCOUNT_EMAIL_LIMIT", 5, minimum=1)
ACCOUNT_EMAIL_WINDOW = timedelta(hours=1)
INVITATION_LIMIT = env_int("SCI_TRACKER_INVITATION_LIMIT", 10, minimum=1)
INVITATION_WINDOW = timedelta(days=1)

# The API (sci_tracker.api): personal access tokens only, no session, so no page in a browser can
# make it act for whoever is signed in. Each token may send API_TOKEN_REQUEST_LIMIT requests a
# minute, counted in the shared cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["sci_tracker.api.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["sci_tracker.api.auth.ScopeAllows"],
    "DEFAULT_THROTTLE_CLASSES": ["sci_tracker.api.auth.PerToken"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SCI Tracker API",
    "DESCRIPTION": "Log and read a spasm and pain diary with a personal access token.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files from drf-spectacular-sidecar, served by WhiteNoise: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Without deep links each operation's path is text, not a link inside its toggle button
    # (a control inside a control, which screen readers may not announce).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    # The error answers of every operation (drf-spectacular documents only the successes).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "sci_tracker.api.schema.error_responses",
    ],
}
API_TOKEN_REQUEST_LIMIT = env_int("SCI_TRACKER_API_REQUESTS_PER_MINUTE", 120, minimum=1)
API_TOKEN_REQUEST_WINDOW = timedelta(minutes=1)
# Live (not revoked) personal access tokens one account may hold: one per device is a handful;
# hundreds would be a script making them in a loop, each a live credential.
API_TOKENS_PER_ACCOUNT = env_int("SCI_TRACKER_API_TOKENS_PER_ACCOUNT", 20, minimum=1)

# Time: stored in UTC, shown and grouped in each user's own zone (see accounts.middleware).
USE_TZ = True
TIME_ZONE = env_time_zone("SCI_TRACKER_TIME_ZONE", "UTC")
# Languages (docs/translating.md). The source strings are British English; a browser asking for
# any English (en-US too) gets it, one asking for Spanish (es-MX too) gets Spanish. Dates, numbers
# and times follow the active language's formats (Django's locale formats).
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["sci_tracker.formats"]
# The footer menu's choice, kept a year (a session cookie would forget it with the browser).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
USE_I18N = True

# Static files: vendored libraries and our own CSS/JS, served compressed with hashed names.
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_path("SCI_TRACKER_STATIC_ROOT", BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Source maps are read only by a developer's browser tools; compressing the API docs' 8 MB of them
# was half of collectstatic's time on every deploy and upgrade.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: printed to the console unless an SMTP host is given.
EMAIL_HOST = env_str("SCI_TRACKER_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("SCI_TRACKER_EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("SCI_TRACKER_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env_str("SCI_TRACKER_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("SCI_TRACKER_EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("SCI_TRACKER_FROM_EMAIL", "SCI Tracker <noreply@localhost>")
# Where people reach the app: the links in reminder e-mails, which the worker sends without a
# request to take the address from.
SITE_URL = env_site_url("SCI_TRACKER_SITE_URL", "http://127.0.0.1:8000")

# Reminders (sci_tracker.reminders). Web Push signs every message with one VAPID key pair, kept
# like the secret key: from the environment, or made once into the data folder. Browsers tie a
# subscription to the public key, so a new key silently ends every device's subscription.
VAPID_PRIVATE_KEY = env_vapid_key("SCI_TRACKER_VAPID_PRIVATE_KEY") or vapid_key_in(DATA_DIR)
# Who runs the server, for push services to contact (RFC 8292): a mailto: or https: URL.
VAPID_SUBJECT = env_str("SCI_TRACKER_VAPID_SUBJECT", "mailto:noreply@localhost")
if not VAPID_SUBJECT.startswith(("mailto:", "https:")):
    raise ImproperlyConfigured(
        f"SCI_TRACKER_VAPID_SUBJECT must start with mailto: or https:, not {VAPID_SUBJECT!r}."
    )
# How often the worker (manage.py send_reminders) looks for reminders that are due, in seconds.
REMINDER_INTERVAL = env_int("SCI_TRACKER_REMINDER_INTERVAL", 60, minimum=1)

# Security headers. Behind HTTPS, one switch turns on secure cookies, the redirect and HSTS.
HTTPS = env_bool("SCI_TRACKER_HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("SCI_TRACKER_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SCI_TRACKER_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SCI_TRACKER_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SCI_TRACKER_HSTS_PRELOAD", HTTPS)
if env_bool("SCI_TRACKER_BEHIND_PROXY", False):
    # Only behind a proxy that sets this header itself; otherwise a client could forge it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# No inline script or style anywhere: every script and stylesheet is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws check marks and select arrows as data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The installable app: its service worker and manifest (sci_tracker.pwa).
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # django-axes logs every sign-in at INFO; failures and lockouts come at WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("SCI_TRACKER_LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR"]),
    },
}
