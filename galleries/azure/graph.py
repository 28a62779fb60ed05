"""Azure Resource Graph: one paged query lists galleries, images and versions across many
subscriptions (the bulk listing of a full refresh; `AzureGateway.query_inventory`).

The client is azure-mgmt-resourcegraph's, built with the same credential, retries (a 429's
Retry-After waited out when short) and call meter as the ARM clients. Pages are read as plain
JSON through the client's pipeline (`_send_request`), not as SDK models: a model per row
costs CPU the refresh does not need. Resource Graph's per-user quota is honoured before it
is exceeded: when an answer says no query is left (`x-ms-user-quota-remaining: 0`), the next
query waits until the window resets (`x-ms-user-quota-resets-after`).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

from azure.core.exceptions import AzureError, HttpResponseError
from azure.core.pipeline import PipelineRequest, PipelineResponse
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.core.rest import HttpRequest
from azure.mgmt.core.exceptions import ARMErrorFormat
from azure.mgmt.resourcegraph import ResourceGraphClient
from django.conf import settings

from .errors import ListPageFailed

# What azure-mgmt-resourcegraph 8.0.1 (pinned) sends.
GRAPH_API_VERSION = "2021-03-01"
GRAPH_PATH = "/providers/Microsoft.ResourceGraph/resources"
ROWS_PER_PAGE = 1000  # Resource Graph's maximum $top (INVENTORY_GRAPH_PAGE_ROWS may lower it)
SUBSCRIPTIONS_PER_QUERY = 1000  # Resource Graph's maximum scope of one query
# The combined query: in id order a gallery comes before its images, an image before its
# versions (azure_sandbox/README.md "Azure Resource Graph" serves exactly this text).
INVENTORY_QUERY = """resources
| where type in~ ('microsoft.compute/galleries', 'microsoft.compute/galleries/images',
                  'microsoft.compute/galleries/images/versions')
| project id, name, type, subscriptionId, resourceGroup, location, tags, properties
| order by id asc"""
GALLERY_TYPE = "microsoft.compute/galleries"
IMAGE_TYPE = "microsoft.compute/galleries/images"
VERSION_TYPE = "microsoft.compute/galleries/images/versions"


def _duration(text: str) -> float:
    """`hh:mm:ss` (Resource Graph's resets-after) in seconds; 0 when unreadable."""
    try:
        hours, minutes, seconds = text.split(":")
        return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    except ValueError:
        return 0.0


class QuotaPacer(SansIOHTTPPolicy):
    """Waits before a query while the last answer said the user quota is spent."""

    def __init__(self, max_wait: float) -> None:
        self._lock = threading.Lock()
        self._resume_at = 0.0
        self.max_wait = max_wait
        self.waited = 0.0

    def on_request(self, request: PipelineRequest) -> None:
        with self._lock:
            pause = min(self._resume_at - time.monotonic(), self.max_wait)
        if pause > 0:
            time.sleep(pause)
            with self._lock:
                self.waited += pause

    def on_response(self, request: PipelineRequest, response: PipelineResponse) -> None:
        headers = response.http_response.headers
        remaining = headers.get("x-ms-user-quota-remaining")
        if remaining is None or remaining.strip() != "0":
            return
        resets = _duration(headers.get("x-ms-user-quota-resets-after", ""))
        with self._lock:
            self._resume_at = max(self._resume_at, time.monotonic() + resets)


def graph_client(
    credential: Any, base_url: str, scope: str, options: dict[str, Any]
) -> ResourceGraphClient:
    """A Resource Graph client on the ARM endpoint, its pacer after the retry policy."""
    options = dict(options)
    pacer = QuotaPacer(max_wait=float(options["retry_policy"].max_retry_after))
    options["per_retry_policies"] = [*options.get("per_retry_policies", []), pacer]
    return ResourceGraphClient(credential, base_url=base_url, credential_scopes=[scope], **options)


def _query_page(
    client: ResourceGraphClient, subscriptions: list[str], token: str | None
) -> dict[str, Any]:
    top = int(getattr(settings, "INVENTORY_GRAPH_PAGE_ROWS", ROWS_PER_PAGE))
    options: dict[str, Any] = {"$top": top, "resultFormat": "objectArray"}
    if token:
        options["$skipToken"] = token
    request = HttpRequest(
        "POST",
        GRAPH_PATH,
        params={"api-version": GRAPH_API_VERSION},
        json={"subscriptions": subscriptions, "query": INVENTORY_QUERY, "options": options},
    )
    # The client's raw call in 8.0.1 (later generators name it send_request). Streamed, so
    # that the pipeline does not decode the JSON body too: a page is decoded once, here.
    response = client._send_request(request, stream=True)
    body = response.read()
    if response.status_code != 200:
        raise HttpResponseError(response=response, error_format=ARMErrorFormat)
    return dict(json.loads(body))


def query_pages(
    client: ResourceGraphClient, subscriptions: list[str]
) -> Iterator[list[dict[str, Any]]]:
    """The inventory rows of `subscriptions` (at most SUBSCRIPTIONS_PER_QUERY), a page at a
    time, following skip tokens. A failure on the first page raises as the SDK raised it; on
    a later page, `ListPageFailed` (rows already yielded stand, the rest is unknown)."""
    if len(subscriptions) > SUBSCRIPTIONS_PER_QUERY:
        raise ValueError(f"At most {SUBSCRIPTIONS_PER_QUERY} subscriptions per query.")
    token: str | None = None
    page = 1
    while True:
        try:
            answer = _query_page(client, subscriptions, token)
        except AzureError as exc:
            if page == 1:
                raise
            raise ListPageFailed(page, exc) from exc
        yield list(answer.get("data") or [])
        token = answer.get("$skipToken") or None
        if not token:
            return
        page += 1
