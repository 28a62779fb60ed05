"""Review steps taken at the same moment, on real threads with their own connections and
transactions: nothing is lost, and the step that lost the race gets one clear refusal."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from groups.models import Group
from groups.reviews.models import ChangeRequest, ChangeState, Verdict, VerdictKind
from groups.reviews.refusals import ReviewRefused
from groups.reviews.services import (
    apply_change,
    approve,
    propose_change,
    request_changes,
    request_review,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(**steps: Callable[[], Any]) -> dict[str, Any]:
    """Run each step on its own thread, released together; name -> its result or exception."""
    barrier = threading.Barrier(len(steps))
    outcomes: dict[str, Any] = {}

    def run(name: str, step: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[name] = step()
        except BaseException as exc:  # reported by the test
            outcomes[name] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in steps.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _in_review(world) -> ChangeRequest:
    change, _ = propose_change(actor=world.author, group=world.group, spec=world.body("1.1.0"))
    return request_review(actor=world.author, change=change)


def test_two_reviewers_at_once_both_verdicts_are_kept(review_world):
    world = review_world
    change = _in_review(world)
    outcomes = _at_once(
        approval=lambda: approve(actor=world.reviewer, change=change, expected_version=1),
        objection=lambda: request_changes(
            actor=world.second_reviewer, change=change, text="Pin 1.0.0", expected_version=1
        ),
    )
    assert not any(isinstance(found, BaseException) for found in outcomes.values()), outcomes
    verdicts = dict(Verdict.objects.filter(change=change).values_list("reviewer_id", "kind"))
    assert verdicts == {
        world.reviewer.pk: VerdictKind.APPROVED,
        world.second_reviewer.pk: VerdictKind.CHANGES_REQUESTED,
    }
    # Changes requested by anyone blocks, whichever verdict was written last.
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeState.CHANGES_REQUESTED


def test_an_apply_racing_an_edit_one_wins_the_other_is_refused_in_words(review_world):
    world = review_world
    change = _in_review(world)
    approve(actor=world.reviewer, change=change, expected_version=1)
    edited = world.body("1.1.0", name="web-renamed")
    outcomes = _at_once(
        apply=lambda: apply_change(actor=world.author, change=change, expected_version=1),
        edit=lambda: propose_change(
            actor=world.second_reviewer, group=world.group, spec=edited, expected_version=1
        ),
    )
    refused = {name: found for name, found in outcomes.items() if isinstance(found, Exception)}
    assert len(refused) == 1, outcomes
    ((loser, refusal),) = refused.items()
    assert isinstance(refusal, ReviewRefused), repr(refusal)
    stored = ChangeRequest.objects.get(pk=change.pk)
    live = Group.objects.get(pk=world.group.pk)
    if loser == "edit":  # applied first: the edit is refused, the applied change is live
        assert "already applied or discarded" in str(refusal)
        assert stored.state == ChangeState.APPLIED
        assert live.revision == 2
        assert live.spec["compute"]["launchSpecification"]["image"]["gallery"]["version"] == (
            "1.1.0"
        )
    else:  # edited first: the apply is refused, the edit kept and its approval dismissed
        assert "edited since you opened it" in str(refusal)
        assert stored.state == ChangeState.IN_REVIEW
        assert stored.version == 2
        assert stored.proposed_spec["name"] == "web-renamed"
        assert live.revision == 1
