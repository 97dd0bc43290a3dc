"""WSGI entry point, as gunicorn runs it: `gunicorn sci_tracker.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sci_tracker.settings")
application = get_wsgi_application()
