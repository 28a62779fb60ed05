"""Client secrets: encrypted at rest, rotated by command, never logged or echoed."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from galleries.crypto import decrypt_secret, encrypt_secret
from galleries.refresh.runs import refresh_now
from galleries.subscriptions.services import test_connection as check_connection

from ..conftest import sandbox_connection

pytestmark = pytest.mark.django_db


def test_rotate_secrets_reencrypts_with_the_first_key(connect: Any, settings: Any) -> None:
    subscription = connect("Production")
    old_token = subscription.client_secret_encrypted
    secret = decrypt_secret(old_token)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    call_command("rotate_secrets")
    subscription.refresh_from_db()
    assert subscription.client_secret_encrypted != old_token
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can now be dropped
    assert decrypt_secret(subscription.client_secret_encrypted) == secret


def test_a_secret_no_key_decrypts_fails_the_run_in_words(connect: Any, settings: Any) -> None:
    subscription = connect("Production")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    run = refresh_now(subscription)
    assert run.status == "failed"
    assert "cannot be decrypted" in run.error


def test_encryption_is_not_deterministic() -> None:
    assert encrypt_secret("s3cret") != encrypt_secret("s3cret")


@pytest.mark.parametrize("secret_kind", ["right", "wrong"])
def test_no_secret_in_debug_logs_of_a_refresh_or_a_test(
    connect: Any, fresh_azure_sandbox: Any, caplog: Any, secret_kind: str
) -> None:
    subscription = connect("Production")
    secret = decrypt_secret(subscription.client_secret_encrypted)
    for name in ("azure", "galleries", "msal", "urllib3"):
        caplog.set_level(logging.DEBUG, logger=name)
    if secret_kind == "wrong":
        fresh_azure_sandbox.principal("Production").client_secret = "the-new-one"
    run = refresh_now(subscription)
    result = check_connection(
        sandbox_connection(fresh_azure_sandbox, "Production", client_secret=secret)
    )
    assert caplog.records, "DEBUG logging was on"
    assert secret not in caplog.text
    assert secret not in run.error
    assert secret not in result.message
