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
    # --- identity and single sign-on (sso, e-ID, MFA, lockout, CSP) ---
    "opendvc.sso",  # before the toolkit, so its consent and logout pages are the portal's
    "oauth2_provider",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    # --- end identity ---
    "opendvc.core",
    "opendvc.accounts",
    "opendvc.agencies",
    "opendvc.catalog",
    "opendvc.audit",
    "opendvc.dossiers",
    "opendvc.sync",
    "opendvc.notifications",
    "opendvc.dossiers_web",
    "opendvc.forms",
    "opendvc.population",
    "opendvc.payments",
    "opendvc.reporting",
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
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "opendvc.accounts.middleware.SessionIdleTimeoutMiddleware",
    "opendvc.accounts.middleware.OfficerSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "opendvc.web.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
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
        "BACKEND": "opendvc.core.cache.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
    # Sessions are read on every signed-in request: from the shared cache, the database behind it.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "opendvc.accounts.passwords.OfficerPasswordValidator"},
]
# Passwords of people use Django's slow default; the last hasher only serves OAuth2 client secrets
# (128 random characters), which a slow KDF would not protect better (opendvc.sso.hashers).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "opendvc.sso.hashers.ClientSecretHasher",
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
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
if env_bool("SECURE_PROXY_SSL", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
# Axes counts failed logins and locks the username from that address first (docs/identity.md).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

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
# Whole public pages a web worker keeps in its own memory in front of the shared cache (web.pages):
# at most this many bytes of page bodies, each for at most this many seconds.
PAGE_MEMORY_BYTES = int(os.environ.get("PAGE_MEMORY_BYTES", str(32 * 1024 * 1024)))
PAGE_MEMORY_SECONDS = float(os.environ.get("PAGE_MEMORY_SECONDS", "60"))
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
    ("sync_outbox_send", 30, "opendvc.sync.outbound.outbox_send_job"),
    ("payments_pending_resolve", 120, "opendvc.payments.services.payments_pending_resolve_job"),
    ("payments_outbound", 60, "opendvc.payments.outbound.payments_outbound_job"),
]

# --- Identity and single sign-on (docs/identity.md) ------------------------------------------------
from opendvc.sso.keys import oidc_signing_keys  # noqa: E402

# Minutes without a request after which a session ends: officers sooner than the public.
SESSION_IDLE_MINUTES = {
    "officer": int(os.environ.get("OPENDVC_OFFICER_IDLE_MINUTES", "15")),
    "other": int(os.environ.get("OPENDVC_IDLE_MINUTES", "30")),
}

# django-axes: five wrong passwords (or one-time codes) lock that username from that address for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("OPENDVC_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("OPENDVC_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "opendvc.accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

# Requests a minute per client address (or client id, account) on the endpoints attackers hammer.
RATE_LIMITS_PER_MINUTE = {
    "login": int(os.environ.get("OPENDVC_RATE_LOGIN", "20")),
    "oidc_token": int(os.environ.get("OPENDVC_RATE_OIDC_TOKEN", "120")),
    "oidc_userinfo": int(os.environ.get("OPENDVC_RATE_OIDC_USERINFO", "600")),
    "population_lookup": int(os.environ.get("OPENDVC_RATE_POPULATION", "10")),
}

# The portal as an OpenID Connect provider (django-oauth-toolkit). The issuer is the site's origin
# (OPENDVC_OIDC_ISSUER, else the request's); signing keys rotate with `manage.py oidc_rotate_keys`.
_OIDC_ACTIVE_KEY, _OIDC_INACTIVE_KEYS = oidc_signing_keys(VAR_DIR / "sso" / "keys")
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": os.environ.get("OPENDVC_OIDC_ISSUER", ""),
    "OIDC_RSA_PRIVATE_KEY": _OIDC_ACTIVE_KEY,
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": _OIDC_INACTIVE_KEYS,
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OAUTH2_VALIDATOR_CLASS": "opendvc.sso.validators.PortalOIDCValidator",
    "SCOPES_BACKEND_CLASS": "opendvc.sso.scopes.PortalScopes",
    "SCOPES": {},
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if not env_bool("OPENDVC_PRODUCTION", False) else ["https"],
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 600,
    "ID_TOKEN_EXPIRE_SECONDS": 600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REQUEST_APPROVAL_PROMPT": "auto",
    "CLIENT_SECRET_HASHER": "odvc_client_secret",
    "ERROR_RESPONSE_WITH_SCOPES": False,
    # OAuth 2.0 Security Best Current Practice (RFC 9700): no implicit or password grant, PKCE S256
    # only, tokens never in query strings, the issuer in every authorization response (RFC 9207).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

# Reference peers listen on PORT + their offset (reference/registry.py) unless their address is given.
_PORT = int(os.environ.get("PORT", "8000"))

