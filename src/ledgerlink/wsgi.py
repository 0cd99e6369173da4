"""WSGI entry point for gunicorn (``ledgerlink serve``) or any other WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledgerlink.settings")
application = get_wsgi_application()
