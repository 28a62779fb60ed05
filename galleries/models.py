"""Connected Azure subscriptions and the cached gallery inventory.

Inventory rows are keyed by their ARM id (lower-cased, since ARM ids are case-insensitive)
within a connected subscription; rows seen gone are soft-deleted (`deleted_at`), never dropped.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from console.choices import WordedChoices

from .azure_state import AzureState, azure_state_note


class Cloud(models.TextChoices):
    PUBLIC = "public", "Azure public"
    USGOV = "usgov", "Azure US Government"
    CHINA = "china", "Azure China (21Vianet)"
    CUSTOM = "custom", "Custom endpoint (Azure Stack, proxy, sandbox)"


class CredentialStatus(WordedChoices):
    UNKNOWN = "unknown", "Not checked yet"
    VALID = "valid"
    INVALID = "invalid"


class ConnectedSubscription(models.Model):
    organization = models.ForeignKey(
        "console.Organization", on_delete=models.CASCADE, related_name="subscriptions"
    )
    account = models.OneToOneField(
        "console.Account", on_delete=models.CASCADE, related_name="subscription"
    )
    display_name = models.CharField(max_length=200)
    subscription_id = models.CharField(max_length=36)
    tenant_id = models.CharField(max_length=36)
    client_id = models.CharField(max_length=36)
    # Fernet token (see galleries.crypto); never rendered, logged or audited.
    client_secret_encrypted = models.TextField()
    cloud = models.CharField(max_length=10, choices=Cloud.choices, default=Cloud.PUBLIC)
    arm_endpoint = models.URLField(blank=True)
    authority_host = models.URLField(blank=True)
    ca_bundle_pem = models.TextField(blank=True)
    credential_status = models.CharField(
        max_length=10, choices=CredentialStatus.choices, default=CredentialStatus.UNKNOWN
    )
    credential_checked_at = models.DateTimeField(null=True, blank=True)
    credential_error = models.TextField(blank=True)
    # Read on every refresh; blank until the first one could read it.
    azure_state = models.CharField(max_length=16, blank=True)
    azure_state_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "subscription_id"], name="subscription_once_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.subscription_id})"

    @property
    def azure_state_note(self) -> str:
        return azure_state_note(self.azure_state)

    @property
    def azure_blocks_deployments(self) -> bool:
        """Disabled or deleted in Azure: nothing can be deployed there."""
        return self.azure_state in (AzureState.DISABLED, AzureState.DELETED)

    def get_azure_state_label(self) -> str:
        known = dict(AzureState.choices)
        return str(known.get(self.azure_state, self.azure_state))


class InventoryRow(models.Model):
    """Common columns (and name order) of every cached inventory row."""

    # No index of its own: every inventory table's unique (subscription, arm_id) leads with
    # it, and a refresh inserts tens of thousands of rows into each index a table has.
    subscription = models.ForeignKey(
        ConnectedSubscription, on_delete=models.CASCADE, db_index=False
    )
    arm_id = models.CharField(max_length=400)
    name = models.CharField(max_length=200)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True, blank=True)
    # When an ARM listing last created, changed, restored or deleted this row. Resource Graph
    # lags ARM, so a Resource Graph listing leaves such a row as ARM wrote it for
    # INVENTORY_GRAPH_LAG_GRACE_SECONDS (`refresh.row_sync`).
    arm_written_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def one_row_per_arm_id(name: str) -> list[models.BaseConstraint]:
    """An inventory row's constraint: one row per ARM id within its subscription."""
    return [models.UniqueConstraint(fields=["subscription", "arm_id"], name=name)]


class ResourceGroup(InventoryRow):
    class Meta(InventoryRow.Meta):
        constraints = one_row_per_arm_id("resource_group_arm_id")
        indexes = [models.Index(fields=["subscription", "deleted_at", "name"])]


class Gallery(InventoryRow):
    # Indexed by (resource_group, deleted_at, name) below; the same goes for the foreign
    # keys of images, versions, regions and subnets.
    resource_group = models.ForeignKey(
        ResourceGroup, on_delete=models.CASCADE, related_name="galleries", db_index=False
    )
    location = models.CharField(max_length=64, blank=True)
    description = models.TextField(blank=True)
    unique_name = models.CharField(max_length=300, blank=True)

    class Meta(InventoryRow.Meta):
        verbose_name_plural = "galleries"
        constraints = one_row_per_arm_id("gallery_arm_id")
        indexes = [models.Index(fields=["resource_group", "deleted_at", "name"])]


