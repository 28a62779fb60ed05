"""htmx fragments of the Compute tab's Shared Image cascade (mounted at /cascade/)."""

from django.urls import path

from groups import views_cascade

app_name = "cascade"

urlpatterns = [
    path("", views_cascade.browse, name="browse"),
    path("level/<slug:key>/", views_cascade.level, name="level"),
    path("refresh/", views_cascade.refresh, name="refresh"),
    path("refresh/<int:run_id>/", views_cascade.refresh_status, name="refresh_status"),
]
