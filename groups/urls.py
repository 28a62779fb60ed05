from django.urls import path

from . import views, views_copies, views_delete
from .editor import views as editor_views

app_name = "groups"

STATELESS = {"kind": "stateless"}
STATEFUL = {"kind": "stateful"}

urlpatterns = [
    path("groups/", views.stateless_list, name="stateless_list"),
    path("groups/new/", editor_views.edit_stateless, name="stateless_create"),
    path("groups/import/", views_copies.import_json, STATELESS, name="stateless_import"),
    path("groups/<str:group_id>/", editor_views.edit_stateless, name="stateless_edit"),
    path("groups/<str:group_id>/delete/", views_delete.delete_stateless, name="stateless_delete"),
    path("groups/<str:group_id>/clone/", views_copies.clone, STATELESS, name="stateless_clone"),
    path("groups/<str:group_id>/export/", views_copies.export, STATELESS, name="stateless_export"),
    path(
        "groups/<str:group_id>/revisions/<int:number>/restore/",
        views_copies.restore,
        STATELESS,
        name="stateless_restore",
    ),
    path("nodes/", views.stateful_list, name="stateful_list"),
    path("nodes/new/", editor_views.edit_stateful, name="stateful_create"),
    path("nodes/import/", views_copies.import_json, STATEFUL, name="stateful_import"),
    path("nodes/<str:group_id>/", editor_views.edit_stateful, name="stateful_edit"),
    path("nodes/<str:group_id>/delete/", views_delete.delete_stateful, name="stateful_delete"),
    path("nodes/<str:group_id>/clone/", views_copies.clone, STATEFUL, name="stateful_clone"),
    path("nodes/<str:group_id>/export/", views_copies.export, STATEFUL, name="stateful_export"),
    path(
        "nodes/<str:group_id>/revisions/<int:number>/restore/",
        views_copies.restore,
        STATEFUL,
        name="stateful_restore",
    ),
    path("drafts/", views.drafts, name="drafts"),
    path("drafts/<str:group_id>/compare/", views.compare, name="compare"),
]
