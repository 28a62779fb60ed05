"""manage.py rotate_secrets: re-encrypt every client secret with the first configured key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from galleries.crypto import SecretUnreadable, rotate_secret
from galleries.models import ConnectedSubscription


class Command(BaseCommand):
    help = "Re-encrypt stored client secrets with the first key of FIELD_ENCRYPTION_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        rotated = unreadable = 0
        with transaction.atomic():
            for subscription in ConnectedSubscription.objects.select_for_update():
                try:
                    token = rotate_secret(subscription.client_secret_encrypted)
                except SecretUnreadable:
                    unreadable += 1
                    self.stderr.write(
                        f"{subscription.display_name}: no configured key decrypts its secret."
                    )
                    continue
                ConnectedSubscription.objects.filter(pk=subscription.pk).update(
                    client_secret_encrypted=token
                )
                rotated += 1
        self.stdout.write(f"Re-encrypted {rotated} client secret(s).")
        if unreadable:
            raise CommandError(f"{unreadable} secret(s) could not be decrypted; see above.")
