"""Settings for the test suite: the same as production but for what tests must control."""

import tempfile
from pathlib import Path

from opendvc.config.settings import *  # noqa: F403
from opendvc.config.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "opendvc.sso.hashers.ClientSecretHasher"]
CATALOG_INDEX_CHECK_SECONDS = 0.0
WHITENOISE_AUTOREFRESH = True
NOTIFICATION_SMS_FILE = Path(tempfile.mkdtemp(prefix="opendvc-test-outbox-")) / "sms.jsonl"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}

from opendvc.config.settings import OAUTH2_PROVIDER  # noqa: E402
from opendvc.sso.keys import rsa_private_key_pem  # noqa: E402

# A signing key per test run, and a retired one published beside it (as after a rotation).
OAUTH2_PROVIDER = {
    **OAUTH2_PROVIDER,
    "OIDC_RSA_PRIVATE_KEY": rsa_private_key_pem(),
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [rsa_private_key_pem()],
}
RATE_LIMITS_PER_MINUTE = {"login": 1000, "oidc_token": 1000, "oidc_userinfo": 1000, "population_lookup": 1000}
