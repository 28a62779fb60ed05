"""The navigation's review counts, read only when a page shows the navigation."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from .selectors import InboxCounts, inbox_counts


def review_counts(request: HttpRequest) -> dict[str, Any]:
    organization = getattr(request, "organization", None)

    # A callable: the template calls it when it renders the navigation, at most once.
    @cache
    def counts() -> InboxCounts | None:
        if organization is None or not request.user.is_authenticated:
            return None
        return inbox_counts(organization, request.user)

    return {"review_counts": counts}