# The national e-ID provider the portal relies on for citizens' login (OpenID Connect, Authlib).
OPENDVC_EID_URL = os.environ.get("OPENDVC_EID_URL", f"http://127.0.0.1:{_PORT + 1}")
EID_CLIENT_ID = os.environ.get("OPENDVC_EID_CLIENT_ID", "opendvc-portal")
EID_CLIENT_SECRET = os.environ.get("OPENDVC_EID_CLIENT_SECRET", "opendvc-portal-development-secret")
EID_SCOPES = "openid profile personal_id phone email address"
# The population database (CSDL quốc gia về dân cư), asked with the citizen's consent.
OPENDVC_POPULATION_URL = os.environ.get("OPENDVC_POPULATION_URL", f"http://127.0.0.1:{_PORT + 2}")
POPULATION_CLIENT = os.environ.get("OPENDVC_POPULATION_CLIENT", "reference")
POPULATION_API_KEY = os.environ.get("OPENDVC_POPULATION_API_KEY", "opendvc-population-development-key")
# The reference connected portal, whose demo client the demo data registers.
OPENDVC_CONNECTED_PORTAL_URL = os.environ.get("OPENDVC_CONNECTED_PORTAL_URL", f"http://127.0.0.1:{_PORT + 3}")
# The national portal OpenDVC pushes its own dossiers to (DVCQG protocol; the reference one by default).
OPENDVC_NATIONAL_PORTAL_URL = os.environ.get("OPENDVC_NATIONAL_PORTAL_URL", f"http://127.0.0.1:{_PORT + 6}")
NATIONAL_PORTAL_USERNAME = os.environ.get("NATIONAL_PORTAL_USERNAME", "opendvc")
NATIONAL_PORTAL_PASSWORD = os.environ.get("NATIONAL_PORTAL_PASSWORD", "opendvc-national-development-secret")
# The unit code (madonvi) OpenDVC sends as; empty sends each dossier's own agency.
NATIONAL_PORTAL_UNIT = os.environ.get("NATIONAL_PORTAL_UNIT", "")
# Outbound sending: records per call, the first retry delay and the longest one (exponential backoff).
SYNC_OUTBOX_BATCH = int(os.environ.get("OPENDVC_SYNC_OUTBOX_BATCH", "500"))
SYNC_OUTBOX_RETRY_SECONDS = int(os.environ.get("OPENDVC_SYNC_OUTBOX_RETRY_SECONDS", "5"))
SYNC_OUTBOX_RETRY_MAX_SECONDS = int(os.environ.get("OPENDVC_SYNC_OUTBOX_RETRY_MAX_SECONDS", "600"))

# --- Payments (docs/payments.md) ---------------------------------------------------------------------
OPENDVC_PAYMENT_GATEWAY_URL = os.environ.get("OPENDVC_PAYMENT_GATEWAY_URL", f"http://127.0.0.1:{_PORT + 4}")
OPENDVC_OBLIGATIONS_URL = os.environ.get("OPENDVC_OBLIGATIONS_URL", f"http://127.0.0.1:{_PORT + 5}")
OBLIGATIONS_API_KEY = os.environ.get("OPENDVC_OBLIGATIONS_API_KEY", "opendvc-obligations-development-key")
# Which providers each agency offers (agency code → names, "*" for every other agency), e.g.
# OPENDVC_PAYMENT_PROVIDERS="*=sandbox,national,vnpay,vietqr;G01.79=national,vietqr".
PAYMENT_PROVIDERS: dict[str, list[str]] = {
    code.strip(): [name.strip() for name in names.split(",") if name.strip()]
    for code, _, names in (
        entry.partition("=")
        for entry in os.environ.get("OPENDVC_PAYMENT_PROVIDERS", "*=sandbox,national,vnpay,vietqr").split(";")
        if entry.strip()
    )
}
# Minutes an order stays open at each provider; bank transfers take longer to arrive.
PAYMENT_ORDER_MINUTES = {"*": 15, "vietqr": int(os.environ.get("OPENDVC_VIETQR_ORDER_MINUTES", str(3 * 24 * 60)))}
# An open order is asked about (QUERY) once it is this old and its callback has not come.
PAYMENT_QUERY_AFTER_SECONDS = int(os.environ.get("OPENDVC_PAYMENT_QUERY_AFTER_SECONDS", "60"))
# Refunds and reports to an obligation's source not yet acknowledged are sent again after this delay,
# doubled per attempt up to the maximum.
PAYMENT_OUTBOUND_RETRY_SECONDS = int(os.environ.get("OPENDVC_PAYMENT_OUTBOUND_RETRY_SECONDS", "60"))
PAYMENT_OUTBOUND_RETRY_MAX_SECONDS = int(os.environ.get("OPENDVC_PAYMENT_OUTBOUND_RETRY_MAX_SECONDS", "3600"))
PAYMENT_SANDBOX_MERCHANT = os.environ.get("OPENDVC_SANDBOX_MERCHANT", "OPENDVC")
PAYMENT_SANDBOX_SECRET = os.environ.get("OPENDVC_SANDBOX_SECRET", "opendvc-sandbox-development-secret")
PAYMENT_PP_PARTNER = os.environ.get("OPENDVC_PP_PARTNER", "OPENDVC")
PAYMENT_PP_SECRET = os.environ.get("OPENDVC_PP_SECRET", "opendvc-pp-development-secret")
PAYMENT_PP_TOKEN = os.environ.get("OPENDVC_PP_TOKEN", "opendvc-pp-development-token")
VNPAY_TMN_CODE = os.environ.get("OPENDVC_VNPAY_TMN_CODE", "ODVC0001")
VNPAY_HASH_SECRET = os.environ.get("OPENDVC_VNPAY_HASH_SECRET", "opendvc-vnpay-development-secret")
# The account VietQR transfers go to (bank BIN of NAPAS, account number, holder).
VIETQR_ACCOUNT = {
    "bin": os.environ.get("OPENDVC_VIETQR_BIN", "970415"),
    "number": os.environ.get("OPENDVC_VIETQR_ACCOUNT", "113366668888"),
    "name": os.environ.get("OPENDVC_VIETQR_ACCOUNT_NAME", "KHO BAC NHA NUOC - THU NGAN SACH"),
    "bank": os.environ.get("OPENDVC_VIETQR_BANK", "VietinBank"),
}

# Content-Security-Policy: nothing inline, nothing from another origin (django-csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# --- end identity ---
