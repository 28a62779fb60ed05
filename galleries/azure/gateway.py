"""The gateway: the calls the app makes to Azure for one subscription, and nothing else.

`gateway_for(subscription)` returns an `AzureGateway` (a context manager that closes every
client it built). Its calls answer plain values (JSON dicts, names, counts) and raise one error
type, `AzureCallFailed`, whatever went wrong (sign-in, network, ARM's answer, a secret this
console cannot decrypt, an endpoint not allowed); nothing outside `galleries/azure/` imports
`azure.*`.

The three list calls of a refresh are sent through the compute client's own pipeline:
`send_request` runs each request through the same policies as the SDK's operations (token,
retries with the capped Retry-After, the call meter, timeouts), and errors are raised as the
SDK raises them (ResourceNotFoundError for 404, ARM error codes), but pages are returned as
plain JSON: turning tens of thousands of versions into SDK models first costs about a
millisecond of CPU each, which is what bounded a large refresh. Each page is parsed once, by
the pipeline's ContentDecodePolicy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote

from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    ResourceNotFoundError,
)
from azure.core.pipeline.policies import ContentDecodePolicy
from azure.core.rest import HttpRequest
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.core.exceptions import ARMErrorFormat
from azure.mgmt.network import NetworkManagementClient

from galleries.models import ConnectedSubscription

from .clients import AzureClients, CallMeter, ConnectionSettings, clients_for
from .errors import AzureCallFailed, ListPageFailed
from .graph import SUBSCRIPTIONS_PER_QUERY, query_pages

# The gallery api-version of the pinned azure-mgmt-compute (39.0.0).
GALLERY_API_VERSION = "2026-03-03"
# The virtual network api-version of the pinned azure-mgmt-network (33.1.0).
NETWORK_API_VERSION = "2026-03-01"

_ERRORS: dict[int, type[HttpResponseError]] = {
    401: ClientAuthenticationError,
    404: ResourceNotFoundError,
    409: ResourceExistsError,
}


def _q(name: str) -> str:
    return quote(name, safe="")


def _page(client: ComputeManagementClient | NetworkManagementClient, url: str) -> dict[str, Any]:
    # The pipeline's ContentDecodePolicy has already parsed the page: take its result
    # (the SDK's own operations read it the same way) instead of parsing the text twice.
    answer: Any = client.send_request(HttpRequest("GET", url), _return_pipeline_response=True)
    response = answer.http_response
    if response.status_code != 200:
        error = _ERRORS.get(response.status_code, HttpResponseError)
        raise error(response=response, error_format=ARMErrorFormat)
    body = answer.context.get(ContentDecodePolicy.CONTEXT_NAME)
    if not isinstance(body, dict):
        body = response.json()
    return dict(body)


def _list(
    client: ComputeManagementClient | NetworkManagementClient,
    path: str,
    api_version: str = GALLERY_API_VERSION,
) -> list[dict[str, Any]]:
    """Every item of a paged list. A failure after the first page is a `ListPageFailed`:
    the list had begun, so a 404 there says nothing about whether its parent exists."""
    url: str | None = f"{path}?api-version={api_version}"
    items: list[dict[str, Any]] = []
    page = 1
    while url:
        try:
            body = _page(client, url)
        except AzureError as exc:
            if page == 1:
                raise
            raise ListPageFailed(page, exc) from exc
        items.extend(body.get("value") or [])
        # ARM's nextLink is absolute and carries the api-version; it is followed verbatim.
        url = body.get("nextLink") or None
        page += 1
    return items


T = TypeVar("T")
__all__ = ["SUBSCRIPTIONS_PER_QUERY", "AzureGateway", "gateway_for"]


@contextmanager
def _one_error_type() -> Iterator[None]:
    """Whatever reaching Azure raised becomes `AzureCallFailed` (the cause stays chained)."""
    try:
        yield
    except Exception as exc:
        raise AzureCallFailed.wrapping(exc) from exc


def _state_word(state: Any) -> str:
    # The SDK's SubscriptionState is a str enum: its value is ARM's word.
    return str(getattr(state, "value", state) or "")


class AzureGateway:
    """Azure for one subscription: list and get its galleries, images and versions, read the
    subscription, probe the connection, check a share. Raises only `AzureCallFailed`."""

    def __init__(self, clients: AzureClients) -> None:
        self._clients = clients

    def __enter__(self) -> AzureGateway:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def meter(self) -> CallMeter:
        return self._clients.meter

    @property
    def subscription_id(self) -> str:
        return self._clients.connection.subscription_id

    def _call(self, call: Callable[[], T]) -> T:
        with _one_error_type():
            return call()

    # -- the subscription ---------------------------------------------------------------------
    def sign_in(self) -> None:
        """Get a token from Entra ID (the credential's own verdict)."""
        scope = self._clients.connection.endpoints[2]
        self._call(lambda: self._clients.credential.get_token(scope))

    def subscription_name(self) -> str:
        """Its display name; "" when ARM answers 404 (a missing subscription or one the
        principal may not see: listing its galleries tells the two apart, 404 vs 403)."""
        try:
            subscription = self._call(
                lambda: self._clients.subscriptions.subscriptions.get(self.subscription_id)
            )
        except AzureCallFailed as exc:
            if exc.status != 404:
                raise
            return ""
        return str(subscription.display_name or "")

    def subscription_state(self) -> str:
        """ARM's word for its state: Enabled, Warned, Disabled..."""
        return self._call(
            lambda: _state_word(
                self._clients.subscriptions.subscriptions.get(self.subscription_id).state
            )
        )

    def probe(self) -> tuple[str, int]:
        """Sign in, read the subscription, list its galleries: (display name, gallery count)."""
        self.sign_in()
        name = self.subscription_name()
        return name, len(self.list_galleries())

    # -- galleries, images, versions ----------------------------------------------------------
    def _subscription_path(self, subscription_id: str = "") -> str:
        return f"/subscriptions/{_q(subscription_id or self.subscription_id)}"

    def _gallery_path(self, resource_group: str, gallery: str) -> str:
        return (
            f"{self._subscription_path()}/resourceGroups/{_q(resource_group)}"
            f"/providers/Microsoft.Compute/galleries/{_q(gallery)}"
        )

    def list_galleries(self) -> list[dict[str, Any]]:
        path = f"{self._subscription_path()}/providers/Microsoft.Compute/galleries"
        return self._call(lambda: _list(self._clients.compute, path))

    def get_gallery(self, resource_group: str, gallery: str) -> dict[str, Any]:
        compute = self._clients.compute
        return self._call(lambda: dict(compute.galleries.get(resource_group, gallery).as_dict()))

    def list_images(self, resource_group: str, gallery: str) -> list[dict[str, Any]]:
        path = f"{self._gallery_path(resource_group, gallery)}/images"
        return self._call(lambda: _list(self._clients.compute, path))

    def list_versions(self, resource_group: str, gallery: str, image: str) -> list[dict[str, Any]]:
        path = f"{self._gallery_path(resource_group, gallery)}/images/{_q(image)}/versions"
        return self._call(lambda: _list(self._clients.compute, path))

    def query_inventory(self, subscription_ids: list[str]) -> Iterator[list[dict[str, Any]]]:
        """Galleries, images and versions of `subscription_ids` (at most
        `SUBSCRIPTIONS_PER_QUERY`) through Resource Graph with THIS subscription's credential,
        a page of rows at a time, parents before children. Resource Graph lags ARM and
        silently leaves out subscriptions the principal cannot read (see galleries/refresh/
        graph.py for how a refresh copes)."""
        pages = query_pages(self._clients.graph, subscription_ids)
        while True:
            with _one_error_type():
                page = next(pages, None)
            if page is None:
                return
            yield page

    # -- virtual networks ---------------------------------------------------------------------
    def list_virtual_networks(self) -> list[dict[str, Any]]:
        """Every virtual network of the subscription, each with its subnets (ARM embeds them
        in `properties.subnets`), as plain JSON like the gallery lists."""
        path = f"{self._subscription_path()}/providers/Microsoft.Network/virtualNetworks"
        return self._call(lambda: _list(self._clients.network, path, NETWORK_API_VERSION))

    def read_gallery_in(self, subscription_id: str, resource_group: str, gallery: str) -> None:
        """GET a gallery of another subscription with THIS subscription's credential, exactly
        as a deployment from here would (a share check); raises when it cannot."""
        self._call(
            lambda: self._clients.compute_in(subscription_id).galleries.get(resource_group, gallery)
        )

    def close(self) -> None:
        self._clients.close()


def gateway_for(
    subscription: ConnectedSubscription | ConnectionSettings, meter: CallMeter | None = None
) -> AzureGateway:
    """The gateway for a saved subscription or an unsaved connection; `AzureCallFailed`
    before anything is sent when its secret cannot be read or its endpoint is not allowed."""
    with _one_error_type():
        return AzureGateway(clients_for(subscription, meter))
