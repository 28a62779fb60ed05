"""Secrets at rest: MultiFernet over settings.FIELD_ENCRYPTION_KEYS (first key encrypts).

Rotation: prepend a new key to FIELD_ENCRYPTION_KEY, run `manage.py rotate_secrets`, then
drop the old key. Every app that stores a secret registers its field
(`register_encrypted_field`, from its AppConfig.ready), so that the command rotates them all
without the inventory importing those apps.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@dataclass(frozen=True)
class EncryptedField:
    model: type[models.Model]
    field: str
    what: str  # what it holds, in words: "client secret", "Spot token"


_ENCRYPTED_FIELDS: list[EncryptedField] = []


def register_encrypted_field(model: type[models.Model], field: str, what: str) -> None:
    entry = EncryptedField(model, field, what)
    if entry not in _ENCRYPTED_FIELDS:
        _ENCRYPTED_FIELDS.append(entry)


def encrypted_fields() -> list[EncryptedField]:
    return list(_ENCRYPTED_FIELDS)


class SecretUnreadable(Exception):
    """The stored secret was encrypted with a key that is no longer configured."""


def _fernet() -> MultiFernet:
    keys = [key.strip() for key in settings.FIELD_ENCRYPTION_KEYS if key.strip()]
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt_secret(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt_secret(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable(
            "The stored client secret cannot be decrypted with the configured keys."
        ) from exc


def rotate_secret(token: str) -> str:
    """Re-encrypt `token` with the first (current) key."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("The stored client secret cannot be decrypted.") from exc
