from django.urls import path

from . import views, views_delete
from .editor import views as editor_views

app_name = "groups"

urlpatterns = [
    path("groups/", views.stateless_list, name="stateless_list"),
    path("groups/new/", editor_views.edit_stateless, name="stateless_create"),
    path("groups/<str:group_id>/", editor_views.edit_stateless, name="stateless_edit"),
    path("groups/<str:group_id>/delete/", views_delete.delete_stateless, name="stateless_delete"),
    path("nodes/", views.stateful_list, name="stateful_list"),
    path("nodes/new/", editor_views.edit_stateful, name="stateful_create"),
    path("nodes/<str:group_id>/", editor_views.edit_stateful, name="stateful_edit"),
    path("nodes/<str:group_id>/delete/", views_delete.delete_stateful, name="stateful_delete"),
    path("drafts/", views.drafts, name="drafts"),
    path("drafts/<str:group_id>/compare/", views.compare, name="compare"),
]
