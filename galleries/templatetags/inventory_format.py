"""How refresh runs and their times read on the subscription pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from galleries.models import RefreshRun, RefreshStatus

register = template.Library()

JUST_NOW = timedelta(minutes=1)


@register.filter
def ago(moment: datetime | None) -> str:
    """ "just now" under a minute, else "5 minutes ago" (never "0 minutes ago")."""
    if moment is None:
        return ""
    if timezone.now() - moment < JUST_NOW:
        return "just now"
    return f"{timesince(moment)} ago"


def format_seconds(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


@register.filter
def run_duration(run: RefreshRun) -> str:
    """Wall time of a finished run: "1.4 s", "2 min 5 s", "1 h 3 min"; "" if unknown."""
    if run.started_at is None or run.finished_at is None:
        return ""
    return format_seconds(max(0.0, (run.finished_at - run.started_at).total_seconds()))


@register.filter
def run_phase(run: RefreshRun) -> str:
    """What an active run is doing, in words beside its progress bar."""
    if run.status == RefreshStatus.QUEUED:
        return "Queued…"
    if run.collect_seconds is not None:
        return "Applying changes…"
    if not run.progress_total:
        return "Starting…"
    calls = "call" if run.progress_total == 1 else "calls"
    return f"Listing galleries… {run.progress_done} of {run.progress_total} {calls}"


@register.filter
def run_percent(run: RefreshRun) -> int:
    """Share of the run done, for the bar's width (the total grows while listing)."""
    if run.status == RefreshStatus.QUEUED or not run.progress_total:
        return 0
    if run.collect_seconds is not None:
        return 100
    return min(100, round(100 * run.progress_done / run.progress_total))
