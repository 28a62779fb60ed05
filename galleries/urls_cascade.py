"""htmx fragments of the Compute tab's Shared Image cascade."""

from django.urls import path  # noqa: F401

app_name = "cascade"

urlpatterns: list = []
