"""Exit 0 when a background process's heartbeat is fresh, 1 otherwise (container health checks)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from console.health import heartbeat_age_seconds, is_fresh, stale_after_seconds


class Command(BaseCommand):
    help = "Check that the worker's or beat's heartbeat is recent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=["worker", "beat"])

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        age = heartbeat_age_seconds(name)
        if not is_fresh(age):
            seen = "never seen" if age is None else f"last seen {age:.0f} s ago"
            raise CommandError(f"{name} is down: {seen} (limit {stale_after_seconds():.0f} s).")
        self.stdout.write(f"{name} ok: last seen {age:.0f} s ago.")
