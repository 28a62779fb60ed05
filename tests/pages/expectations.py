"""What a viewer (a role, or None: signed out) gets from a page of the catalog: `Expected`, and
the expectations an entry names (page, redirects, post_only, everyone, signed_out_only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from console.models import Role

RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3}


@dataclass(frozen=True)
class Expected:
    status: int
    location: str | None = None  # for a redirect: its exact Location
    also: int | None = None  # a second acceptable status (health: 503 while no worker runs)

    def __str__(self) -> str:
        return f"{self.status} -> {self.location}" if self.location else str(self.status)

    def matches(self, status: int, location: str | None) -> bool:
        return status in (self.status, self.also) and location == self.location


# What a viewer gets from one entry, given the URL requested (path and query).
Expectation = Callable[[str | None, str], Expected]


def sign_in_first(url: str, login: str = "/login/") -> Expected:
    """Django's redirect to a sign-in page, carrying the URL to come back to."""
    return Expected(302, f"{login}?{urlencode({'next': url}, safe='/', quote_via=quote)}")


def page(min_role: str = Role.VIEWER) -> Expectation:
    """A console page: signed out -> sign in; a role below `min_role` -> 403; else 200."""

    def expect(viewer: str | None, url: str) -> Expected:
        if viewer is None:
            return sign_in_first(url)
        return Expected(200) if RANK[viewer] >= RANK[min_role] else Expected(403)

    return expect


def redirects(to: Callable[[str], str], min_role: str = Role.VIEWER) -> Expectation:
    """Like `page`, but an allowed viewer is redirected to `to(url)`."""

    def expect(viewer: str | None, url: str) -> Expected:
        found = page(min_role)(viewer, url)
        return Expected(302, to(url)) if found.status == 200 else found

    return expect


def post_only(min_role: str | None) -> Expectation:
    """A form target: GET is 405. With `min_role`, the role check comes first (sign in, 403)."""

    def expect(viewer: str | None, url: str) -> Expected:
        if min_role is None:
            return Expected(405)
        found = page(min_role)(viewer, url)
        return Expected(405) if found.status == 200 else found

    return expect


def everyone(status: int, also: int | None = None) -> Expectation:
    return lambda viewer, url: Expected(status, also=also)


def signed_out_only(to: str) -> Expectation:
    """The sign-in page: signed in, it sends you on."""
    return lambda viewer, url: Expected(200) if viewer is None else Expected(302, to)