# The operating systems an image (and so a group) runs, as ARM spells them: the one list the
# inventory's filters, the cascade, the editor and validation offer.
OS_TYPES = ("Linux", "Windows")
OS_CHOICES = [(os_type, os_type) for os_type in OS_TYPES]


class GalleryImage(InventoryRow):
    gallery = models.ForeignKey(
        Gallery, on_delete=models.CASCADE, related_name="images", db_index=False
    )
    os_type = models.CharField(max_length=16)  # Linux / Windows
    os_state = models.CharField(max_length=16)  # Generalized / Specialized
    hyper_v_generation = models.CharField(max_length=4, blank=True)  # V1 / V2
    architecture = models.CharField(max_length=8, blank=True)  # x64 / Arm64
    publisher = models.CharField(max_length=200, blank=True)
    offer = models.CharField(max_length=200, blank=True)
    sku = models.CharField(max_length=200, blank=True)
    security_type = models.CharField(max_length=64, blank=True)
    features = models.JSONField(default=list, blank=True)
    end_of_life_date = models.DateTimeField(null=True, blank=True)
    description = models.TextField(blank=True)
    provisioning_state = models.CharField(max_length=16, blank=True)
    tags = models.JSONField(default=dict, blank=True)  # ARM's tags, searched by the image search

    class Meta(InventoryRow.Meta):
        constraints = one_row_per_arm_id("image_arm_id")
        indexes = [
            models.Index(fields=["gallery", "deleted_at", "os_type", "name"]),
            # The image search: live images in name order, page by page (a page of a broad
            # search stops after its rows instead of sorting every image of the organization).
            models.Index(fields=["deleted_at", "name"], name="image_search_name_order"),
        ]


class ImageVersion(InventoryRow):
    image = models.ForeignKey(
        GalleryImage, on_delete=models.CASCADE, related_name="versions", db_index=False
    )
    # Zero-padded "major.minor.patch" so that text order is semantic-version order.
    sort_key = models.CharField(max_length=40)
    published_date = models.DateTimeField(null=True, blank=True)
    end_of_life_date = models.DateTimeField(null=True, blank=True)
    exclude_from_latest = models.BooleanField(default=False)
    provisioning_state = models.CharField(max_length=16, blank=True)
    os_disk_size_gb = models.PositiveIntegerField(null=True, blank=True)
    data_disk_count = models.PositiveSmallIntegerField(default=0)

    class Meta(InventoryRow.Meta):
        ordering = ["-sort_key"]
        constraints = one_row_per_arm_id("version_arm_id")
        indexes = [models.Index(fields=["image", "deleted_at", "-sort_key"])]


class VersionRegion(models.Model):
    """A target region of a version (normalised, e.g. "East US 2" -> "eastus2")."""

    version = models.ForeignKey(
        ImageVersion, on_delete=models.CASCADE, related_name="regions", db_index=False
    )
    region = models.CharField(max_length=64)
    replica_count = models.PositiveSmallIntegerField(default=1)
    storage_account_type = models.CharField(max_length=32, blank=True)
    exclude_from_latest = models.BooleanField(default=False)

    class Meta:
        ordering = ["region"]
        constraints = [
            models.UniqueConstraint(fields=["version", "region"], name="one_row_per_version_region")
        ]
        indexes = [models.Index(fields=["region", "version"])]

    def __str__(self) -> str:
        return self.region


class VirtualNetwork(InventoryRow):
    """A virtual network of a connected subscription: the Network tab's suggestions."""

    resource_group_name = models.CharField(max_length=90)
    location = models.CharField(max_length=64, blank=True)  # normalised, e.g. "eastus"
    address_prefixes = models.CharField(max_length=400, blank=True)  # "10.0.0.0/16, ..."

    class Meta(InventoryRow.Meta):
        constraints = one_row_per_arm_id("virtual_network_arm_id")
        # The Network tab narrows by subscription and region, then resource group and name.
        indexes = [
            models.Index(fields=["subscription", "deleted_at", "location", "resource_group_name"])
        ]


