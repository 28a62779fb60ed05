"""The demo's Spot: a second organization of this same console stands in for Spot's API.

"Spot (demo)" has the same sandbox subscriptions as Contoso (so the same images resolve), and
a service user whose API token each Contoso account's Spot connection uses; its base URL is the
console itself. Publishing, drift and import then work without a Spot account, and Spot's side
can be looked at by signing in to the console as `spot-demo` (see the README).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from console.models import Account, ApiToken, Membership, Organization, Role
from console.services import create_api_token, revoke_api_token
from galleries.demo import connect_demo_sandbox
from galleries.models import ConnectedSubscription

from .models import SpotConnection
from .services import save_connection

SPOT_ORGANIZATION = "Spot (demo)"
SPOT_USER = "spot-demo"
# Printed by the demo: a local demo login, never production.
SPOT_PASSWORD = "spot-demo-pass"  # noqa: S105
TOKEN_NAME = "Contoso publishing (demo)"  # noqa: S105  (a label, not a secret)


def connect_demo_spot(
    organization: Organization, sandbox_dir: str, base_url: str, wait_seconds: float = 30
) -> list[SpotConnection]:
    """Connect each of `organization`'s sandbox accounts to its twin in "Spot (demo)"."""
    spot, _ = Organization.objects.get_or_create(name=SPOT_ORGANIZATION)
    connect_demo_sandbox(spot, sandbox_dir, wait_seconds)
    user_model = get_user_model()
    with transaction.atomic():
        user, _ = user_model.objects.get_or_create(
            username=SPOT_USER, defaults={"email": "spot-demo@spot.example"}
        )
        user.set_password(SPOT_PASSWORD)
        user.save()
        Membership.objects.update_or_create(
            user=user, organization=spot, defaults={"role": Role.ADMIN}
        )
        # A token's raw value is shown once: each run makes a new one and revokes the last.
        for old in ApiToken.objects.filter(user=user, name=TOKEN_NAME, revoked_at__isnull=True):
            revoke_api_token(token=old, actor=None)
        _, token = create_api_token(user=user, organization=spot, name=TOKEN_NAME)
        twins = {
            s.subscription_id: s.account_id
            for s in ConnectedSubscription.objects.filter(organization=spot)
        }
        connections = []
        for subscription in ConnectedSubscription.objects.filter(organization=organization):
            twin = twins.get(subscription.subscription_id)
            account = Account.objects.get(pk=subscription.account_id)
            if twin is None:
                continue
            connections.append(
                save_connection(
                    actor=None,
                    account=account,
                    base_url=base_url,
                    spot_account_id=twin,
                    token=token,
                )
            )
    return connections
