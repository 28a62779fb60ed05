"""`manage.py connect_demo_spot --sandbox DIR --endpoint URL`: the demo publishes to Spot."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.models import Organization

from ...demo import SPOT_ORGANIZATION, SPOT_PASSWORD, SPOT_USER, connect_demo_spot


class Command(BaseCommand):
    help = (
        "Connect the demo organization's accounts to a bundled Spot-compatible endpoint: a "
        "second organization of this console, served at --endpoint."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", default="Contoso")
        parser.add_argument("--sandbox", required=True, metavar="DIR")
        parser.add_argument("--endpoint", required=True, metavar="URL")
        parser.add_argument("--wait-for-sandbox", type=float, default=30, metavar="SECONDS")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(name=options["organization"]).first()
        if organization is None:
            raise CommandError(f"No organization named {options['organization']}.")
        endpoint = options["endpoint"].rstrip("/")
        connections = connect_demo_spot(
            organization, options["sandbox"], endpoint, options["wait_for_sandbox"]
        )
        for connection in connections:
            self.stdout.write(
                f"{connection.account.name} publishes to {endpoint} as Spot account "
                f"{connection.spot_account_id} ({SPOT_ORGANIZATION})."
            )
        self.stdout.write(
            f"Spot's side: sign in as {SPOT_USER} / {SPOT_PASSWORD} to see what was published."
        )
