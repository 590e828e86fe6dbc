"""Settings, read from the environment (see README "Environment variables").

With no DATABASE_URL the platform runs on SQLite; with no REDIS_URL Celery runs eagerly
and cache/sessions stay local. Production sets both.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_rate, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ZHUANBAN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for the project form renderer below
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "import_export",
    "boards",
    "boards.accounts",
    "alliance",
    "reviews",
    "risksharing",
    "policies",
    "cultivation",
    "roadshows",
]

MIDDLEWARE = [
    "boards.kernel.outage.DatabaseOutageMiddleware",  # first: it turns a database outage anywhere into a 503
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "boards.accounts.middleware.SessionLifetimeMiddleware",  # idle and absolute session expiry
    "django_otp.middleware.OTPMiddleware",
    "boards.kernel.ratelimits.AnonymousThrottleMiddleware",  # anonymous callers, before any other work
    "boards.kernel.inputguard.RejectNulMiddleware",  # a NUL anywhere in the input: 400, never a 500
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "boards.accounts.middleware.SecondFactorMiddleware",  # before any board scope opens
    "boards.kernel.middleware.BoardScopeMiddleware",
]

# `make bench` only: adds the raw-floor views (scripts/bench/urls.py); never set in normal runs.
ROOT_URLCONF = "scripts.bench.urls" if env_bool("ZHUANBAN_BENCH", False) else "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "boards.kernel.context_processors.current_board",
                "boards.kernel.context_processors.navigation",
            ],
        },
    },
]
# Every page's ``{{ form }}``: errors in red under their field (boards/kernel/renderers.py).
FORM_RENDERER = "boards.kernel.renderers.SiteFormRenderer"

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", None, schemes=["postgres", "postgresql", "sqlite"])
CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 0, minimum=0)
if DATABASE_URL:
    # Health checks: a persistent connection broken by a database restart is replaced, not reused.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=CONN_MAX_AGE,
                                                  conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            "OPTIONS": {"timeout": 20},
        }
    }
DATABASES["default"].setdefault("TEST", {})
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["TEST"]["NAME"] = env_str("DATABASE_TEST_NAME", "test_zhuanban")
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
# The role that owns the schema (boards.kernel.dbroles): `migrate` and `flush` log in as it, on the host,
# port and database of DATABASE_URL, whose user is then the runtime role that owns nothing.
DATABASE_OWNER_USER = env_str("DATABASE_OWNER_USER", "")
DATABASE_OWNER_PASSWORD = env_str("DATABASE_OWNER_PASSWORD", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, sessions, broker ---------------------------------------------------
REDIS_URL = env_url("REDIS_URL", None, schemes=["redis", "rediss"])
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "zhuanban"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "zhuanban")
# Redis redelivers a task left unacknowledged by a dead worker (acks_late) after visibility_timeout,
# so it must exceed the longest task; unacked tasks are looked for every restore_interval seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1),
    "unacked_restore_interval": env_int("CELERY_RESTORE_INTERVAL", 10, minimum=1),
    "unacked_restore_throttle": 1,
    "global_keyprefix": env_str("CELERY_KEY_PREFIX", ""),  # several deployments on one Redis
}
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Task modules autodiscovery (tasks.py) does not find.
# Periodic jobs: run by celery beat with Redis, by `manage.py runperiodic` without.
PERIODIC_TASKS = {
    "boards.sweep_deadlines": {"task": "boards.kernel.tasks.sweep_deadlines", "seconds": 60},
    "boards.sequence_evidence": {"task": "boards.kernel.tasks.sequence_evidence",
                                 "seconds": env_int("EVIDENCE_SEQUENCE_SECONDS", 5, minimum=1)},
    "boards.recompute_provisional_deadlines": {
        "task": "boards.kernel.tasks.recompute_provisional_deadlines",
        "seconds": 3600,
    },
    "boards.sweep_orphan_files": {"task": "boards.kernel.tasks.sweep_orphan_files", "seconds": 86400},
    "boards.purge_idempotency_keys": {"task": "boards.kernel.tasks.purge_idempotency_keys", "seconds": 86400},
    "boards.open_due_retier_runs": {"task": "boards.enterprises.tasks.open_due_retier_runs",
                                    "seconds": 86400},
    "alliance.daily": {"task": "alliance.tasks.daily", "seconds": 86400},
    "policies.open_quarter_reports": {"task": "policies.tasks.open_quarter_reports_everywhere",
                                      "seconds": 86400},
    "cultivation.open_report_deadlines": {"task": "cultivation.tasks.open_report_deadlines",
                                          "seconds": 86400},
    "roadshows.send_reminders": {"task": "roadshows.tasks.send_reminders", "seconds": 3600},
    "reviews.replace_silent_experts": {"task": "reviews.tasks.replace_silent_experts_everywhere",
                                       "seconds": 600},
    "accounts.purge_auth_log": {"task": "boards.accounts.tasks.purge_auth_log", "seconds": 86400},
    "boards.open_due_disclosure_deadlines": {
        "task": "boards.enterprises.tasks.open_due_disclosure_deadlines",
        "seconds": 86400,
    },
}

# --- Auth and security ----------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Password policy (boards/accounts/passwords.py): 12+ characters, 3 of 4 character classes, none of
# the last PASSWORD_HISTORY_COUNT passwords.
PASSWORD_HISTORY_COUNT = env_int("PASSWORD_HISTORY_COUNT", 5, minimum=1)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "boards.accounts.passwords.MinimumLengthChineseValidator",
     "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 12, minimum=12)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "boards.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "boards.accounts.passwords.PasswordHistoryValidator"},
]
# Second factor (boards/accounts/secondfactor.py): TOTP for privileged accounts. The demo switch
# ZHUANBAN_DEMO_SKIP_2FA lets `make run` and the tests skip it, and only with DJANGO_DEBUG on: a
# production start (DEBUG off) ignores it.
ZHUANBAN_DEMO_SKIP_2FA = DEBUG and env_bool("ZHUANBAN_DEMO_SKIP_2FA", False)
OTP_TOTP_ISSUER = "专板服务平台"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Sessions (boards/accounts/middleware.py): logged out after SESSION_IDLE_TIMEOUT seconds without a
# request, and SESSION_ABSOLUTE_LIFETIME seconds after the login whatever the activity.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60, minimum=60)
SESSION_ABSOLUTE_LIFETIME = env_int("SESSION_ABSOLUTE_LIFETIME", 12 * 3600, minimum=300)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
# The authentication log (boards/accounts/authlog.py) keeps rows at least 6 months.
AUTH_LOG_RETENTION_DAYS = env_int("AUTH_LOG_RETENTION_DAYS", 183, minimum=183)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "boards.accounts.backends.RolesModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
# Password spraying (one password over many usernames): an address is locked after this many
# failures over any usernames (boards/kernel/lockout.py), higher than the pair's: a NAT shares one address.
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
AXES_HANDLER = "boards.kernel.lockout.AddressAwareHandler"
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # the pair; the address alone: kernel/lockout.py
AXES_CLIENT_IP_CALLABLE = "boards.kernel.ratelimits.client_ip"
# Reverse proxies in front of the platform that append to X-Forwarded-For (docker-compose: nginx, 1).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# Callers who are not logged in, per address (boards/kernel/ratelimits.py): every request, and page POSTs
# (the objection form, the password reset form; logins are left to axes).
ANON_THROTTLE_RATE = env_rate("ANON_THROTTLE_RATE", "120/m")
ANON_POST_THROTTLE_RATE = env_rate("ANON_POST_THROTTLE_RATE", "5/h")
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "workbench-landing"  # the workbench of the board last used

SECURE_COOKIES = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "font-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- I18N ---------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# Chinese only: LocaleMiddleware would otherwise give an English browser a half-English admin.
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads live outside the web root and are only served by views that check rights.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Never routed: uploads are served only by views that check rights.
MEDIA_URL = "/media-is-not-served/"
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
# Office files are zip archives: what they inflate to and how many parts they hold is checked
# before they are stored (a 140 KiB file can inflate to gigabytes).
OOXML_MAX_INFLATED_BYTES = env_int("OOXML_MAX_INFLATED_BYTES", 100 * 1024 * 1024, minimum=1024 * 1024)
OOXML_MAX_ENTRIES = env_int("OOXML_MAX_ENTRIES", 5000, minimum=10)
# Rows an XLSX import reads at most (blank ones included): past it the file is refused.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 5000, minimum=10)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# nginx serves protected files when set (X-Accel-Redirect); otherwise Django streams them.
PROTECTED_FILES_ACCEL_PREFIX = env_str("PROTECTED_FILES_ACCEL_PREFIX", "")
# Files stay on local disk (a volume shared by the web and worker replicas). There is no S3 option:
# it could not be tested against a real S3-compatible server here, so it is not offered, and a
# deployment still setting S3_BUCKET is stopped instead of silently writing to disk.
if env_str("S3_BUCKET", ""):
    raise ImproperlyConfigured("S3_BUCKET is set, but S3 storage is not supported: files are stored under "
                               "MEDIA_ROOT (a shared volume). Unset S3_BUCKET.")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(MEDIA_ROOT)}},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS on a plain connection (port 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # TLS from the first byte (port 465)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other: set one of them.")
if EMAIL_HOST_PASSWORD and not (EMAIL_USE_TLS or EMAIL_USE_SSL or DEBUG):
    raise ImproperlyConfigured("EMAIL_HOST_PASSWORD would cross the network in clear: set EMAIL_USE_TLS "
                               "or EMAIL_USE_SSL.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "zhuanban@localhost")

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "boards.kernel.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["boards.kernel.api.renderers.FastJSONRenderer",
                                 "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_SCHEMA_CLASS": "boards.kernel.api.schema.KernelAutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "boards.kernel.api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "boards.kernel.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "boards.kernel.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["boards.kernel.api.throttling.ApiKeyThrottle",
                                 "boards.kernel.api.throttling.AnonymousThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": env_rate("API_THROTTLE_RATE", "600/m")},
}
# How long an API POST's Idempotency-Key is remembered (boards.kernel.api.idempotency).
API_IDEMPOTENCY_HOURS = env_int("API_IDEMPOTENCY_HOURS", 24, minimum=1)
SPECTACULAR_SETTINGS = {
    "TITLE": "Zhuanban API",
    "DESCRIPTION": "区域性股权市场专板平台 API: boards, enterprises, alliance, reviews, risk sharing.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "DEFAULT_GENERATOR_CLASS": "boards.kernel.api.schema.BoardlessSchemaGenerator",
    # Swagger UI from the local sidecar package: government intranets reach no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # One schema name per choice set used by several fields ("state" of different models).
    "ENUM_NAME_OVERRIDES": {
        "QualificationKindEnum": "boards.models.QualificationKind",
        "FinancingRoundEnum": "boards.models.FinancingRound",
        "ProductTypeEnum": "alliance.models.ProductType",
        "MatchStateEnum": "alliance.models.MatchState",
        "ExitStateEnum": "alliance.models.ExitState",
        "RoundStateEnum": "alliance.models.RoundState",
        "ServiceApplicationStateEnum": "alliance.models.ServiceApplicationState",
        "ReviewKindEnum": "reviews.models.ReviewKind",
        "ReviewCaseStateEnum": "reviews.models.CaseState",
    },
}

# /healthz/ answers only ok/failing, unless the caller is staff or sends this token in the header
# X-Healthz-Token (monitoring); empty: no token opens the details.
HEALTHZ_TOKEN = env_str("HEALTHZ_TOKEN", "")

# --- Filings ------------------------------------------------------------------------------
FILING_FONT_FAMILY = "Noto Sans CJK SC"

# --- Evidence log (boards/kernel/evidence_tree.py; README "Operations") -----------------------
# Tree hash and checkpoint signature: sha256 + ed25519, or sm3 + sm2 (国密). Choose before the
# first entry: a tree is hashed with one function for good.
EVIDENCE_HASH = env_str("EVIDENCE_HASH", "sha256")
EVIDENCE_SIGNATURE = env_str("EVIDENCE_SIGNATURE", "ed25519")
# The signing key (64 hex digits) from EVIDENCE_SIGNING_KEY, or else from the file
# EVIDENCE_SIGNING_KEY_FILE; with DJANGO_DEBUG a missing file is generated (demo only).
EVIDENCE_SIGNING_KEY = env_str("EVIDENCE_SIGNING_KEY", "")
EVIDENCE_SIGNING_KEY_GENERATE = env_bool("EVIDENCE_SIGNING_KEY_GENERATE", DEBUG)
EVIDENCE_SIGNING_KEY_FILE = env_str("EVIDENCE_SIGNING_KEY_FILE", str(VAR_DIR / "evidence-signing.key"))
# Leaves taken per sequencer transaction.
EVIDENCE_SEQUENCE_BATCH = env_int("EVIDENCE_SEQUENCE_BATCH", 5000, minimum=1)
# Without a broker (the SQLite demo) entries are sequenced right after their transaction commits;
# with one, by the periodic task above.
# The anchoring adapter (boards/kernel/anchoring.py): every checkpoint goes to each publisher listed;
# the default appends it to a file. A market adds its own business chain's publisher here.
EVIDENCE_ANCHOR_PUBLISHERS = env_list("EVIDENCE_ANCHOR_PUBLISHERS", ["boards.kernel.anchoring.FilePublisher"])
EVIDENCE_ANCHOR_FILE = env_str("EVIDENCE_ANCHOR_FILE", str(VAR_DIR / "evidence-checkpoints.jsonl"))
EVIDENCE_SEQUENCE_AFTER_COMMIT = env_bool("EVIDENCE_SEQUENCE_AFTER_COMMIT", CELERY_TASK_ALWAYS_EAGER)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}
