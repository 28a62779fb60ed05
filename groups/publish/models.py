"""An account's Spot connection, and each group's publication to Spot (its sync state)."""

from __future__ import annotations

from django.db import models

from console.choices import WordedChoices
from console.text import RepairingJSONDecoder

DEFAULT_BASE_URL = "https://api.spotinst.io"


class SpotConnection(models.Model):
    """Where an account's applied groups are published: a Spot API endpoint, token, account."""

    account = models.OneToOneField(
        "console.Account", on_delete=models.CASCADE, related_name="spot_connection"
    )
    base_url = models.URLField(max_length=300, default=DEFAULT_BASE_URL)
    # A Fernet token (galleries.crypto); the plain token is never stored, rendered or logged.
    token_encrypted = models.TextField()
    spot_account_id = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The last Test connection's verdict, in words.
    tested_at = models.DateTimeField(null=True, blank=True)
    test_ok = models.BooleanField(null=True)
    test_message = models.CharField(max_length=500, blank=True)
    # The last import from Spot: when, and what became of each remote group, in words.
    imported_at = models.DateTimeField(null=True, blank=True)
    import_summary = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.account_id} -> {self.spot_account_id}"


class SyncState(WordedChoices):
    PUBLISHING = "publishing"
    IN_SYNC = "in_sync"
    FAILED = "failed"
    DELETING = "deleting", "Deleting in Spot"


class Publication(models.Model):
    """One group's (or node's) counterpart in Spot.

    It outlives the group here while Spot's copy is being deleted (`group` is then null and
    `group_public_id` still names it). A group without a publication was never published.
    """

    organization = models.ForeignKey(
        "console.Organization", on_delete=models.CASCADE, related_name="+"
    )
    account = models.ForeignKey("console.Account", on_delete=models.CASCADE, related_name="+")
    group = models.OneToOneField(
        "groups.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publication",
    )
    group_public_id = models.CharField(max_length=12)
    kind = models.CharField(max_length=10)
    name = models.CharField(max_length=200)
    remote_id = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=12, choices=SyncState.choices)
    # The revision asked for, and the one Spot last accepted.
    requested_revision = models.PositiveIntegerField(default=0)
    published_revision = models.PositiveIntegerField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Set (and committed) before a create is sent: a retry after a lost answer looks the
    # group up by name among those created since, instead of creating a second one.
    create_sent_at = models.DateTimeField(null=True, blank=True)
    # One task at a time talks to Spot about this publication; a dead holder's lease expires.
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_holder = models.CharField(max_length=64, blank=True)
    # The last answer: Spot's request id, the item it returned, or the error in words.
    request_id = models.CharField(max_length=64, blank=True)
    answer = models.JSONField(null=True, blank=True, decoder=RepairingJSONDecoder)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    retryable = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=0)
    # For a stateful node deleted here: the deallocation chosen, sent with Spot's delete.
    deallocation_config = models.JSONField(null=True, blank=True)
    # Drift: Spot's configuration read back, and how it differs from the published revision.
    drift_checked_at = models.DateTimeField(null=True, blank=True)
    drift = models.JSONField(default=list, blank=True)
    remote_spec = models.JSONField(null=True, blank=True, decoder=RepairingJSONDecoder)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "state"]),
            models.Index(fields=["account", "remote_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.group_public_id} -> {self.remote_id or '(not yet in Spot)'}"

    @property
    def has_drift(self) -> bool:
        return bool(self.drift)
