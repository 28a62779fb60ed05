"""manage.py refresh_inventory [--subscription ID] [--wait [--timeout SECONDS]]"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from galleries.models import ConnectedSubscription, RefreshRun
from galleries.refresh.batch import refresh_subscriptions
from galleries.refresh.liveness import sweep_if_dead
from galleries.refresh.request import request_refresh
from galleries.refresh.runs import OutcomeNotSaved, refresh_now

POLL_SECONDS = 1.0


class Command(BaseCommand):
    help = "Refresh the gallery inventory of one or every connected subscription."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--subscription",
            help="Azure subscription id, console account id (act-…) or row id; default: all.",
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="Run inline (no worker needed) and print each run's result. A run already "
            "under way on a worker is waited for; if that worker dies, its run is marked "
            "failed and refreshed anew here.",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=1800.0,
            help="With --wait: give up waiting for a worker's run after this many seconds.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        subscriptions = ConnectedSubscription.objects.select_related("organization")
        if options["subscription"]:
            key = options["subscription"].strip()
            match = Q(subscription_id__iexact=key) | Q(account_id=key)
            if key.isdigit():
                match |= Q(pk=int(key))
            subscriptions = subscriptions.filter(match)
            if not subscriptions.exists():
                raise CommandError(f"No connected subscription matches {key!r}.")
        if not options["wait"]:
            for subscription in subscriptions:
                run, created = request_refresh(subscription)
                verb = "queued" if created else "merged into the active run"
                self.stdout.write(f"{subscription.display_name}: refresh {verb} (run {run.pk}).")
            return
        failed = False
        deadline = time.monotonic() + options["timeout"]
        # Inline, several subscriptions at a time (see refresh_subscriptions).
        try:
            runs = refresh_subscriptions(list(subscriptions))
        except OutcomeNotSaved as unsaved:
            raise CommandError(f"{unsaved} The run will be marked failed.") from unsaved
        for run in runs:
            run = self._wait_for(run, deadline)
            failed |= run.status == "failed"
            self._report(run.subscription, run)
        if failed:
            raise CommandError("At least one refresh failed.")

    def _wait_for(self, run: RefreshRun, deadline: float) -> RefreshRun:
        """A run merged into (executed by a worker) is waited for, never forever: once its
        worker stops responding it is marked failed and the refresh is done here instead."""
        while run.is_active:
            if sweep_if_dead(run):
                run.refresh_from_db()
                self.stdout.write(f"{run.subscription.display_name}: {run.error}")
                return refresh_now(run.subscription)
            if time.monotonic() >= deadline:
                raise CommandError(
                    f"Gave up waiting for refresh run {run.pk} of "
                    f"{run.subscription.display_name} ({run.status} on "
                    f"{run.worker or 'no worker yet'})."
                )
            time.sleep(POLL_SECONDS)
            run.refresh_from_db()
        return run

    def _report(self, subscription: ConnectedSubscription, run: RefreshRun) -> None:
        seconds = (
            (run.finished_at - run.started_at).total_seconds()
            if run.finished_at and run.started_at
            else 0.0
        )
        changes = ", ".join(
            f"{kind} +{c.get('created', 0)} ~{c.get('updated', 0)} -{c.get('deleted', 0)}"
            for kind, c in run.counts.items()
        )
        self.stdout.write(
            f"{subscription.display_name}: {run.status} in {seconds:.1f} s, "
            f"{run.api_calls} API calls ({run.throttled_responses} throttled); "
            f"{changes or 'no changes'}"
        )
        if run.error:
            self.stdout.write(f"  {run.error}")
