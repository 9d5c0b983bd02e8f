"""The WSGI application that `tandem serve` (Granian) serves."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.server.settings")
application = get_wsgi_application()
