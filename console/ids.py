"""Spot-style public identifiers: a short prefix and eight hex digits."""

import secrets


def new_public_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def new_account_id() -> str:
    return new_public_id("act")
