import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
application = get_wsgi_application()
# Import the URL configuration (and with it the API's schemas) as each worker starts, rather
# than during the first request it serves, which would otherwise wait a second or more.
get_resolver().url_patterns  # noqa: B018
