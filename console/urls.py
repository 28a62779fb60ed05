from django.contrib import admin
from django.urls import include, path

from groups.api import api

from .urls_console import auth_urlpatterns

urlpatterns = [
    *auth_urlpatterns,
    path("", include("console.urls_console")),
    path("", include("galleries.urls")),
    path("cascade/", include("galleries.cascade.urls")),
    path("", include("groups.urls")),
    path("", include("groups.reviews.urls")),
    path("", include("groups.publish.urls")),
    path("django-admin/", admin.site.urls),
    # Last: Spot's paths (/azure/compute/…, /setup/…) and our own /api/… live at the root.
    path("", api.urls),
]
