"""Settings for mycity, read only from the environment (12-factor).

With nothing set, the process runs the demo: SQLite in ``var/``, DEBUG on, a
throw-away secret. Setting ``SECRET_KEY`` switches the defaults to production
(DEBUG off, secure cookies, HSTS); every value can still be set one by one.
"""

import json
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from mycity.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("MYCITY_VAR_DIR", str(BASE_DIR / "var")))

_DEMO_SECRET = "demo-only-insecure-secret-key-set-SECRET_KEY-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY") or _DEMO_SECRET
DEMO_MODE = SECRET_KEY == _DEMO_SECRET
DEBUG = env_bool("DEBUG", default=DEMO_MODE)
if not DEBUG and DEMO_MODE:
    raise ImproperlyConfigured("Set SECRET_KEY when DEBUG is false.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "mycity.core",
    "mycity.cities",
    "mycity.accounts",
    "mycity.appeals",
    "mycity.notify",
    "mycity.webhooks",
    "mycity.content",
    "mycity.control",
    "mycity.reception",
    "mycity.privacy",
    "mycity.reports",
    "mycity.analytics",
    "mycity.console",
    "mycity.web",
    "mycity.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "csp",
]

MIDDLEWARE = [
    "mycity.core.middleware.RequestIdMiddleware",
    # Before anything that may read a body (the CSRF check reads every POST's form).
    "mycity.core.request_limits.RequestBodyLimitMiddleware",
    # A shared public read replayed as the stack last answered it, without running it.
    "mycity.core.replayed_reads.ReplayedReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mycity.core.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mycity.core.caching.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mycity.accounts.middleware.SecondFactorForStaffMiddleware",
    # Innermost: the site's 404 and 403 pages in debug mode too (the demo).
    "mycity.web.errors.ErrorPagesMiddleware",
]

ROOT_URLCONF = "mycity.urls"
WSGI_APPLICATION = "mycity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "mycity.web.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------

VAR_DIR.mkdir(parents=True, exist_ok=True)
_default_db = f"sqlite:///{VAR_DIR / 'mycity.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or _default_db,
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write
    # lock at BEGIN, so concurrent writers wait (busy_timeout) instead of failing
    # with "database is locked" half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
    }
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_SQLITE_NAME") or None}
# A PostgreSQL streaming replica of the primary: the anonymous public reads are computed
# from it once it has replayed what they must show (mycity.core.replica). Unset, no
# router is installed and every read goes to the primary.
_replica_url = env_str("DATABASE_REPLICA_URL")
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(
        _replica_url,
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
    _postgres = ("django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis")
    if any(DATABASES[alias]["ENGINE"] not in _postgres for alias in ("default", "replica")):
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL is a PostgreSQL streaming replica of DATABASE_URL: "
            "both must be postgres://… (SQLite has no replicas)."
        )
    # The tests' replica reads the test database (a standby of the test server replays
    # it), not a database of its own.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["mycity.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, background tasks --------------------------------------

# Rate limits (sign-in, codes, submissions) live in the default cache, so it must be one
# store for every process: the database's table `mycity_cache` (made by `migrate`) or
# Redis. A cache in each process's memory (locmem://) is for a single-process debug
# run only; production settings refuse it, and `mycity check --deploy` names it.
CACHE_URL = env_str("CACHE_URL", "db://") or "db://"
CACHE_TABLE = "mycity_cache"
CACHES: dict[str, dict[str, object]]
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif CACHE_URL == "db://":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            # Django culls a third of the entries past MAX_ENTRIES (300 by default):
            # a flood of made-up e-mails must not push a real account's count out.
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 100_000)},
        }
    }
elif CACHE_URL == "locmem://":
    if not DEBUG:
        raise ImproperlyConfigured(
            "CACHE_URL=locmem:// keeps rate limits in each process's memory: "
            "use db:// (the default) or redis://… in production."
        )
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured("CACHE_URL must be db://, redis://… or (in debug) locmem://")

# Anonymous public reads (mycity.core.public_reads): kept in the cache above until a
# write of their city makes them stale, or this many seconds pass (what changes with time
# alone: a notice that starts, an event that ends); and how long a browser or a shared
# cache in front (nginx) may keep one without asking again (then the ETag makes it a 304).
# PUBLIC_READS_CACHE=false computes every read (the ETag, 304 and headers stay).
PUBLIC_READS_CACHE = env_bool("PUBLIC_READS_CACHE", True)
PUBLIC_READS_TIMEOUT = env_int("PUBLIC_READS_TIMEOUT", 60)
PUBLIC_READS_MAX_AGE = env_int("PUBLIC_READS_MAX_AGE", 1)

# Sessions are read from the cache (Redis in a cluster) and written through to the
# database, so a restarted Redis signs nobody out.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL.startswith(("redis://", "rediss://"))
    else "django.contrib.sessions.backends.db"
)

