"""Spot-style public identifiers: a short prefix and eight hex digits."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.db import IntegrityError, models, router, transaction

# Eight hex digits collide rarely (about once in 1,000 ids among 100,000): a few draws suffice.
NEW_ID_ATTEMPTS = 5


def new_public_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def new_account_id() -> str:
    return new_public_id("act")


def insert_with_new_id(
    instance: models.Model, attribute: str, prefix: str, insert: Callable[[], None]
) -> None:
    """Give `instance` a new public id in `attribute` and `insert` it (a save that must INSERT),
    drawing another id while the drawn one is already taken.

    Each attempt runs in a savepoint, so that a taken id rolls back only that attempt and the
    caller's transaction goes on. Any other refusal (another unique field, a foreign key) is
    raised at once, with the attribute emptied again."""
    model = type(instance)
    for attempt in range(1, NEW_ID_ATTEMPTS + 1):
        drawn = new_public_id(prefix)
        setattr(instance, attribute, drawn)
        try:
            with transaction.atomic(using=router.db_for_write(model, instance=instance)):
                insert()
            return
        except IntegrityError:
            setattr(instance, attribute, "")
            taken = model._default_manager.filter(**{attribute: drawn}).exists()
            if not taken or attempt == NEW_ID_ATTEMPTS:
                raise
