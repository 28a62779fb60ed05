from django.urls import path

from . import views

app_name = "groups"

urlpatterns: list = []
urlpatterns += [
    path("groups/", views.stateless_list, name="stateless_list"),
    path("nodes/", views.stateful_list, name="stateful_list"),
    path("drafts/", views.drafts, name="drafts"),
]
