"""The login password typed for a change under review: kept encrypted on the change (never in
its proposed spec), carried over by later edits, and handed to the group when it is applied."""

from __future__ import annotations

import copy
from typing import Any

from galleries.crypto import SecretUnreadable, decrypt_secret, encrypt_secret

from ..spot.json import LOGIN_PATH, dig
from .models import ChangeRequest
from .refusals import ReviewRefused


def next_proposed_password(change: ChangeRequest, spec: dict[str, Any], typed: str | None) -> str:
    """A password typed now replaces the change's; none keeps it while the spec has a login
    (the editor leaves an untouched password out); no login drops it."""
    if typed:
        return encrypt_secret(typed)
    if not isinstance(dig(spec, LOGIN_PATH), dict):
        return ""
    return change.proposed_password_encrypted


def spec_to_apply(change: ChangeRequest) -> dict[str, Any]:
    """The proposed revision with the password typed for it, if any (encrypted again by
    save_group, into the group)."""
    if not change.proposed_password_encrypted:
        return change.proposed_spec
    try:
        password = decrypt_secret(change.proposed_password_encrypted)
    except SecretUnreadable as unreadable:
        raise ReviewRefused(
            "The login password typed for this change can't be decrypted with the configured "
            "keys: edit the change and type it again."
        ) from unreadable
    spec = copy.deepcopy(change.proposed_spec)
    login = dig(spec, LOGIN_PATH)
    if isinstance(login, dict):
        login["password"] = password
    return spec
