"""The one settings module of motcua.

Every value a deployment may change is read from the environment and documented in
docs/configuration.md. Defaults are safe for production (DEBUG off, secure cookies behind HTTPS)
and convenient for trying the system (SQLite in ./var). Production mode refuses to start with the
default secret key, because a guessable key lets anyone forge sessions of civil servants.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from motcua import __version__

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("MOTCUA_HOME", Path.cwd())).resolve()
VAR_DIR = BASE_DIR / "var"

INSECURE_DEFAULT_SECRET_KEY = "motcua-insecure-development-key-do-not-use-in-production"  # noqa: S105 (refused in production)
TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no variable; a typo must fail loudly rather than silently mean "no"."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value (use 1/0, true/false, yes/no, on/off).")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from exc


def parse_email_url(url: str) -> dict[str, object]:
    """Turn ``smtp://user:pass@host:587/?tls=1`` (or ``smtps://``, ``console://``) into Django settings."""
    parts = urlsplit(url)
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(f"EMAIL_URL scheme {scheme!r} is not supported (smtp, smtps, console).")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_USE_TLS": options.get("tls", "0").lower() in TRUE_VALUES,
        "EMAIL_TIMEOUT": int(options.get("timeout", "10")),
    }


# --- core -----------------------------------------------------------------------------------------

DEBUG = env_bool("MOTCUA_DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_DEFAULT_SECRET_KEY)
if not DEBUG and SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY and not env_bool("MOTCUA_ALLOW_INSECURE_KEY"):
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Production mode (MOTCUA_DEBUG off) refuses to start with the default "
        "secret key: set SECRET_KEY to a long random value (see docs/configuration.md)."
    )
if len(SECRET_KEY) < 32 and not DEBUG:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long in production mode.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
MOTCUA_VERSION = __version__
MOTCUA_SITE_NAME = os.environ.get("MOTCUA_SITE_NAME", "Hệ thống một cửa điện tử")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "motcua.core",
    "motcua.workcalendar",
    "motcua.organizations",
    "motcua.accounts",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.documents",
    "motcua.payments",
    "motcua.notifications",
    "motcua.reports",
    "motcua.backoffice",
    "motcua.portal",
    "motcua.feedback",
    "motcua.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"
ASGI_APPLICATION = "motcua.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.core.context_processors.site",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))}
except ValueError as exc:  # unknown scheme and the like
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL and a busy timeout let the web server and the task worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts -------------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "motcua.accounts.backends.LockoutModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "motcua.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "backoffice:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
MOTCUA_LOCKOUT_ATTEMPTS = env_int("MOTCUA_LOCKOUT_ATTEMPTS", 5)
MOTCUA_LOCKOUT_MINUTES = env_int("MOTCUA_LOCKOUT_MINUTES", 15)

# --- language and time ----------------------------------------------------------------------------

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["motcua.formats"]  # dd/mm/yyyy input, see formats/vi/formats.py
TIME_ZONE = "Asia/Ho_Chi_Minh"  # fixed: every deadline in the law is Vietnamese local time
USE_I18N = True
USE_TZ = True

# --- static and media -----------------------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Documents (scans, uploads, e-results, receipts): a local folder by default, or any S3-compatible object
# store (MinIO, Ceph, AWS) through django-storages when MOTCUA_S3_BUCKET is set (docs/configuration.md).


def s3_storage(env: dict[str, str]) -> dict[str, object]:
    """The default storage on an S3-compatible store, from MOTCUA_S3_* variables (django-storages 1.14 options);
    a function so the storage tests build exactly this configuration against their own S3 server."""
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env["MOTCUA_S3_BUCKET"],
            "endpoint_url": env.get("MOTCUA_S3_ENDPOINT_URL") or None,
            "access_key": env.get("MOTCUA_S3_ACCESS_KEY") or None,  # None: boto3's own chain (AWS_* env, role)
            "secret_key": env.get("MOTCUA_S3_SECRET_KEY") or None,
            "region_name": env.get("MOTCUA_S3_REGION") or None,
            "location": env.get("MOTCUA_S3_PREFIX", "").strip("/"),  # django-storages refuses a leading "/"
            "default_acl": None,
            "querystring_auth": True,  # files are never public: links are signed and expire
            "querystring_expire": 300,
            "file_overwrite": True,  # names are content addresses (core/files.py): same name, same bytes
            # A client_config replaces the one django-storages would build, so the addressing style goes in
            # it. Checksums only where S3 requires them: boto3 >= 1.36 adds CRC32 trailers to every upload by
            # default, which older MinIO and Ceph RGW releases refuse.
            "client_config": Config(
                s3={"addressing_style": env.get("MOTCUA_S3_ADDRESSING_STYLE") or "path"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        },
    }


