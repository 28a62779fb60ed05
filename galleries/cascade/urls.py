"""htmx fragments of the Compute tab's Shared Image cascade (mounted at /cascade/)."""

from django.urls import path

from . import views

app_name = "cascade"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("level/<slug:key>/", views.level, name="level"),
    path("refresh/", views.refresh, name="refresh"),
    path("share-check/", views.share_check, name="share_check"),
    path("refresh/<int:run_id>/", views.refresh_status, name="refresh_status"),
]