TASKS_URL = env_str("TASKS_URL", "db://")
TASKS: dict[str, dict[str, object]]
if TASKS_URL == "db://":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_URL == "immediate://":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif TASKS_URL.startswith("redis://"):
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {
        "default": {"URL": TASKS_URL, "QUEUE_CLASS": "mycity.core.task_reclaim.RetryingQueue"}
    }
else:
    raise ImproperlyConfigured("TASKS_URL must be db://, immediate:// or redis://…")

# Who sends a notification's deliveries: a task enqueued for them when their
# transaction commits ("task"), or only the outbox (`mycity deliver_notifications
# --loop`), which polls for due deliveries anyway ("outbox"). With a busy queue the
# outbox is cheaper: one poll sends a batch, where each task costs a worker its
# queue's bookkeeping; a delivery then waits for the next poll (--interval).
NOTIFY_DELIVERY = env_str("NOTIFY_DELIVERY", "task")
if NOTIFY_DELIVERY not in ("task", "outbox"):
    raise ImproperlyConfigured("NOTIFY_DELIVERY must be task or outbox")

# A task running longer than this is taken for abandoned by a worker that went silent
# on another machine, and run again (mycity.core.task_reclaim); no task takes so long.
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 300)

# --- Auth ---------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
ACCOUNT_ADAPTER = "mycity.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
# Residents need no password: they sign up with an e-mail (the password is
# optional) and confirm it with a one-time code, and later sign in with a fresh
# code. Staff sign in with a password and may add TOTP (allauth.mfa). With no
# password field at sign-up allauth would drop it from the sign-in form too.
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# Every password check (the sign-in, re-authentication, the TOTP code) is counted per
# client address and per account in the default cache, which every process shares (see
# CACHES): ten failures a minute from one address, five in five minutes for one account.
# The Django admin has no password form of its own (mycity.accounts.admin).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/h/ip",
    "confirm_email": "1/10s/key",
    "request_login_code": "20/m/ip,3/m/key",
    "reset_password": "20/m/ip,5/m/key",
}
# Behind a reverse proxy every request comes from the proxy's address: the number of
# proxies in front of the app whose X-Forwarded-For entries are trusted for the client's
# address (nginx alone: 1). Without it the per-address limits count the proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "mycity")
# Staff whose roles show residents' personal data must set up TOTP before the console
# opens (mycity.accounts.two_factor). Off only in the demo, whose people sign in with
# one click.
STAFF_TWO_FACTOR = env_bool("STAFF_TWO_FACTOR", not DEMO_MODE)

# A national identity provider (or any OpenID Connect issuer) is switched on by
# setting these three; nothing else in the code changes.
OIDC_SERVER_URL = env_str("OIDC_SERVER_URL")
SOCIALACCOUNT_PROVIDERS: dict = {}
if OIDC_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": env_str("OIDC_PROVIDER_ID", "national-id"),
                "name": env_str("OIDC_PROVIDER_NAME", "National ID"),
                "client_id": env_str("OIDC_CLIENT_ID"),
                "secret": env_str("OIDC_CLIENT_SECRET"),
                "settings": {"server_url": OIDC_SERVER_URL},
            }
        ],
    }
SOCIALACCOUNT_ONLY = False

# --- Internationalisation -----------------------------------------------------

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("be", _("Belarusian")), ("en", _("English"))]
# Dates and times per language from CLDR (Django has no Belarusian formats and
# American English ones).
FORMAT_MODULE_PATH = ["mycity.core.formats"]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
LANGUAGE_COOKIE_NAME = "mycity_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Minsk"

