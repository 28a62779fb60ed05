"""What the editor page says beside its form: Azure's trouble with the group's subscriptions and
where error links for cascade levels not on the page yet should point."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from console.models import Account
from galleries.cascade.selection import FIELDS as CASCADE_FIELDS, Selection
from galleries.models import ConnectedSubscription
from galleries.selectors import troubled_subscriptions


def azure_trouble(
    organization: Any,
    account: Account,
    selection: Selection,
    subscriptions: Iterable[ConnectedSubscription] | None = None,
) -> list[tuple[Any, str]]:
    """The subscriptions this group deploys to or takes its image from that Azure reports as
    not plain Enabled (Disabled, Warned...), each with what it is to the group
    (`subscriptions`: the organization's, when the caller has read them)."""
    troubled = troubled_subscriptions(organization, [account.pk, selection.account], subscriptions)
    found = []
    for account_id, subscription in troubled.items():
        roles = []
        if account_id == account.pk:
            roles.append("it deploys there")
        if account_id == selection.account:
            roles.append("its image comes from there")
        found.append((subscription, " and ".join(roles)))
    return found


def cascade_anchors(levels: list[tuple[str, Any]]) -> dict[str, str]:
    """Error links for cascade levels not on the page yet (their parent is unchosen) point at
    the first rendered level still waiting for a choice instead."""
    rendered = [level for _key, level in levels if level is not None and level.field]
    if not rendered:
        return {}
    waiting = next((level for level in rendered if not level.selected), rendered[-1])
    shown = {level.field for level in rendered}
    return {name: waiting.field for name in CASCADE_FIELDS if name not in shown}
