"""Settings shared by every mode. Environment values are read here and nowhere else."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# Local services started by scripts/portal listen on these loopback ports.
DEFAULT_DATABASE_URL = "postgis://portal:portal@127.0.0.1:54329/eaeu_portal"
DEFAULT_REDIS_URL = "redis://127.0.0.1:63799/0"

SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-change-me-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "corsheaders",
    "rest_framework",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "axes",
    "directory",
    "foresight",
    "clusters",
    "technoparks",
    "projects",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "eaeu_portal.middleware.ContentSecurityPolicyMiddleware",
    "eaeu_portal.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every write in a request is recorded in the history with the user and the URL.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "eaeu_portal.urls"
WSGI_APPLICATION = "eaeu_portal.wsgi.application"

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

# --- Database and cache -------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=DEFAULT_DATABASE_URL)}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
# Persistent connections with a health check, so a restarted PostgreSQL is reconnected to by itself.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default=DEFAULT_REDIS_URL)
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "eaeu",
        "OPTIONS": {
            # A cache outage degrades to the database instead of failing requests.
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
        },
    }
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# --- Celery -------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 30
CELERY_TASK_SOFT_TIME_LIMIT = 60 * 25
CELERY_RESULT_EXPIRES = 60 * 60 * 24
# With Redis down, sending must fail within seconds (the outbox keeps the call), not after twenty retries.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60, "socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 2, "interval_start": 0.2}}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "opendata-imports-cleanup-daily": {"task": "opendata.imports_cleanup", "schedule": crontab(hour=3, minute=15)},
    "matching-full-rebuild-nightly": {
        "task": "clusters.matching_rebuild",
        "schedule": crontab(hour=2, minute=30),
    },
    # Tasks kept in the outbox while Redis was down are sent once it answers again.
    "outbox-drain": {"task": "eaeu_portal.outbox_drain", "schedule": env.float("OUTBOX_DRAIN_SECONDS", default=60)},
}

# --- Authentication -----------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "registration:my-entries"
# Axes first: it refuses a locked-out user before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one account from one address lock that pair out for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_HOURS", default=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# Lock-outs are logged; the start-up banner on every command is not.
AXES_VERBOSE = False

# --- Registration -------------------------------------------------------------
# Links in e-mails (confirmation, password reset) stay valid this long; PASSWORD_RESET_TIMEOUT drives both.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24 * 3)
REGISTRATION_INVITATION_DAYS = env.int("REGISTRATION_INVITATION_DAYS", default=14)
REGISTRATION_LOGO_MAX_BYTES = env.int("REGISTRATION_LOGO_MAX_BYTES", default=2 * 1024 * 1024)
REGISTRATION_LOGO_MAX_PIXELS = 4096 * 4096

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static and media files ---------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- E-mail -------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="registry@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Geometry and maps --------------------------------------------------------
PORTAL_SRID = 4326
# GDAL < 3.9 (Debian 12 ships 3.6) cannot block file and network access from spatial references. The portal never
# builds a spatial reference from user input: every geometry is taken in its one SRID, so the warning does not apply.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
# How far outside its country's boundary a point may lie (coastlines, simplified borders), in metres.
PORTAL_BOUNDARY_TOLERANCE_M = env.int("PORTAL_BOUNDARY_TOLERANCE_M", default=15000)
MAP_TILES_URL = env("MAP_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = env("MAP_TILES_ATTRIBUTION", default="&copy; OpenStreetMap contributors")
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (45.0, 75.0),
    "DEFAULT_ZOOM": 3,
    "MIN_ZOOM": 2,
    "MAX_ZOOM": 18,
    "TILES": [(_("Base map"), MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION, "maxZoom": 18})],
    "ATTRIBUTION_PREFIX": "Leaflet",
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
    "PLUGINS": {
        "markercluster": {
            "css": [
                "vendor/leaflet.markercluster/MarkerCluster.css",
                "vendor/leaflet.markercluster/MarkerCluster.Default.css",
            ],
            "js": "vendor/leaflet.markercluster/leaflet.markercluster.js",
            "auto-include": False,
        },
    },
}

# --- REST API -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["eaeu_portal.api.filters.RegistryFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "eaeu_portal.api.pagination.RegistryPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The key first: its 401 with WWW-Authenticate tells a partner's client where the key goes.
        "eaeu_portal.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["eaeu_portal.api.permissions.RegistryPermission"],
    "DEFAULT_THROTTLE_CLASSES": [
        "eaeu_portal.api.throttling.ApiKeyRateThrottle",
        "eaeu_portal.api.throttling.UserRateThrottle",
        "eaeu_portal.api.throttling.AnonRateThrottle",
    ],
    "DEFAULT_RENDERER_CLASSES": ["eaeu_portal.api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "eaeu_portal.api.errors.exception_handler",
    # No ?format=: one representation per endpoint (GeoJSON has its own routes), and no parameter to mistype.
    "URL_FORMAT_OVERRIDE": None,
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "EAEU and SCO innovation registry API",
    "DESCRIPTION": (
        "Clusters, technoparks and organisations of the EAEU and the SCO, with the reference data they use. "
        "Read access is public (published records only); writes need a signed-in user or an API key with the "
        "read-write scope. Every 4xx answer has the `Error` body. Version 1 is stable: fields may be added, "
        "none removed or changed; a breaking change comes as /api/v2/, announced with a `Deprecation` and a "
        "`Sunset` header on v1 at least 6 months before v1 is withdrawn. The guide with examples is docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "PublicationStatusEnum": "directory.choices.PublicationStatus",
        "OrganisationKindEnum": "directory.choices.OrganisationKind",
        "SectorLevelEnum": "directory.choices.SectorLevel",
        "BlocMembershipStatusEnum": "directory.choices.BlocMembershipStatus",
        "ClusterKindEnum": "clusters.choices.ClusterKind",
        "MembershipRoleEnum": "clusters.choices.MembershipRole",
        "TechnoparkKindEnum": "technoparks.choices.TechnoparkKind",
        "TechnoparkServiceEnum": "technoparks.choices.TechnoparkService",
        "PoolStatusEnum": "technoparks.choices.PoolStatus",
        "PriorityLevelEnum": "foresight.choices.PriorityLevel",
        "SwotKindEnum": "foresight.choices.SwotKind",
        "GoalStatusEnum": "foresight.choices.GoalStatus",
        "ProgrammeKindEnum": "projects.choices.ProgrammeKind",
        "ProjectStageEnum": "projects.choices.ProjectStage",
        "IdeaKindEnum": "projects.choices.IdeaKind",
        "CallKindEnum": "projects.choices.CallKind",
        "ApplicationStatusEnum": "projects.choices.ApplicationStatus",
        "MeetingKindEnum": "technoparks.pool_choices.MeetingKind",
        "MeetingStatusEnum": "technoparks.pool_choices.MeetingStatus",
        "ProposalStatusEnum": "technoparks.pool_choices.ProposalStatus",
        "WorkPlanStatusEnum": "technoparks.pool_choices.WorkPlanStatus",
        "DecisionOutcomeEnum": "technoparks.pool_choices.DecisionOutcome",
        "GisFeatureEnum": ("Feature",),
        "GisFeatureCollectionEnum": ("FeatureCollection",),
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "eaeu_portal.api.schema.postprocess",
    ],
}
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
# Partner front-ends read these from cross-origin responses and send the key and conditional headers.
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "Location"]
CORS_ALLOW_HEADERS = [
    "accept",
    "accept-language",
    "content-type",
    "if-none-match",
    "x-api-key",
    "x-csrftoken",
]
# Session cookies stay first-party: partner front-ends authenticate with keys.
CORS_ALLOW_CREDENTIALS = False

# API-specific settings.
API_KEY_HEADER = "X-API-Key"
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=500)
API_GEOJSON_PAGE_SIZE = 1000
API_GEOJSON_MAX_PAGE_SIZE = env.int("API_GEOJSON_MAX_PAGE_SIZE", default=10000)
# Requests per period ("N/second|minute|hour|day"); a key may carry its own rate. None switches a limit off.
API_THROTTLE_RATES = {
    "anon": env("API_THROTTLE_ANON", default="60/minute"),
    "user": env("API_THROTTLE_USER", default="600/minute"),
    "api_key": env("API_THROTTLE_KEY", default="1200/minute"),
}

# --- Security headers (strict in every mode; production adds HTTPS) -----------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The tile server is the one remote origin pages may load images from.
CONTENT_SECURITY_POLICY = env(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob: https:; connect-src 'self'; font-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
)

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