# The periodic jobs the clock (`mycity clock`, mycity.core.clock) hands to the task
# workers: (name, task, cadence). A cadence is "every <minutes>m" or "daily HH:MM" in
# TIME_ZONE. Each job is safe to run twice; the clock runs each slot once however many
# clocks there are.
CLOCK_JOBS: list[tuple[str, str, str]] = [
    ("announce-due-news", "mycity.content.news.announce_due_news_task", "every 5m"),
    ("remind-receptions", "mycity.reception.services.remind_receptions", "every 15m"),
    (
        "close-answered-appeals",
        "mycity.appeals.actions.moves.close_answered_appeals_task",
        "every 30m",
    ),
    ("daily-figures", "mycity.analytics.aggregation.write_closed_days_task", "daily 00:30"),
    (
        "anonymise-closed-appeals",
        "mycity.privacy.retention.anonymise_closed_appeals_task",
        "daily 02:00",
    ),
    ("sweep-orphan-files", "mycity.appeals.orphan_files.sweep_orphan_files_task", "daily 03:00"),
    ("prune-webhook-messages", "mycity.webhooks.retention.prune_old_messages_task", "daily 03:30"),
    ("daily-digests", "mycity.console.digest.send_daily_digests", "daily 07:00"),
    ("due-tomorrow", "mycity.appeals.staff_notices.notify_due_tomorrow_task", "daily 07:30"),
    ("remind-appeals", "mycity.control.reminders.remind_appeals", "daily 08:00"),
]
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# Front-end libraries come from the npm registry (package.json + lock) and are
# served from node_modules; nothing is copied into the repository by hand.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
    # Drawing service areas and boundaries in the console.
    ("vendor/geoman", NODE_MODULES / "@geoman-io" / "leaflet-geoman-free" / "dist"),
]
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files (photos, attachments, scans, pictures) go through Django's storage API:
# local files under MEDIA_ROOT by default, an S3-compatible bucket (SeaweedFS, MinIO, a
# cloud's) when S3_BUCKET is set, so that every web node sees every file. Objects are
# private in the bucket: the app checks permission, then streams a public photo or hands
# out a signed URL that expires after FILES_SIGNED_URL_SECONDS (mycity.core.stored_files).
S3_BUCKET = env_str("S3_BUCKET")
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL")
FILES_SIGNED_URL_SECONDS = env_int("FILES_SIGNED_URL_SECONDS", 60)
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "mycity.core.bucket_storage.BucketStorage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "region_name": env_str("S3_REGION", "us-east-1"),
            "signature_version": "s3v4",
            "addressing_style": "path",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": FILES_SIGNED_URL_SECONDS,
            # A name already taken gets a new one, as on the local disk: never overwrite.
            "file_overwrite": False,
        },
    }
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail -------------------------------------------------------------------

# Mail leaves through a background task so a slow SMTP server never holds a
# request; EMAIL_DELIVERY_BACKEND is what the task finally uses.
EMAIL_BACKEND = "mycity.core.mail.QueuedEmailBackend"
EMAIL_DELIVERY_BACKEND = env_str(
    "EMAIL_DELIVERY_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# For EMAIL_DELIVERY_BACKEND=django.core.mail.backends.filebased.EmailBackend.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "mycity <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -----------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
_oidc_origin = "/".join(OIDC_SERVER_URL.split("/")[:3]) if OIDC_SERVER_URL else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # A private photo's signed URL points at the bucket's host.
        "img-src": [
            "'self'",
            "data:",
            *env_list("CSP_IMG_HOSTS", []),
            *(["/".join(S3_ENDPOINT_URL.split("/")[:3])] if S3_BUCKET and S3_ENDPOINT_URL else []),
        ],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        # Browsers apply form-action to the redirect after a form, so the sign-in
        # form's hop to the identity provider must be allowed.
        "form-action": [
            "'self'",
            *env_list("CSP_FORM_ACTION_HOSTS", []),
            *([_oidc_origin] if _oidc_origin else []),
        ],
    }
}

# --- Request bodies -------------------------------------------------------------
# A body over its path's limit is refused (413) before anything reads it
# (mycity.core.request_limits); nginx's client_max_body_size should be the largest of
# these (docs/security.md). Uploads of appeals carry at most 10 files (an e-appeal's
# attachments; a report takes 5 photos) of at most 20 MB each
# (mycity.appeals.uploads.MAX_FILE_BYTES), plus 1 MB for the fields and the framing; a
# news cover or a place's or event's picture is one such file. The address registry and
# the districts are imported from one file of at most 50 MB (an OpenStreetMap extract of a
# city; a region's goes through the `import_addresses` command). Everything else is small.
_MB = 1024 * 1024
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 1 * _MB)
APPEAL_UPLOAD_MAX_BYTES = env_int("APPEAL_UPLOAD_MAX_BYTES", 10 * 20 * _MB + 1 * _MB)
PICTURE_UPLOAD_MAX_BYTES = env_int("PICTURE_UPLOAD_MAX_BYTES", 20 * _MB + 1 * _MB)
REGISTRY_UPLOAD_MAX_BYTES = env_int("REGISTRY_UPLOAD_MAX_BYTES", 50 * _MB + 1 * _MB)
REQUEST_BODY_LIMITS = [
    # The citizen app: report, e-appeal, the applicant's answers and information.
    (r"^/[^/]+/report/$", APPEAL_UPLOAD_MAX_BYTES),
    (r"^/[^/]+/e-appeal/$", APPEAL_UPLOAD_MAX_BYTES),
    (r"^/my/appeals/\d+/$", APPEAL_UPLOAD_MAX_BYTES),
    # The console: intake scans, answers and other moves with files.
    (r"^/console/[^/]+/intake/$", APPEAL_UPLOAD_MAX_BYTES),
    (r"^/console/[^/]+/appeals/\d+/act$", APPEAL_UPLOAD_MAX_BYTES),
    # The API and Open311: submission, answer, information.
    (r"^/api/v1/cities/[^/]+/appeals$", APPEAL_UPLOAD_MAX_BYTES),
    (r"^/api/v1/appeals/\d+/(answer|information)$", APPEAL_UPLOAD_MAX_BYTES),
    (r"^/open311/v2/requests\.(json|xml)$", APPEAL_UPLOAD_MAX_BYTES),
    # The console's editors: a news cover, a place's or an event's picture.
    (r"^/console/[^/]+/news/(new|\d+/)$", PICTURE_UPLOAD_MAX_BYTES),
    (r"^/console/[^/]+/city/[^/]+/(new|\d+/)$", PICTURE_UPLOAD_MAX_BYTES),
    # The imports of the address registry and of districts, on the console and the API.
    (r"^/console/[^/]+/(addresses|districts)/$", REGISTRY_UPLOAD_MAX_BYTES),
    (r"^/api/v1/cities/[^/]+/staff/(addresses|districts)/import$", REGISTRY_UPLOAD_MAX_BYTES),
]
# What Django's parser allows inside a body the limits let through: the fields besides
# the files (and a whole JSON or form body) take at most the small limit; no form takes
# more than 10 files, so 20 is plenty; Django's 1,000 fields stay.
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# --- Logging --------------------------------------------------------------------

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "mycity.core.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "mycity.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- mycity -------------------------------------------------------------------

