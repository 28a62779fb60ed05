"""The context of a write: who makes it, in which organization and account, for which kind of
group. Services take it instead of the same four arguments each; validation reads where."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from console.models import Account, Organization


@dataclass(frozen=True)
class EditContext:
    """Who writes, and where: the acting user (None for the system), the organization, the
    account and the kind of group. A view or API handler builds it once for all its writes."""

    actor: Any
    organization: Organization
    account: Account
    kind: str
