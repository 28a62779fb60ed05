"""Settings, read from the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from console.database_config import SQLITE, default_database

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)  # local state: SQLite file, embedded broker, beat schedule

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# A development key is only acceptable while debugging; production must bring its own.
_DEV_SECRET_KEY = "django-insecure-dev-only-key-do-not-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "ninja",  # serves Swagger UI's files locally for /api/docs
    "axes",
    "console",
    "galleries",
    "groups",
    "groups.publish",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the policy too: every response has it.
    "console.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "console.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "console.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "console.middleware.TenancyMiddleware",
    # Inside the tenancy (the error pages show the header), outside the views' 404s and 500s.
    "console.middleware.ConsoleErrorPagesMiddleware",
    "console.middleware.BadInputMiddleware",
    # Last, so that a lockout response bypasses the view entirely.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "console.urls"
WSGI_APPLICATION = "console.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The Shared Image cascade keeps its templates and template filter beside its code.
        "DIRS": [BASE_DIR / "templates", BASE_DIR / "galleries" / "cascade" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "libraries": {"cascade_urls": "galleries.cascade.level_urls"},
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "console.context_processors.tenancy",
                "groups.reviews.context_processors.review_counts",
            ],
        },
    },
]

# Widgets (inputs, selects and their options) through Django's Jinja2 templates: the same HTML,
# at about a quarter of the cost; the group editor's fields and region list were a fifth of it.
FORM_RENDERER = "django.forms.renderers.Jinja2"

# How long a write waits for another writer's lock before it fails with "the database was
# busy": SQLite's busy timeout, and PostgreSQL's lock_timeout for the refresh's own writes.
DATABASE_LOCK_TIMEOUT_SECONDS = env.float("DATABASE_LOCK_TIMEOUT_SECONDS", default=20)
DATABASES = {
    "default": default_database(
        env,
        default_url=f"sqlite:///{VAR_DIR / 'console.sqlite3'}",
        lock_timeout=DATABASE_LOCK_TIMEOUT_SECONDS,
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# Prefixes every cache key, so that several consoles (or test runs) can share one Redis database.
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="")
_SQLITE = DATABASES["default"]["ENGINE"] == SQLITE

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "console.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "console_cache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
    if _SQLITE:
        # Every process of a SQLite deployment runs on this machine (they share the database
        # file), so files are a cache they all see, and reading one costs no query.
        CACHES["files"] = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.str("CACHE_DIR", default="") or str(VAR_DIR / "cache"),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
# Every request reads its session and its signed-in user (console.principals), so both are
# cached where every web process sees the same values and a read costs no query: Redis, or
# files on SQLite. PostgreSQL without Redis reads them from the database.
PRINCIPAL_CACHE = "default" if REDIS_URL else ("files" if _SQLITE else None)
# db, cached_db (the database, read through the cache) or cache (the cache alone: faster
# writes, but a Redis restart signs everyone out).
SESSION_STORE = env.str("SESSION_STORE", default="") or ("cached_db" if PRINCIPAL_CACHE else "db")
if SESSION_STORE not in ("db", "cached_db", "cache"):
    raise ImproperlyConfigured("SESSION_STORE must be db, cached_db or cache.")
if SESSION_STORE != "db" and PRINCIPAL_CACHE is None:
    raise ImproperlyConfigured(f"SESSION_STORE={SESSION_STORE} needs REDIS_URL (or SQLite).")
# cached_db is Django's, reading the signed-in user's generation token along with the session.
SESSION_ENGINE = (
    "console.sessions"
    if SESSION_STORE == "cached_db"
    else f"django.contrib.sessions.backends.{SESSION_STORE}"
)
SESSION_CACHE_ALIAS = PRINCIPAL_CACHE or "default"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic gathers the files gunicorn + WhiteNoise serve in production.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Secrets at rest -------------------------------------------------------------------------
# Comma-separated Fernet keys; the first encrypts, all decrypt (rotation: prepend a new key).
_DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LWRvLW5vdC11c2UtISE="
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEY", default=[_DEV_FIELD_KEY] if DEBUG else [])
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be set when DJANGO_DEBUG is off.")

# --- Celery ----------------------------------------------------------------------------------
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Embedded broker: plain files, so a real worker runs with nothing installed.
    for _folder in ("queue", "processed", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(BROKER_DIR / "control"),
        # kombu looks at the folder once a second by default: a second of every targeted
        # refresh's wait (goal: under one). Listing a folder ten times a second costs nothing.
        "polling_interval": 0.1,
    }
else:
    # Longer than the longest task, so acks_late tasks are not redelivered mid-run.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=900)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=840)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A pool process that died is reported (and its task redelivered) after this wait for a result
# it may still have sent; tasks here keep no results, so the 10 s default only delays the
# takeover of a refresh whose process was killed.
CELERY_WORKER_LOST_WAIT = env.float("CELERY_WORKER_LOST_WAIT", default=1.0)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Records its own heartbeat, so /healthz can tell a dead beat from a dead worker.
CELERY_BEAT_SCHEDULER = "console.beat.HeartbeatScheduler"

HEARTBEAT_INTERVAL = timedelta(seconds=env.int("HEARTBEAT_INTERVAL_SECONDS", default=30))
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "worker-heartbeat": {
        "task": "console.tasks.record_worker_heartbeat",
        "schedule": HEARTBEAT_INTERVAL,
        "options": {"expires": HEARTBEAT_INTERVAL.total_seconds()},
    },
}

# --- Publishing to Spot (groups.publish) ------------------------------------------------------
# Every call to Spot's API: seconds to connect and to wait for an answer, retries of a refused
# connection, a 429 or (idempotent calls only) a 5xx, their backoff, and the longest Retry-After
# waited out inside one attempt (a longer one is left to the task's next attempt).
SPOT_API_CONNECT_TIMEOUT = env.float("SPOT_API_CONNECT_TIMEOUT", default=5.0)
SPOT_API_READ_TIMEOUT = env.float("SPOT_API_READ_TIMEOUT", default=30.0)
SPOT_API_RETRIES = env.int("SPOT_API_RETRIES", default=3)
SPOT_API_BACKOFF_SECONDS = env.float("SPOT_API_BACKOFF_SECONDS", default=0.5)
SPOT_API_RETRY_AFTER_MAX = env.float("SPOT_API_RETRY_AFTER_MAX", default=30.0)
# Hosts (`host` or `host:port`) a Spot connection may use besides https://api.spotinst.io: the
# server sends the Spot token there, so an admin may not pick any host. Empty: none.
SPOT_ALLOWED_CUSTOM_HOSTS = env.list("SPOT_ALLOWED_CUSTOM_HOSTS", default=[])
# How often beat compares every published group with its configuration in Spot.
SPOT_DRIFT_CHECK_MINUTES = env.int("SPOT_DRIFT_CHECK_MINUTES", default=15)

# --- Login throttling (django-axes) -----------------------------------------------------------
# A username is locked out from an address after LOGIN_FAILURE_LIMIT failures; the address
# itself after LOGIN_IP_FAILURE_LIMIT failures over any usernames (console.login_throttle).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "console.login_throttle.LoginThrottleHandler"
# Behind reverse proxies, the client's address is in X-Forwarded-For; say how many there are.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "console.login_throttle.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- Security (production) --------------------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG and env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles come only from our own static files:
# no inline <script>, event handler attribute, javascript: URL, eval, <style> or style
# attribute anywhere (htmx is configured in base.html not to need eval or inject styles).
# Inline styles are refused too: they are not needed, and allowing them would let injected
# markup restyle the page or read attributes through CSS selectors. data: images are the SVG
# icons Bootstrap (and Swagger UI) inline in their CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# TLS is terminated by the reverse proxy in front of gunicorn; its redirect and HSTS are
# configured there (see docker-compose.yml), so these two checks are silenced deliberately.
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "filters": {"request_id": {"()": "console.request_context.RequestIdLogFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # azure-core logs request headers at INFO; keep it quiet so nothing sensitive leaks.
        "azure": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # One handler (ours) for Django's loggers, so nothing is printed twice.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # 4xx answers are the user's business, shown in the page; only server errors are logged.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# --- Gallery Console --------------------------------------------------------------------------
# The cloud preselected when connecting a subscription: public, usgov, china or custom.
AZURE_DEFAULT_CLOUD = env.str("AZURE_DEFAULT_CLOUD", default="public")
AZURE_DEFAULT_ARM_ENDPOINT = env.str("AZURE_DEFAULT_ARM_ENDPOINT", default="")
AZURE_DEFAULT_AUTHORITY_HOST = env.str("AZURE_DEFAULT_AUTHORITY_HOST", default="")
AZURE_DEFAULT_CA_BUNDLE = env.str("AZURE_DEFAULT_CA_BUNDLE", default="")
# Hosts (`host` or `host:port`) a custom-cloud connection may use for its ARM endpoint and
# authority; the public, US Government and China clouds are always allowed. Empty: none.
AZURE_ALLOWED_CUSTOM_HOSTS = env.list("AZURE_ALLOWED_CUSTOM_HOSTS", default=[])
INVENTORY_REFRESH_INTERVAL = timedelta(
    minutes=env.int("INVENTORY_REFRESH_INTERVAL_MINUTES", default=15)
)
# Inventory refresh: concurrent ARM calls per subscription, subscriptions refreshed at once.
INVENTORY_REFRESH_CONCURRENCY = env.int("INVENTORY_REFRESH_CONCURRENCY", default=8)
INVENTORY_REFRESH_PARALLEL_SUBSCRIPTIONS = env.int(
    "INVENTORY_REFRESH_PARALLEL_SUBSCRIPTIONS", default=4
)
# Scheduled full refreshes go to the workers in tasks of this many subscriptions (each run
# keeps a heartbeat thread with its own database connection while its chunk is at work).
INVENTORY_REFRESH_CHUNK_SUBSCRIPTIONS = env.int("INVENTORY_REFRESH_CHUNK_SUBSCRIPTIONS", default=20)
# A running refresh renews its lease with a heartbeat every few seconds; a run whose lease has
# run out (a small multiple of the heartbeat) is dead: the next request for that subscription
# (or beat's sweep) marks it failed and starts anew. While SQLite's single writer applies a
# snapshot no heartbeat can be written, so the apply gets a longer lease of its own.
INVENTORY_REFRESH_HEARTBEAT_SECONDS = env.float("INVENTORY_REFRESH_HEARTBEAT_SECONDS", default=3)
INVENTORY_REFRESH_STALE_SECONDS = env.float(
    "INVENTORY_REFRESH_STALE_SECONDS", default=5 * INVENTORY_REFRESH_HEARTBEAT_SECONDS
)
INVENTORY_REFRESH_APPLY_LEASE_SECONDS = env.float(
    "INVENTORY_REFRESH_APPLY_LEASE_SECONDS", default=180
)
# How long a worker keeps retrying the write of a run's outcome (the database busy) before it
# hands the outcome to a retried task; a worker that died mid-run is taken over at most this
# many times before the run is given up.
INVENTORY_REFRESH_OUTCOME_WRITE_SECONDS = env.float(
    "INVENTORY_REFRESH_OUTCOME_WRITE_SECONDS", default=60
)
INVENTORY_REFRESH_OUTCOME_RETRY_SECONDS = env.float(
    "INVENTORY_REFRESH_OUTCOME_RETRY_SECONDS", default=10
)
INVENTORY_REFRESH_MAX_ATTEMPTS = env.int("INVENTORY_REFRESH_MAX_ATTEMPTS", default=3)
# Resource Graph lags ARM by seconds to minutes: for this long after an ARM listing ("Refresh
# now", "Refresh this gallery") created, changed, restored or deleted a cached row, a full
# refresh listed through Resource Graph leaves that row as ARM wrote it (0: no grace).
INVENTORY_GRAPH_LAG_GRACE_SECONDS = env.float("INVENTORY_GRAPH_LAG_GRACE_SECONDS", default=300)
# Refresh runs (the history a subscription's page lists) are deleted this many days after they
# finished, but for each subscription's newest applied one (galleries/refresh/retention.py).
INVENTORY_REFRESH_RUN_RETENTION_DAYS = env.int("INVENTORY_REFRESH_RUN_RETENTION_DAYS", default=30)
# Azure SDK retries and timeouts; a Retry-After longer than the cap fails that branch at once
# (the run is then partial) instead of blocking a worker.
AZURE_RETRY_TOTAL = env.int("AZURE_RETRY_TOTAL", default=3)
AZURE_RETRY_BACKOFF_FACTOR = env.float("AZURE_RETRY_BACKOFF_FACTOR", default=0.5)
AZURE_RETRY_BACKOFF_MAX = env.int("AZURE_RETRY_BACKOFF_MAX", default=8)
AZURE_MAX_RETRY_AFTER_SECONDS = env.int("AZURE_MAX_RETRY_AFTER_SECONDS", default=10)
AZURE_CALL_TIMEOUT_SECONDS = env.int("AZURE_CALL_TIMEOUT_SECONDS", default=90)
AZURE_CONNECT_TIMEOUT_SECONDS = env.int("AZURE_CONNECT_TIMEOUT_SECONDS", default=10)
AZURE_READ_TIMEOUT_SECONDS = env.int("AZURE_READ_TIMEOUT_SECONDS", default=30)
# /api/docs (Swagger UI) and /api/openapi.json: on while debugging (the demo), off by default
# in production, where they would map the API for anyone who can reach it.
API_DOCS_ENABLED = env.bool("API_DOCS_ENABLED", default=DEBUG)
