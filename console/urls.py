from django.contrib import admin
from django.urls import include, path

from .urls_console import auth_urlpatterns

urlpatterns = [
    *auth_urlpatterns,
    path("", include("console.urls_console")),
    path("", include("galleries.urls")),
    path("", include("groups.urls")),
    path("django-admin/", admin.site.urls),
]
