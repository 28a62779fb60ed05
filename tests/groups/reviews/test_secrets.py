"""Secrets of reviews and publishing: a password typed during review is kept with the proposal
(encrypted, never shown) and reaches the group at apply; rotate_secrets re-encrypts every
stored secret, Spot tokens and login passwords included."""

from __future__ import annotations

import copy
import json

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import Client

from console.services import create_api_token
from galleries.crypto import decrypt_secret
from galleries.models import ConnectedSubscription
from groups.models import Group
from groups.publish.models import SpotConnection
from groups.publish.services import save_connection
from groups.reviews.models import ChangeRequest
from groups.reviews.services import apply_change, approve, propose_change, request_review
from tests.groups.api.http import call

PASSWORD = "Typed-in-Review-7!"


def _with_password(body: dict, password: str | None) -> dict:
    body = copy.deepcopy(body)
    login = body["compute"]["launchSpecification"]["login"]
    if password is not None:
        login["password"] = password
    return body


def test_a_password_typed_during_review_is_kept_encrypted_and_applied(client: Client, review_world):
    world = review_world
    change, _ = propose_change(
        actor=world.author,
        group=world.group,
        spec=_with_password(world.body("1.1.0"), PASSWORD),
    )
    change.refresh_from_db()
    assert "password" not in change.proposed_spec["compute"]["launchSpecification"]["login"]
    assert PASSWORD not in change.proposed_password_encrypted
    assert decrypt_secret(change.proposed_password_encrypted) == PASSWORD
    assert not Group.objects.get(pk=world.group.pk).login_password_encrypted  # not live yet

    # An edit that leaves the password out (as the editor does) keeps it.
    change, _ = propose_change(
        actor=world.author, group=world.group, spec=world.body("1.1.0"), expected_version=1
    )
    assert decrypt_secret(change.proposed_password_encrypted) == PASSWORD

    client.force_login(world.reviewer)
    page = client.get(f"/reviews/{change.pk}/").content.decode()
    _, token = create_api_token(user=world.reviewer, organization=world.organization, name="r")
    status, answer = call(client, "GET", f"/api/reviews/changes/{change.pk}", token=token)
    assert status == 200
    assert answer["response"]["items"][0]["id"] == change.pk
    assert "Login password: a new one is part of this change (kept secret)." in page
    assert PASSWORD not in page
    assert PASSWORD not in json.dumps(answer)

    request_review(actor=world.author, change=change)
    approve(actor=world.reviewer, change=change)
    apply_change(actor=world.author, change=change)
    group = Group.objects.get(pk=world.group.pk)
    assert decrypt_secret(group.login_password_encrypted) == PASSWORD
    assert ChangeRequest.objects.get(pk=change.pk).proposed_password_encrypted == ""


def test_rotate_secrets_rotates_spot_tokens_and_login_passwords(review_world, settings):
    world = review_world
    save_connection(
        actor=world.admin,
        account=world.account,
        base_url="https://api.spotinst.io",
        spot_account_id="act-12345678",
        token="spot-token-to-rotate",
    )
    propose_change(
        actor=world.author,
        group=world.group,
        spec=_with_password(world.body("1.1.0"), PASSWORD),
    )
    Group.objects.filter(pk=world.group.pk).update(
        login_password_encrypted=ChangeRequest.objects.get().proposed_password_encrypted
    )
    before = {
        "token": SpotConnection.objects.get().token_encrypted,
        "login": Group.objects.get(pk=world.group.pk).login_password_encrypted,
        "proposal": ChangeRequest.objects.get().proposed_password_encrypted,
    }
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    call_command("rotate_secrets")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can now be dropped
    after = {
        "token": SpotConnection.objects.get().token_encrypted,
        "login": Group.objects.get(pk=world.group.pk).login_password_encrypted,
        "proposal": ChangeRequest.objects.get().proposed_password_encrypted,
    }
    assert all(after[name] != before[name] for name in before)
    assert decrypt_secret(after["token"]) == "spot-token-to-rotate"
    assert decrypt_secret(after["login"]) == PASSWORD
    assert decrypt_secret(after["proposal"]) == PASSWORD
    assert decrypt_secret(ConnectedSubscription.objects.get().client_secret_encrypted)
