import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
application = get_wsgi_application()

# Django runs no system checks when a server loads the application: refuse an unsafe
# key here, before the first request (core.checks).
from pathways.core.checks import refuse_unsafe_keys  # noqa: E402

refuse_unsafe_keys()
