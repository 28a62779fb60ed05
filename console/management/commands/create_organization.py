"""Create an organization, its first admin membership and first account: an install's first step.

With `docker compose`, after `createsuperuser`:
    docker compose exec web python manage.py create_organization "Acme" --admin alice
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from console import accounts


class Command(BaseCommand):
    help = "Create an organization with USERNAME as its admin and a first account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The organization's name.")
        parser.add_argument(
            "--admin", required=True, metavar="USERNAME", help="An existing user, made its admin."
        )
        parser.add_argument(
            "--account", default="Default", help="Name of the first account (default: Default)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        admin = user_model.objects.filter(**{user_model.USERNAME_FIELD: options["admin"]}).first()
        if admin is None:
            raise CommandError(
                f"There is no user {options['admin']!r}; create one first with createsuperuser."
            )
        try:
            organization = accounts.create_organization(
                name=options["name"], admin=admin, account_name=options["account"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        account = organization.accounts.get()
        self.stdout.write(
            f"Created organization {organization.name} with {admin.get_username()} as admin "
            f"and account {account.name} ({account.pk})."
        )
