"""A subscription's state as Azure reports it, and what each state means for a console user.

Read from the subscriptions API by every refresh (galleries/refresh/runs.py) and shown beside
the subscription wherever a user picks or deploys into it.
"""

from __future__ import annotations

from console.choices import WordedChoices


class AzureState(WordedChoices):
    """A subscription's state as Azure reports it (the subscriptions API's `state`)."""

    ENABLED = "Enabled"
    WARNED = "Warned"
    PAST_DUE = "PastDue", "Past due"
    DISABLED = "Disabled"
    DELETED = "Deleted"


# What each state means for a console user, when it is not plain Enabled.
AZURE_STATE_NOTES = {
    AzureState.WARNED: "Azure has warned that this subscription will be disabled (e.g. a "
    "billing problem); deployments still work for now.",
    AzureState.PAST_DUE: "Payment for this subscription is past due; Azure may disable it.",
    AzureState.DISABLED: "Azure has disabled this subscription: it is read-only, its VMs are "
    "deallocated and nothing new can be deployed until it is re-enabled.",
    AzureState.DELETED: "Azure has deleted this subscription: nothing can be deployed in it.",
}


def azure_state_note(state: str) -> str:
    """What a subscription's Azure state means for its users ("" when Enabled or unknown)."""
    try:
        return AZURE_STATE_NOTES.get(AzureState(state), "")
    except ValueError:
        return ""
