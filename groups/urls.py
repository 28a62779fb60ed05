from collections.abc import Callable

from django.urls import URLPattern, path

from . import views, views_copies, views_delete
from .editor import views as editor_views

app_name = "groups"


def _kind_routes(
    kind: str, prefix: str, list_view: Callable, edit_view: Callable, delete_view: Callable
) -> list[URLPattern]:
    """The same pages for each kind: a stateless group's under groups/, a node's under nodes/;
    each route's name is the kind then the page ("stateless_edit")."""
    with_kind = {"kind": kind}
    item = f"{prefix}/<str:group_id>/"
    return [
        path(f"{prefix}/", list_view, name=f"{kind}_list"),
        path(f"{prefix}/new/", edit_view, name=f"{kind}_create"),
        path(f"{prefix}/import/", views_copies.import_json, with_kind, name=f"{kind}_import"),
        path(item, edit_view, name=f"{kind}_edit"),
        path(f"{item}delete/", delete_view, name=f"{kind}_delete"),
        path(f"{item}clone/", views_copies.clone, with_kind, name=f"{kind}_clone"),
        path(f"{item}export/", views_copies.export, with_kind, name=f"{kind}_export"),
        path(
            f"{item}revisions/<int:number>/restore/",
            views_copies.restore,
            with_kind,
            name=f"{kind}_restore",
        ),
    ]


urlpatterns = [
    *_kind_routes(
        "stateless",
        "groups",
        views.stateless_list,
        editor_views.edit_stateless,
        views_delete.delete_stateless,
    ),
    *_kind_routes(
        "stateful",
        "nodes",
        views.stateful_list,
        editor_views.edit_stateful,
        views_delete.delete_stateful,
    ),
    path("drafts/", views.drafts, name="drafts"),
    path("drafts/<str:group_id>/compare/", views.compare, name="compare"),
]