class Subnet(InventoryRow):
    virtual_network = models.ForeignKey(
        VirtualNetwork, on_delete=models.CASCADE, related_name="subnets", db_index=False
    )
    address_prefixes = models.CharField(max_length=400, blank=True)

    class Meta(InventoryRow.Meta):
        constraints = one_row_per_arm_id("subnet_arm_id")
        indexes = [models.Index(fields=["virtual_network", "deleted_at", "name"])]


class RefreshStatus(WordedChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"
    FAILED = "failed"


ACTIVE_REFRESH_STATUSES = (RefreshStatus.QUEUED, RefreshStatus.RUNNING)
# Runs that wrote what they listed: the newest one dates the cached inventory.
APPLIED_REFRESH_STATUSES = (RefreshStatus.SUCCEEDED, RefreshStatus.PARTIAL)


class RefreshFailure(models.TextChoices):
    """Why a run failed, when it is not an Azure verdict (those keep their own codes)."""

    WORKER_LOST = "worker_lost", "The worker stopped responding"
    NEVER_STARTED = "never_started", "No worker picked the run up"
    DATABASE = "database", "The database failed"
    GAVE_UP = "gave_up", "The worker died too often"


class RefreshRun(models.Model):
    class Scope(WordedChoices):
        FULL = "full"
        GALLERY = "gallery", "One gallery"

    subscription = models.ForeignKey(
        ConnectedSubscription, on_delete=models.CASCADE, related_name="refresh_runs"
    )
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.FULL)
    target_gallery = models.ForeignKey(
        Gallery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=RefreshStatus.choices, default=RefreshStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Alive until then: renewed by every heartbeat. Past it, a running run is dead.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # Who runs it: the Celery task id (the same on redelivery, so a redelivered task knows the
    # run is its own) and "host pid N" of the process.
    claim_token = models.CharField(max_length=64, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    api_calls = models.PositiveIntegerField(default=0)
    throttled_responses = models.PositiveIntegerField(default=0)
    merged_requests = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    failure_code = models.CharField(max_length=32, blank=True)
    # Wall time of the two phases: listing in Azure, then writing the difference.
    collect_seconds = models.FloatField(null=True, blank=True)
    apply_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # At most one queued-or-running run per subscription; further requests merge into it.
            models.UniqueConstraint(
                fields=["subscription"],
                condition=Q(status__in=list(ACTIVE_REFRESH_STATUSES)),
                name="one_active_refresh_per_subscription",
            )
        ]
        indexes = [
            models.Index(fields=["subscription", "-requested_at"]),
            # The inventory's age, read by every cascade fragment (cascade/queries.py): the
            # newest applied run's finish is then the index's first entry, however long the
            # subscription's refresh history (a sort of all of it took 22 ms at 50,000 runs).
            models.Index(
                fields=["subscription", "-finished_at"],
                condition=Q(status__in=list(APPLIED_REFRESH_STATUSES)),
                name="applied_refresh_newest",
            ),
            models.Index(
                fields=["lease_expires_at"],
                condition=Q(status="running"),
                name="running_refresh_lease",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} refresh of {self.subscription_id}: {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_REFRESH_STATUSES

    @property
    def silent_seconds(self) -> float | None:
        """Seconds since the last sign of life of a running run whose lease has run out."""
        if self.status != RefreshStatus.RUNNING or self.lease_expires_at is None:
            return None
        now = timezone.now()
        if self.lease_expires_at >= now:
            return None
        last = self.heartbeat_at or self.started_at or self.lease_expires_at
        return (now - last).total_seconds()

    @property
    def is_unresponsive(self) -> bool:
        """Running, but its lease ran out: the worker is gone (not yet marked failed)."""
        return self.silent_seconds is not None


class ShareVerdict(WordedChoices):
    READABLE = "readable"
    NOT_SHARED = "not_shared"
    UNKNOWN = "unknown"


class ShareCheck(models.Model):
    """Can `reader` (a group's subscription) read `gallery` with its own credential?"""

    reader = models.ForeignKey(
        ConnectedSubscription, on_delete=models.CASCADE, related_name="share_checks"
    )
    gallery = models.ForeignKey(Gallery, on_delete=models.CASCADE, related_name="share_checks")
    verdict = models.CharField(
        max_length=12, choices=ShareVerdict.choices, default=ShareVerdict.UNKNOWN
    )
    detail = models.TextField(blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reader", "gallery"], name="one_share_check_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.reader_id} -> {self.gallery_id}: {self.verdict}"
