"""Every URL pattern of the console, with the objects it needs and what each viewer must get.

The one catalog of pages, shared by the production walk (gunicorn, DEBUG off), the Chromium
Content-Security-Policy walk and the cross-organization leak walk. `uncovered_url_names()`
lists patterns that are neither here nor excluded with a reason, so a new page cannot be
forgotten: the coverage test fails until it is added.

A viewer is a role (admin, editor, viewer) or None (signed out).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from console.models import Role
from galleries.cascade.selection import FIELDS

from .expectations import (
    Expectation,
    Expected,
    everyone,
    page,
    post_only,
    redirects,
    sign_in_first,
    signed_out_only,
)
from .world import ROLES, Tenant

VIEWERS: tuple[str | None, ...] = (*ROLES, None)

Kwargs = Callable[[Tenant, str | None], dict[str, Any]]


def _no_kwargs(tenant: Tenant, viewer: str | None) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Entry:
    """One request of the walk: a URL pattern (by name), its arguments and what each viewer gets.

    kind: "page" (a full HTML page), "fragment" (an htmx partial, fetched with HX-Request),
    "action" (a form target, not a page) or "json".
    """

    name: str
    expect: Expectation
    kwargs: Kwargs = _no_kwargs
    query: Callable[[Tenant], dict[str, Any]] | None = None
    kind: str = "page"
    label: str = ""
    path: str | None = None  # for an entry that is no URL pattern (the 404 page)

    @property
    def id(self) -> str:
        return self.label or self.name

    @property
    def htmx(self) -> bool:
        return self.kind == "fragment"

    def url(self, tenant: Tenant, viewer: str | None) -> str:
        url = self.path or reverse(self.name, kwargs=self.kwargs(tenant, viewer))
        query = self.query(tenant) if self.query else None
        return f"{url}?{urlencode(query)}" if query else url


def _group(tenant: Tenant, viewer: str | None) -> dict[str, Any]:
    return {"group_id": tenant.group.pk}


def _node(tenant: Tenant, viewer: str | None) -> dict[str, Any]:
    return {"group_id": tenant.node.pk}


def _change(tenant: Tenant, viewer: str | None) -> dict[str, Any]:
    assert tenant.change is not None
    return {"change_id": tenant.change.pk}


def _spot_account(tenant: Tenant, viewer: str | None) -> dict[str, Any]:
    return {"account_id": tenant.account.id}


def _publication(tenant: Tenant, viewer: str | None) -> dict[str, Any]:
    assert tenant.publication is not None
    return {"pk": tenant.publication.pk}


def _subscription(tenant: Tenant, viewer: str | None) -> dict[str, Any]:
    return {"pk": tenant.subscription.pk}


def _own_token(tenant: Tenant, viewer: str | None) -> dict[str, Any]:
    # Everyone may revoke their own token; signed out, the admin's URL is tried.
    return {"pk": tenant.tokens[viewer or Role.ADMIN].pk}


def _removable_member(tenant: Tenant, viewer: str | None) -> dict[str, Any]:
    assert tenant.removable is not None
    return {"pk": tenant.removable.pk}


def _invitation(tenant: Tenant, viewer: str | None) -> dict[str, Any]:
    assert tenant.invitation is not None
    return {"pk": tenant.invitation.pk}


def _invitation_code(tenant: Tenant, viewer: str | None) -> dict[str, Any]:
    return {"code": tenant.invitation_code}


def _cascade_selection(tenant: Tenant) -> dict[str, Any]:
    """The editor's Shared Image choice all the way down, as the cascade's requests carry it."""
    return {
        "group_account": tenant.account.pk,
        "os": "Linux",
        "region": tenant.regions[0],
        "spot_account_id": tenant.account.pk,
        "gallery_resource_group_name": tenant.image.gallery.resource_group.name,
        "gallery_name": tenant.image.gallery.name,
        "image_name": tenant.image.name,
        "version_name": "latest",
    }


def _inventory_filter(tenant: Tenant) -> dict[str, Any]:
    return {"region": tenant.regions[0], "os": "Linux"}


def _cascade_level(key: str) -> Entry:
    return Entry(
        "cascade:level",
        page(),
        kwargs=lambda tenant, viewer: {"key": key},
        query=_cascade_selection,
        kind="fragment",
        label=f"cascade:level[{key}]",
    )


CATALOG: tuple[Entry, ...] = (
    # Sign-in and out, home, health.
    Entry("login", signed_out_only("/")),
    Entry("logout", post_only(None), kind="action"),
    Entry("console:home", redirects(lambda url: "/groups/")),
    # 200 while a worker and beat report in, 503 when not (none runs in this walk).
    Entry("console:healthz", everyone(200, also=503), kind="json"),
    # Settings.
    Entry("console:settings", page()),
    Entry("console:switch_account", post_only(None), kind="action"),
    Entry("console:switch_organization", post_only(None), kind="action"),
    Entry("console:tokens", page()),
    Entry("console:token_create", post_only(None), kind="action"),
    Entry("console:token_revoke", page(), kwargs=_own_token),
    Entry("console:members", page(Role.ADMIN)),
    Entry("console:invitation_create", post_only(None), kind="action"),
    Entry("console:invitation_revoke", post_only(None), kwargs=_invitation, kind="action"),
    # Any signed-in user may open an invitation's link (it is accepted with a POST).
    Entry("console:join", page()),
    Entry("console:join_code", page(), kwargs=_invitation_code),
    Entry("console:member_role", post_only(None), kwargs=_removable_member, kind="action"),
    Entry("console:member_remove", page(Role.ADMIN), kwargs=_removable_member),
    Entry("console:audit", page(Role.ADMIN)),
    Entry("console:accounts", page(Role.ADMIN)),
    Entry("console:account_rename", page(Role.ADMIN), kwargs=_spot_account),
    Entry("console:account_delete", page(Role.ADMIN), kwargs=_spot_account),
    # Inventory.
    Entry("galleries:inventory", page()),
    Entry("galleries:inventory", page(), query=_inventory_filter, label="inventory?region"),
    Entry("galleries:image_search", page()),
    Entry("galleries:network_options", page(), kind="fragment"),
    Entry("galleries:image_search", page(), query=_inventory_filter, label="image_search?region"),
    Entry(
        "galleries:gallery_detail",
        page(),
        kwargs=lambda tenant, viewer: {"pk": tenant.gallery.pk},
    ),
    Entry(
        "galleries:image_detail",
        page(),
        kwargs=lambda tenant, viewer: {"pk": tenant.image.pk},
    ),
    Entry(
        "galleries:image_detail",
        page(),
        kwargs=lambda tenant, viewer: {"pk": tenant.shared_image.pk},
        label="galleries:image_detail[shared]",
    ),
    Entry(
        "galleries:version_detail",
        page(),
        kwargs=lambda tenant, viewer: {"pk": tenant.image.versions.order_by("pk").first().pk},
    ),
    # Settings -> Subscriptions (admins).
    Entry("galleries:subscriptions", page(Role.ADMIN)),
    Entry("galleries:subscription_connect", page(Role.ADMIN)),
    Entry("galleries:subscription_test_unsaved", post_only(Role.ADMIN), kind="action"),
    Entry("galleries:subscription_detail", page(Role.ADMIN), kwargs=_subscription),
    Entry(
        "galleries:subscription_detail",
        page(Role.ADMIN),
        kwargs=lambda tenant, viewer: {"pk": tenant.images_subscription.pk},
        label="galleries:subscription_detail[failed run]",
    ),
    Entry("galleries:subscription_edit", page(Role.ADMIN), kwargs=_subscription),
    Entry(
        "galleries:subscription_test", post_only(Role.ADMIN), kwargs=_subscription, kind="action"
    ),
    Entry("galleries:subscription_status", page(Role.ADMIN), kwargs=_subscription, kind="fragment"),
    Entry(
        "galleries:subscription_refresh",
        post_only(Role.ADMIN),
        kwargs=_subscription,
        kind="action",
    ),
    Entry("galleries:subscription_disconnect", page(Role.ADMIN), kwargs=_subscription),
    Entry(
        "galleries:run_detail",
        page(Role.ADMIN),
        kwargs=lambda tenant, viewer: {
            "pk": tenant.images_subscription.pk,
            "run_pk": tenant.failed_run.pk,
        },
    ),
    # Settings -> Spot (admins), and the sync-state actions on a group (editors).
    Entry("publish:connections", page(Role.ADMIN)),
    Entry("publish:connection", page(Role.ADMIN), kwargs=_spot_account),
    Entry(
        "publish:connection",
        page(Role.ADMIN),
        kwargs=lambda tenant, viewer: {"account_id": tenant.images_account.id},
        label="publish:connection[not connected]",
    ),
    Entry("publish:connection_test", post_only(Role.ADMIN), kwargs=_spot_account, kind="action"),
    # A dry run reads Spot live: the tenants' endpoint is Spot's own API, which the walk can't
    # reach, so the page says that Spot can't be compared now (the node's account publishes).
    Entry("publish:preview", page(), kwargs=_group),
    Entry("publish:connection_remove", page(Role.ADMIN), kwargs=_spot_account),
    Entry("publish:connection_import", post_only(Role.ADMIN), kwargs=_spot_account, kind="action"),
    *(
        Entry(f"publish:{name}", post_only(Role.EDITOR), kwargs=_publication, kind="action")
        for name in ("retry", "republish", "adopt")
    ),
    # The Shared Image cascade: its own page, each level as the editor fetches it, and a
    # level's URL loaded directly (it lands on the cascade page).
    Entry("cascade:browse", page()),
    Entry("cascade:browse", page(), query=_cascade_selection, label="cascade:browse?selection"),
    Entry(
        "cascade:level",
        page(),
        kwargs=lambda tenant, viewer: {"key": "image_name"},
        query=_cascade_selection,
        label="cascade:level[direct]",
    ),
    *(_cascade_level(key) for key in (*FIELDS[1:], "details")),
    Entry(
        "cascade:refresh",
        redirects(lambda url: "/cascade/?" + url.partition("?")[2]),
        query=_cascade_selection,
    ),
    Entry("cascade:share_check", post_only(Role.EDITOR), kind="action"),
    Entry(
        "cascade:refresh_status",
        page(),
        kwargs=lambda tenant, viewer: {"run_id": tenant.succeeded_run.pk},
        query=_cascade_selection,
        kind="fragment",
    ),
    # Groups and nodes.
    Entry("groups:stateless_list", page()),
    Entry("groups:stateless_create", page(Role.EDITOR)),
    Entry("groups:stateless_edit", page(), kwargs=_group),
    Entry(
        "groups:stateless_edit",
        page(),
        kwargs=lambda tenant, viewer: {"group_id": tenant.draft.pk},
        label="groups:stateless_edit[draft]",
    ),
    Entry("groups:stateless_delete", page(Role.EDITOR), kwargs=_group),
    Entry("groups:stateful_list", page()),
    Entry("groups:stateful_create", page(Role.EDITOR)),
    Entry("groups:stateful_edit", page(), kwargs=_node),
    Entry("groups:stateful_delete", page(Role.EDITOR), kwargs=_node),
    Entry("groups:stateless_import", page(Role.EDITOR)),
    Entry("groups:stateful_import", page(Role.EDITOR)),
    Entry("groups:stateless_export", page(), kwargs=_group, kind="json"),
    Entry("groups:stateful_export", page(), kwargs=_node, kind="json"),
    Entry("groups:stateless_clone", post_only(Role.EDITOR), kwargs=_group, kind="action"),
    Entry("groups:stateful_clone", post_only(Role.EDITOR), kwargs=_node, kind="action"),
    *(
        Entry(
            f"groups:{kind}_restore",
            post_only(Role.EDITOR),
            kwargs=lambda tenant, viewer, g=group: {**g(tenant, viewer), "number": 1},
            kind="action",
        )
        for kind, group in (("stateless", _group), ("stateful", _node))
    ),
    Entry("groups:drafts", page()),
    Entry("groups:compare", page(), kwargs=_group),
    # Reviews.
    Entry("reviews:inbox", page()),
    Entry("reviews:change", page(), kwargs=_change),
    Entry("reviews:timeline", page(), kwargs=_group),
    Entry(
        "reviews:step",
        post_only(None),
        kwargs=lambda tenant, viewer: {**_change(tenant, viewer), "step": "comment"},
        kind="action",
    ),
    Entry("reviews:policy", page(Role.ADMIN)),
    # The API's documentation: off in production (DEBUG off, API_DOCS_ENABLED unset), where it
    # answers like any unknown API path. The production walk runs with the defaults.
    Entry("api:openapi-view", everyone(404), kind="json"),
    Entry("api:openapi-json", everyone(404), kind="json"),
    # Django's admin: no role is staff, so its index sends everyone to its own sign-in page.
    Entry("admin:index", lambda viewer, url: sign_in_first(url, "/django-admin/login/")),
    Entry("admin:login", everyone(200)),
    # A path nothing answers.
    Entry("", everyone(404), path="/no-such-page/", label="not-found"),
)

# Namespaces left out of the walk, with the reason.
EXCLUDED_NAMESPACES = {
    "api": "the Spot-compatible JSON API (tests/groups/api); only its docs are pages",
    "admin": "Django's admin, for staff only; its index and sign-in page are walked",
}


@dataclass(frozen=True)
class Visit:
    entry: Entry
    viewer: str | None
    url: str
    expected: Expected
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.entry.id} as {self.viewer or 'signed out'}"


def visits(tenant: Tenant, viewers: tuple[str | None, ...] = VIEWERS) -> Iterator[Visit]:
    """Every entry of the catalog, as each viewer requests it."""
    for entry in CATALOG:
        for viewer in viewers:
            url = entry.url(tenant, viewer)
            headers = {"HX-Request": "true"} if entry.htmx else {}
            yield Visit(entry, viewer, url, entry.expect(viewer, url), headers)


def url_names() -> set[str]:
    """Every named URL pattern (namespace:name), and the route of any unnamed one."""
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str, route: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                walk(
                    pattern.url_patterns,
                    f"{namespace}:{inner}".strip(":") if inner else namespace,
                    route + str(pattern.pattern),
                )
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"(unnamed) {route}{pattern.pattern}"
                names.add(f"{namespace}:{name}" if namespace else name)

    walk(get_resolver().url_patterns, "", "/")
    return names


def uncovered_url_names() -> set[str]:
    covered = {entry.name for entry in CATALOG}
    return {
        name
        for name in url_names()
        if name not in covered and name.split(":")[0] not in EXCLUDED_NAMESPACES
    }
