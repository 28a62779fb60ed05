"""The Spot-compatible JSON API, mounted at the site root (Spot's own paths), docs at /api/docs
(when settings.API_DOCS_ENABLED).

Every answer, including errors, unknown paths and wrong methods, is in Spot's envelope
(console.api_envelope), because Spot's clients parse `response` from every body.
"""

from typing import Any

from django.urls import URLPattern
from ninja import NinjaAPI

from . import handlers
from .fallback import docs_when_enabled, json_not_allowed
from .parsing import SpotJsonParser, refuse_unstorable_input
from .routers import register


class SpotCompatibleAPI(NinjaAPI):
    """A NinjaAPI whose wrong-method answers are JSON too (see fallback.json_not_allowed), and
    whose views refuse a NUL in their path or query in Spot's envelope (parsing)."""

    @property
    def urls(self) -> Any:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = refuse_unstorable_input(json_not_allowed(pattern.callback))
        return patterns, app_name, namespace


api = SpotCompatibleAPI(
    title="Gallery Console API",
    version="1.0",
    description=(
        "Spot-compatible API for Azure stateless groups (`/azure/compute/group`) and stateful "
        "nodes (`/azure/compute/statefulNode`) whose image comes from an Azure Compute Gallery, "
        "with Spot's account and credential setup (`/setup/account`, `/azure/setup/credentials`) "
        "and this console's gallery inventory (`/api/inventory/…`).\n\n"
        "Authenticate with `Authorization: Bearer <API token>`; pass `accountId=act-…` (default: "
        "the organization's oldest account). Success is HTTP 200 with "
        "`{request, response: {status, kind, items, count}}`; errors carry "
        "`response.errors[] = {code, message, field}`.\n\n"
        "Secrets are write-only: `login.password` and `clientSecret` are stored encrypted and "
        "never returned."
    ),
    urls_namespace="api",
    parser=SpotJsonParser(),
    docs_url="/api/docs",
    openapi_url="/api/openapi.json",
    docs_decorator=docs_when_enabled,
)

handlers.install(api)
register(api)
