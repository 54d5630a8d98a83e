"""OpenDVC settings, read from the environment (12-factor) with safe development defaults.

Every value that differs between a laptop and production comes from an environment variable:
``DATABASE_URL``, ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``MEDIA_ROOT``, ``EMAIL_URL``-style settings…
Without them the embedded defaults apply: SQLite in ``var/``, local files, console e-mail.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django.forms
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(os.environ.get("OPENDVC_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
DEVELOPMENT_SECRET_KEY = "opendvc-development-only-secret-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if SECRET_KEY == DEVELOPMENT_SECRET_KEY and env_bool("OPENDVC_PRODUCTION", False):
    raise ImproperlyConfigured("SECRET_KEY must be set when OPENDVC_PRODUCTION is on.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "opendvc.core",
    "opendvc.accounts",
    "opendvc.agencies",
    "opendvc.catalog",
    "opendvc.audit",
    "opendvc.dossiers",
    "opendvc.notifications",
    "opendvc.dossiers_web",
    "opendvc.forms",
    "opendvc.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Form widgets render with the project's templates, so the few it overrides (web/templates/django/forms/)
# apply; Django's own widget templates come after the apps' templates.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
DJANGO_FORM_TEMPLATES = Path(django.forms.__file__).resolve().parent / "templates"

ROOT_URLCONF = "opendvc.config.urls"
WSGI_APPLICATION = "opendvc.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "opendvc.web.context_processors.site",
            ],
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.app_directories.Loader",
                        ("django.template.loaders.filesystem.Loader", [DJANGO_FORM_TEMPLATES]),
                    ],
                )
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'opendvc.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            " PRAGMA cache_size=-64000; PRAGMA mmap_size=268435456;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "opendvc",
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
    # Sessions are read on every signed-in request: from the shared cache, the database behind it.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "src" / "opendvc" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": os.environ.get("FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 31536000

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "OpenDVC <no-reply@opendvc.local>")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Seconds a web worker trusts its in-memory catalogue search index before checking the
# catalogue's revision in the database again.
CATALOG_INDEX_CHECK_SECONDS = float(os.environ.get("CATALOG_INDEX_CHECK_SECONDS", "2"))
# Where the demo catalogue comes from: the repository's shared sample of the national catalogue.
TTHC_SAMPLE_PATH = Path(
    os.environ.get("TTHC_SAMPLE_PATH", BASE_DIR / "src" / "opendvc" / "catalog" / "data" / "tthc-sample.json")
)

# Notifications: the sender plugin that delivers each channel, and the file the development SMS
# sender ("sms_file") appends to, one JSON line per message.
NOTIFICATION_SENDERS = {
    "email": os.environ.get("NOTIFICATION_EMAIL_SENDER", "email"),
    "sms": os.environ.get("NOTIFICATION_SMS_SENDER", "sms_file"),
}
NOTIFICATION_SMS_FILE = Path(os.environ.get("NOTIFICATION_SMS_FILE", VAR_DIR / "outbox" / "sms.jsonl"))

# The portal's public address, printed on documents read away from the site (the QR code of Form 01).
OPENDVC_PUBLIC_URL = os.environ.get("OPENDVC_PUBLIC_URL", "http://127.0.0.1:8000")

DOSSIER_FORM_VALIDATOR = "opendvc.forms.validation.form_data_validate"

# Background work. Tasks triggered by a request go to the task queue (the database backend by
# default, `manage.py db_worker`; `TASKS_BACKEND` selects another, e.g. an RQ backend at scale).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Jobs on a clock: (name, every seconds, dotted path of a function without arguments); run by
# `manage.py run_periodic_jobs`, which `make run` starts (opendvc.core.periodic).
PERIODIC_JOBS: list[tuple[str, int, str]] = [
    ("attachments_purge_unbound", 3600, "opendvc.dossiers.services.attachment_purge_unbound"),
]
