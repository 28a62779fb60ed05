"""Role checks shared by views and the API: admin > editor > viewer."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .models import Role


def has_role(request: HttpRequest, role: str) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and membership.has_role(role)


def role_required(role: str = Role.VIEWER) -> Callable[..., Any]:
    """View decorator: a signed-in member of an organization with at least `role`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request, role):
                raise PermissionDenied(f"This needs the {role} role.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
