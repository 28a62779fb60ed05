"""Which routers the API serves, in URL-matching order (the catch-all 404 last)."""

from __future__ import annotations

from ninja import NinjaAPI

from .fallback import fallback_router
from .inventory import router as inventory_router
from .setup import router as setup_router
from .spot_routes import router as spot_router
from .vm_routes import router as vm_router


def register(api: NinjaAPI) -> None:
    for router in (vm_router, spot_router, setup_router, inventory_router):
        api.add_router("", router)
    api.add_router("", fallback_router)