if os.environ.get("MOTCUA_S3_BUCKET"):
    _default_storage = s3_storage(dict(os.environ))
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not env_bool("MOTCUA_TESTING")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# What a document file may be (core/files.py): type by the bytes, a size limit per type, an optional
# ClamAV scan ("tcp://127.0.0.1:3310" or a unix socket path); unset means no scan.
MOTCUA_MAX_PDF_MB = env_int("MOTCUA_MAX_PDF_MB", 50)
MOTCUA_MAX_IMAGE_MB = env_int("MOTCUA_MAX_IMAGE_MB", 20)
MOTCUA_CLAMD = os.environ.get("MOTCUA_CLAMD", "")
MOTCUA_CLAMD_TIMEOUT = env_int("MOTCUA_CLAMD_TIMEOUT", 30)
# Retention (docs/documents.md): years after a dossier is closed before its files are purged by
# `motcua purge_documents`; 0 keeps them for ever. Rows, hashes and the reports' counters stay.
MOTCUA_RETENTION_COMPONENT_YEARS = env_int("MOTCUA_RETENTION_COMPONENT_YEARS", 10)
MOTCUA_RETENTION_RESULT_YEARS = env_int("MOTCUA_RETENTION_RESULT_YEARS", 0)
# Uploads larger than this are written to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A file over its limit, or the files of one request over MOTCUA_MAX_REQUEST_MB, are cut off while they
# stream in (core/uploads.py) instead of landing on disk first; the form then says "Tệp … quá lớn".
MOTCUA_MAX_REQUEST_MB = env_int("MOTCUA_MAX_REQUEST_MB", 120)
FILE_UPLOAD_HANDLERS = [
    "motcua.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- email ----------------------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "motcua@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_URL"):
    globals().update(parse_email_url(os.environ["EMAIL_URL"]))
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- notifications (docs/notifications.md) --------------------------------------------------------

# The public address of the site, for links in messages (tracking page): https://dichvucong.example.gov.vn
MOTCUA_SITE_URL = os.environ.get("MOTCUA_SITE_URL", "http://localhost:8000").rstrip("/")
MOTCUA_NOTIFY_FROM = os.environ.get("MOTCUA_NOTIFY_FROM", DEFAULT_FROM_EMAIL)
MOTCUA_NOTIFY_EMAIL_PROVIDER = os.environ.get("MOTCUA_NOTIFY_EMAIL_PROVIDER", "smtp")  # smtp | none
MOTCUA_NOTIFY_SMS_PROVIDER = os.environ.get("MOTCUA_NOTIFY_SMS_PROVIDER", "log")  # log | http | none
MOTCUA_SMS_HTTP_URL = os.environ.get("MOTCUA_SMS_HTTP_URL", "")
MOTCUA_SMS_HTTP_TOKEN = os.environ.get("MOTCUA_SMS_HTTP_TOKEN", "")
MOTCUA_SMS_HTTP_TIMEOUT = env_int("MOTCUA_SMS_HTTP_TIMEOUT", 10)

# --- payments (docs/payments.md) -------------------------------------------------------------------

# Enabled gateway plugins, comma-separated. The sandbox is on by default only in debug and test mode.
MOTCUA_PAYMENT_PROVIDERS = env_list(
    "MOTCUA_PAYMENT_PROVIDERS", "sandbox" if DEBUG or env_bool("MOTCUA_TESTING") else ""
)
INSECURE_DEFAULT_SANDBOX_SECRET = "motcua-sandbox-secret-for-development-only"  # noqa: S105 (refused in production)
MOTCUA_PAYMENT_SANDBOX_SECRET = os.environ.get("MOTCUA_PAYMENT_SANDBOX_SECRET", INSECURE_DEFAULT_SANDBOX_SECRET)
if (
    "sandbox" in MOTCUA_PAYMENT_PROVIDERS
    and MOTCUA_PAYMENT_SANDBOX_SECRET == INSECURE_DEFAULT_SANDBOX_SECRET
    and not DEBUG
    and not env_bool("MOTCUA_TESTING")
    and not env_bool("MOTCUA_ALLOW_INSECURE_KEY")
):
    raise ImproperlyConfigured(
        "MOTCUA_PAYMENT_SANDBOX_SECRET is not set. Production mode refuses to enable the sandbox payment "
        "gateway with the default secret (anyone could forge payments): set a long random value."
    )

# --- citizen portal: external sign-in over OpenID Connect (docs/portal.md) ------------------------

# Off unless a client id and an issuer (or all four endpoints) are set; e.g. VNeID or a provincial SSO.
MOTCUA_OIDC_NAME = os.environ.get("MOTCUA_OIDC_NAME", "VNeID")
MOTCUA_OIDC_ISSUER = os.environ.get("MOTCUA_OIDC_ISSUER", "").rstrip("/")
MOTCUA_OIDC_CLIENT_ID = os.environ.get("MOTCUA_OIDC_CLIENT_ID", "")
MOTCUA_OIDC_CLIENT_SECRET = os.environ.get("MOTCUA_OIDC_CLIENT_SECRET", "")
MOTCUA_OIDC_SCOPES = os.environ.get("MOTCUA_OIDC_SCOPES", "openid profile email phone")
MOTCUA_OIDC_AUTHORIZATION_ENDPOINT = os.environ.get("MOTCUA_OIDC_AUTHORIZATION_ENDPOINT", "")
MOTCUA_OIDC_TOKEN_ENDPOINT = os.environ.get("MOTCUA_OIDC_TOKEN_ENDPOINT", "")
MOTCUA_OIDC_USERINFO_ENDPOINT = os.environ.get("MOTCUA_OIDC_USERINFO_ENDPOINT", "")
MOTCUA_OIDC_JWKS_URI = os.environ.get("MOTCUA_OIDC_JWKS_URI", "")
MOTCUA_OIDC_ID_NUMBER_CLAIM = os.environ.get("MOTCUA_OIDC_ID_NUMBER_CLAIM", "citizen_id")

# --- citizen portal: rating kiosks at the counter (docs/portal.md) -------------------------------------

# Wrong dossier codes one kiosk accepts in the window before it pauses (codes are guessable).
MOTCUA_KIOSK_WRONG_CODES = env_int("MOTCUA_KIOSK_WRONG_CODES", 10)
MOTCUA_KIOSK_WRONG_CODE_MINUTES = env_int("MOTCUA_KIOSK_WRONG_CODE_MINUTES", 10)

# --- security -------------------------------------------------------------------------------------

# Behind a TLS-terminating proxy, set MOTCUA_HTTPS=1: cookies become secure and HSTS is sent.
MOTCUA_HTTPS = env_bool("MOTCUA_HTTPS", False)
SESSION_COOKIE_SECURE = MOTCUA_HTTPS
CSRF_COOKIE_SECURE = MOTCUA_HTTPS
SECURE_SSL_REDIRECT = MOTCUA_HTTPS and env_bool("MOTCUA_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("MOTCUA_HSTS_SECONDS", 31536000) if MOTCUA_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = MOTCUA_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("MOTCUA_BEHIND_PROXY") else None
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("MOTCUA_SESSION_SECONDS", 8 * 3600)  # one working day
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- API ------------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "motcua.api.problems.problem_exception_handler",
    # Public dossier tracking (no login) is rate limited per client IP; see motcua.api.dossiers.views.
    "DEFAULT_THROTTLE_RATES": {
        "public_lookup": os.environ.get("MOTCUA_PUBLIC_LOOKUP_RATE", "30/min"),
        # Feedback (phản ánh, kiến nghị) submissions and votes per client IP; see motcua.feedback.public.
        "feedback_submit": os.environ.get("MOTCUA_FEEDBACK_SUBMIT_RATE", "5/hour"),
        "feedback_vote": os.environ.get("MOTCUA_FEEDBACK_VOTE_RATE", "30/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "motcua API",
    "DESCRIPTION": "API của hệ thống một cửa điện tử motcua (OpenAPI 3).",
    "VERSION": __version__,
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from the installed sidecar package: no CDN on closed government networks.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets used by several dossier API fields get one stable name each in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ResultDeliveryEnum": "motcua.dossiers.models.status.ResultDelivery",
        "DossierChannelEnum": "motcua.dossiers.models.status.DossierChannel",
        "IntakeChannelEnum": "motcua.api.dossiers.serializers.INTAKE_CHANNELS",
        "NotifyChannelEnum": "motcua.api.dossiers.serializers.NOTIFY_CHANNELS",
    },
}

# --- background tasks -----------------------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": os.environ.get("MOTCUA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- documents: OCR and search by words (docs/documents.md) ----------------------------------------

# Attached scans are made searchable in the background (OCRmyPDF + Tesseract, Debian packages tesseract-ocr,
# tesseract-ocr-vie, ghostscript). MOTCUA_OCR_QUEUE=ocr puts that work on its own task queue, for a worker of its
# own (`motcua db_worker --queue-name ocr`) so that long scans never delay notifications.
MOTCUA_OCR_ENABLED = env_bool("MOTCUA_OCR_ENABLED", True)
MOTCUA_OCR_LANGUAGES = os.environ.get("MOTCUA_OCR_LANGUAGES", "vie+eng")
MOTCUA_OCR_JOBS = env_int("MOTCUA_OCR_JOBS", 1)  # pages OCR'd in parallel by one task
MOTCUA_OCR_MAX_PAGES = env_int("MOTCUA_OCR_MAX_PAGES", 100)  # a longer PDF: its first pages only
MOTCUA_OCR_PAGE_TIMEOUT = env_int("MOTCUA_OCR_PAGE_TIMEOUT", 180)  # seconds of Tesseract per page
MOTCUA_OCR_QUEUE = os.environ.get("MOTCUA_OCR_QUEUE", "default")
if MOTCUA_OCR_QUEUE not in TASKS["default"]["QUEUES"]:
    TASKS["default"]["QUEUES"].append(MOTCUA_OCR_QUEUE)

# --- reports (docs/reports.md) ---------------------------------------------------------------------

# Every dossier event queues the refresh of that dossier's daily facts; 0 stops it (then `motcua report rebuild`).
MOTCUA_REPORTS_LIVE = env_bool("MOTCUA_REPORTS_LIVE", True)

# --- logging --------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MOTCUA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # OCRmyPDF and the font subsetter it uses log each page's steps at INFO (dozens of lines a document);
        # motcua.documents logs one line per document.
        "ocrmypdf": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
