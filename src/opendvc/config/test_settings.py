"""Settings for the test suite: the same as production but for what tests must control."""

import tempfile
from pathlib import Path

from opendvc.config.settings import *  # noqa: F403
from opendvc.config.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CATALOG_INDEX_CHECK_SECONDS = 0.0
WHITENOISE_AUTOREFRESH = True
NOTIFICATION_SMS_FILE = Path(tempfile.mkdtemp(prefix="opendvc-test-outbox-")) / "sms.jsonl"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