# The city shown at "/" to a visitor who has not chosen one; empty shows the chooser.
MYCITY_DEFAULT_CITY = env_str("MYCITY_DEFAULT_CITY", "polotsk")
MYCITY_DEMO_SIGNIN = env_bool("MYCITY_DEMO_SIGNIN", DEBUG)
MYCITY_BENCH_ENDPOINTS = env_bool("MYCITY_BENCH_ENDPOINTS", False)

# --- Appeals ----------------------------------------------------------------------
# The version of the personal-data policy a resident consents to when submitting
# (Law «О защите персональных данных»); recorded with every appeal.
PERSONAL_DATA_POLICY_VERSION = env_str("PERSONAL_DATA_POLICY_VERSION", "2026-01")
# How many appeals one resident may submit an hour (0: no limit).
APPEAL_SUBMISSIONS_PER_HOUR = env_int("APPEAL_SUBMISSIONS_PER_HOUR", 30)
# The site's public address, for links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# The background of every map, unless a city names its own tiles (City.map_tiles_url).
# Empty: maps draw their points without a background (e.g. in a closed network).
MAP_TILES_URL = env_str("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_ATTRIBUTION = env_str(
    "MAP_ATTRIBUTION", '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)

# --- Web Push ---------------------------------------------------------------------
# The VAPID key pair (RFC 8292) that signs pushes: from the environment, or from the
# file `mycity vapid_keys` writes into the var directory (what `make run` does). No
# keys: the Web Push channel reaches no one and the app offers no push.
VAPID_KEYS_FILE = VAR_DIR / "vapid.json"
_vapid_file = json.loads(VAPID_KEYS_FILE.read_text("utf-8")) if VAPID_KEYS_FILE.exists() else {}
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY", _vapid_file.get("public_key", ""))
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY", _vapid_file.get("private_key", ""))
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "mailto:noreply@localhost")
# Browsers' push services, by host suffix: a subscription elsewhere is refused, so the
# worker never posts to an address a resident made up (an internal service, say).
WEBPUSH_ENDPOINT_HOSTS = env_list(
    "WEBPUSH_ENDPOINT_HOSTS",
    [
        "fcm.googleapis.com",
        "push.services.mozilla.com",
        "push.apple.com",
        "notify.windows.com",
    ],
)
WEBPUSH_MAX_PER_USER = 10

# Webhooks (mycity.webhooks): deliveries go only to public addresses over https. Loopback
# (and plain http to it) is for the tests and a demo on one machine: explicit, never on
# by default.
WEBHOOKS_ALLOW_LOOPBACK = env_bool("WEBHOOKS_ALLOW_LOOPBACK", False)
# A CA bundle to trust instead of the system's (a test's throw-away certificate).
WEBHOOKS_CA_FILE = env_str("WEBHOOKS_CA_FILE", "")
# Delivered and given-up webhook messages are deleted after this many days
# (mycity.webhooks.retention, nightly).
WEBHOOK_MESSAGES_KEPT_DAYS = env_int("WEBHOOK_MESSAGES_KEPT_DAYS", 30)
# Calls to organisations' own systems (Open311 out) go only to public https addresses
# (core.outbound). Tests and the two-instance demo on one machine need http on loopback.
OUTBOUND_ALLOW_LOOPBACK = env_bool("OUTBOUND_ALLOW_LOOPBACK", False)
# How often `sync_open311 --loop` (part of `mycity serve --worker`) pulls updates.
OPEN311_PULL_EVERY_S = env_int("OPEN311_PULL_EVERY_S", 300)
