from django.contrib import admin
from django.urls import include, path

from groups.api import api

from .urls_console import auth_urlpatterns

urlpatterns = [
    # First: the cascade's fragments are the most frequent requests by far, and Django tries
    # the patterns in order (no other one starts with cascade/, so none is shadowed).
    path("cascade/", include("galleries.cascade.urls")),
    *auth_urlpatterns,
    path("", include("console.urls_console")),
    path("", include("galleries.urls")),
    path("", include("groups.urls")),
    path("", include("groups.reviews.urls")),
    path("", include("groups.publish.urls")),
    path("django-admin/", admin.site.urls),
    # Last: Spot's paths (/azure/compute/…, /setup/…) and our own /api/… live at the root.
    path("", api.urls),
]
