"""Who uses an image or a version: the hook through which apps that deploy images (groups)
tell the inventory about their users, since the inventory cannot import them.

An app registers a provider once (groups does, in its AppConfig.ready); the inventory's pages
and API ask `usage_of(image, version)` and get every registered provider's users, sorted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .models import GalleryImage, ImageVersion


@dataclass(frozen=True)
class ImageUser:
    """One user of an image: a live group, a draft or a change under review."""

    kind: str  # "Stateless group", "Stateful node"
    id: str  # the group's public id
    name: str
    account: str  # the account's name
    status: str  # "live", "draft" or "proposed change (in review)" and the like
    version: str  # the version named: a version name or "latest"
    resolves_to: str  # the version deployed ("" when "latest" resolves to none)
    region: str
    url: str  # where a member of the organization reads it


# Gives the users of the image (of `version` only, when given), resolving "latest" per region.
UsageProvider = Callable[[GalleryImage, ImageVersion | None], list[ImageUser]]

_providers: list[UsageProvider] = []


def register_usage_provider(provider: UsageProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def usage_of(image: GalleryImage, version: ImageVersion | None = None) -> list[ImageUser]:
    users = [user for provider in _providers for user in provider(image, version)]
    return sorted(users, key=lambda user: (user.name.lower(), user.status, user.id))
