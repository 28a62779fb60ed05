"""Stateless groups (Elastigroups) and stateful nodes, with their revisions.

`spec` holds the resource's Spot JSON (the body inside `{"group": …}` or `{"statefulNode": …}`,
without `id`, `createdAt` and `updatedAt`): one source of truth for the console and the API.
It is produced and parsed only by `groups.spot.json`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from console.choices import WordedChoices
from console.ids import insert_with_new_id
from console.text import RepairingJSONDecoder

# Registers the review models (change requests, verdicts, timeline) with this app.
from .reviews import models as review_models  # noqa: F401


class Kind(models.TextChoices):
    STATELESS = "stateless", "Stateless group"
    STATEFUL = "stateful", "Stateful node"


ID_PREFIX = {Kind.STATELESS: "sig", Kind.STATEFUL: "ssn"}


class Status(WordedChoices):
    # Saved at any time; problems are listed as warnings.
    DRAFT = "draft"
    # Created or updated after full validation.
    ACTIVE = "active"


class Group(models.Model):
    id = models.CharField(primary_key=True, max_length=12, editable=False)
    organization = models.ForeignKey(
        "console.Organization", on_delete=models.CASCADE, related_name="groups"
    )
    account = models.ForeignKey("console.Account", on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    name = models.CharField(max_length=200)
    region = models.CharField(max_length=64, blank=True)
    spec = models.JSONField(default=dict, decoder=RepairingJSONDecoder)
    # The latest revision number; an edit made from an older one is a conflict.
    revision = models.PositiveIntegerField(default=0)
    # Denormalised from spec's gallery image, to find what references a gallery (the gallery
    # reference's names: spotAccountId as the account, resourceGroupName, galleryName).
    gallery_account = models.ForeignKey(
        "console.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    gallery_resource_group_name = models.CharField(max_length=200, blank=True)
    gallery_name = models.CharField(max_length=200, blank=True)
    # `login.password`, kept out of `spec`: a Fernet token (galleries.crypto), never returned.
    login_password_encrypted = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "id"]
        indexes = [
            models.Index(fields=["account", "kind", "-updated_at"]),
            models.Index(fields=["organization", "status", "-updated_at"]),
            models.Index(fields=["gallery_account", "gallery_resource_group_name", "gallery_name"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.id:
            super().save(*args, **kwargs)
            return
        # Always an INSERT: for a primary key without a default Django tries an UPDATE first,
        # which would silently overwrite the group (of any organization) holding a drawn id.
        kwargs["force_insert"] = True
        insert_with_new_id(
            self, "id", ID_PREFIX[Kind(self.kind)], lambda: super(Group, self).save(*args, **kwargs)
        )


class Revision(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices)
    spec = models.JSONField(decoder=RepairingJSONDecoder)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=10, default="console")  # console / api
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="revision_number_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.group_id} r{self.number}"
