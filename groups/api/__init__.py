"""The Spot-compatible JSON API (routers are registered in groups.api.spot_api)."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Gallery Console API",
    version="1.0",
    description="Spot-compatible API for Azure stateless groups and stateful nodes.",
    urls_namespace="api",
    docs_url="/api/docs",
    openapi_url="/api/openapi.json",
)
