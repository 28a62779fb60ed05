"""Signals galleries sends so that other apps can act on inventory events without galleries
importing them (groups' reviews recompute image health when the inventory moved)."""

from django.dispatch import Signal

# Sent when an organization's cached inventory is complete after a refresh (its versions and
# the share checks that follow it); keyword argument: organization_id.
inventory_changed = Signal()
