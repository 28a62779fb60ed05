"""Create an API token for a user from the command line; the token is the last line printed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from console import services
from console.selectors import memberships_of


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="What the token is for.")
        parser.add_argument(
            "--organization", help="Organization name; needed when the user is in several."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"There is no user {options['username']!r}.")
        memberships = memberships_of(user)
        if options["organization"]:
            memberships = memberships.filter(organization__name=options["organization"])
        found = list(memberships)
        if not found:
            raise CommandError(f"{user.get_username()} is not a member of that organization.")
        if len(found) > 1:
            names = ", ".join(m.organization.name for m in found)
            raise CommandError(
                f"{user.get_username()} is in several organizations ({names}); "
                "choose one with --organization."
            )
        membership = found[0]
        token, raw = services.create_api_token(
            user=user, organization=membership.organization, name=options["name"]
        )
        self.stderr.write(
            f"Token “{token.name}” for {user.get_username()} in {membership.organization.name} "
            f"({membership.role}); it is not shown again:"
        )
        self.stdout.write(raw)
