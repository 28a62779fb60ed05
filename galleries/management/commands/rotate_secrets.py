"""manage.py rotate_secrets: re-encrypt every stored secret with the first configured key:
the subscriptions' client secrets and whatever other apps registered (galleries.crypto)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from galleries.crypto import EncryptedField, SecretUnreadable, encrypted_fields, rotate_secret


class Command(BaseCommand):
    help = "Re-encrypt stored secrets with the first key of FIELD_ENCRYPTION_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        rotated: Counter[str] = Counter()
        unreadable = 0
        with transaction.atomic():
            for entry in encrypted_fields():
                done, failed = self._rotate(entry)
                rotated[entry.what] += done
                unreadable += failed
        counts = ", ".join(f"{count} {what}(s)" for what, count in rotated.items())
        self.stdout.write(f"Re-encrypted {sum(rotated.values())} secret(s): {counts}.")
        if unreadable:
            raise CommandError(f"{unreadable} secret(s) could not be decrypted; see above.")

    def _rotate(self, entry: EncryptedField) -> tuple[int, int]:
        manager = entry.model._default_manager
        rows = (
            manager.select_for_update().exclude(**{entry.field: ""}).values_list("pk", entry.field)
        )
        done = failed = 0
        for pk, token in rows:
            try:
                fresh = rotate_secret(token)
            except SecretUnreadable:
                failed += 1
                self.stderr.write(
                    f"The {entry.what} of {entry.model._meta.verbose_name} {pk}: no configured "
                    "key decrypts it."
                )
                continue
            manager.filter(pk=pk).update(**{entry.field: fresh})
            done += 1
        return done, failed
