"""Idempotent demo data: organization "Contoso", three accounts and one user per role."""

from __future__ import annotations

import os
from importlib import import_module
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from console.models import Account, Membership, Organization, Role

ORGANIZATION = "Contoso"
ACCOUNTS = ("Production", "Staging", "Shared Images")
# Fixed, printed demo passwords: this command is for a local demo, never for production.
DEMO_USERS = (
    ("admin", Role.ADMIN, "admin-demo-pass"),
    ("editor", Role.EDITOR, "editor-demo-pass"),
    ("viewer", Role.VIEWER, "viewer-demo-pass"),
)


class Command(BaseCommand):
    help = "Create (or refresh) the Contoso demo organization, its accounts and demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sandbox", metavar="DIR", help="Connect the accounts to the Azure sandbox in DIR."
        )
        parser.add_argument(
            "--wait-for-sandbox",
            metavar="SECONDS",
            type=float,
            default=0,
            help="How long to wait for the sandbox to come up.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization = self._seed_tenancy()
        if options["sandbox"]:
            self._connect_sandbox(organization, options["sandbox"], options["wait_for_sandbox"])
        self._print_logins()

    @transaction.atomic
    def _seed_tenancy(self) -> Organization:
        organization, _ = Organization.objects.get_or_create(name=ORGANIZATION)
        for name in ACCOUNTS:
            Account.objects.get_or_create(organization=organization, name=name)
        user_model = get_user_model()
        for username, role, password in DEMO_USERS:
            user, _ = user_model.objects.get_or_create(
                username=username, defaults={"email": f"{username}@contoso.example"}
            )
            # Reset each run, so the printed password always works.
            user.set_password(password)
            user.is_active = True
            user.save()
            Membership.objects.update_or_create(
                user=user, organization=organization, defaults={"role": role}
            )
        return organization

    def _connect_sandbox(self, organization: Organization, sandbox_dir: str, wait: float) -> None:
        try:
            galleries_services = import_module("galleries.demo")
        except ImportError:
            galleries_services = None
        connect = getattr(galleries_services, "connect_demo_sandbox", None)
        if connect is None:
            self.stdout.write(
                self.style.WARNING(
                    "Note: the sandbox is not connected yet (galleries.demo."
                    "connect_demo_sandbox is not available); the accounts have no subscription."
                )
            )
            return
        connect(organization, sandbox_dir, wait)
        self.stdout.write(f"Connected {organization.name} to the Azure sandbox in {sandbox_dir}.")

    def _print_logins(self) -> None:
        url = f"http://127.0.0.1:{os.environ.get('WEB_PORT', '8000')}/"
        self.stdout.write(self.style.SUCCESS(f"Demo ready: open {url} and sign in as"))
        for username, role, password in DEMO_USERS:
            self.stdout.write(f"  {username:<7} password {password:<17} ({role.label})")
