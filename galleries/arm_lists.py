"""The three list calls of a refresh, sent through the compute client's own pipeline.

`ComputeManagementClient.send_request` runs each request through the same policies as the
SDK's operations (token, retries with the capped Retry-After, the call meter, timeouts), and
errors are raised as the SDK raises them (ResourceNotFoundError for 404, ARM error codes), but
pages are returned as plain JSON: turning tens of thousands of versions into SDK models first
costs about a millisecond of CPU each, which is what bounded a large refresh. Each page is
parsed once, by the pipeline's ContentDecodePolicy.
"""

from __future__ import annotations

from typing import Any
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

from .errors import ListPageFailed

# The gallery api-version of the pinned azure-mgmt-compute (39.0.0).
GALLERY_API_VERSION = "2026-03-03"

_ERRORS: dict[int, type[HttpResponseError]] = {
    401: ClientAuthenticationError,
    404: ResourceNotFoundError,
    409: ResourceExistsError,
}


def _q(name: str) -> str:
    return quote(name, safe="")


def _page(client: ComputeManagementClient, url: str) -> dict[str, Any]:
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


def _list(client: ComputeManagementClient, path: str) -> list[dict[str, Any]]:
    """Every item of a paged list. A failure after the first page is a `ListPageFailed`:
    the list had begun, so a 404 there says nothing about whether its parent exists."""
    url: str | None = f"{path}?api-version={GALLERY_API_VERSION}"
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


def _subscription(client: ComputeManagementClient) -> str:
    return f"/subscriptions/{_q(client._config.subscription_id)}"


def list_galleries(client: ComputeManagementClient) -> list[dict[str, Any]]:
    return _list(client, f"{_subscription(client)}/providers/Microsoft.Compute/galleries")


def _gallery_path(client: ComputeManagementClient, resource_group: str, gallery: str) -> str:
    return (
        f"{_subscription(client)}/resourceGroups/{_q(resource_group)}"
        f"/providers/Microsoft.Compute/galleries/{_q(gallery)}"
    )


def list_images(
    client: ComputeManagementClient, resource_group: str, gallery: str
) -> list[dict[str, Any]]:
    return _list(client, f"{_gallery_path(client, resource_group, gallery)}/images")


def list_versions(
    client: ComputeManagementClient, resource_group: str, gallery: str, image: str
) -> list[dict[str, Any]]:
    path = f"{_gallery_path(client, resource_group, gallery)}/images/{_q(image)}/versions"
    return _list(client, path)
