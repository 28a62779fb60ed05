"""Which routers the API serves, in URL-matching order (the catch-all 404 last)."""

from __future__ import annotations

from ninja import NinjaAPI

from galleries.api.inventory import router as inventory_router

from ..publish.api import router as publishing_router
from ..reviews.api import router as reviews_router
from .fallback import fallback_router
from .setup import router as setup_router
from .spot_routes import router as spot_router
from .vm_routes import router as vm_router


def register(api: NinjaAPI) -> None:
    routers = (
        vm_router,  # first: /statefulNode/status is a call, not a node named "status"
        spot_router,
        setup_router,
        inventory_router,
        reviews_router,
        publishing_router,
    )
    for router in routers:
        api.add_router("", router)
    api.add_router("", fallback_router)
