import importlib
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opendvc.config.settings")

application = get_wsgi_application()

# Import the URL configuration, and with it every view and the API schema, now: gunicorn preloads
# the application in its master (gunicorn.conf.py), so workers fork warm instead of each spending
# about two seconds on its first request.
importlib.import_module(settings.ROOT_URLCONF)
