"""The navigation's review counts follow each change through its states, exact up to the cap
and "N+" past it."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from groups.edit_context import EditContext
from groups.models import Kind, Status
from groups.reviews import selectors
from groups.reviews.services import apply_change, approve, propose_change, request_review
from groups.services import save_group


def _navigation_counts(user) -> tuple[str | None, str | None]:
    """The Reviews link's badges: (waiting for my review, my open changes); None when absent."""
    client = Client()
    client.force_login(user)
    html = client.get(reverse("reviews:inbox")).content.decode()
    link = html.split('id="nav-reviews"', 1)[1].split("</a>", 1)[0]
    waiting = re.search(r'title="Waiting for your review">([^<]+)<', link)
    mine = re.search(r'title="Your open changes">([^<]+)<', link)
    return (waiting and waiting.group(1), mine and mine.group(1))


def test_the_navigation_counts_follow_each_change_through_its_states(review_world, monkeypatch):
    world = review_world
    # A cap of 2 stands for 99: the same walk, stopped after one more than the cap.
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    groups = [world.group]
    for number in range(2):
        group, _ = save_group(
            EditContext(world.admin, world.organization, world.account, Kind.STATELESS),
            {**world.body(), "name": f"counted-{number}"},
            status=Status.ACTIVE,
            source="console",
        )
        groups.append(group)
    changes = [
        propose_change(
            actor=world.author, group=group, spec={**world.body("1.1.0"), "name": group.name}
        )[0]
        for group in groups
    ]
    # Drafts: the author's own open changes, waiting for nobody's review yet.
    assert _navigation_counts(world.author) == (None, "2+")
    assert _navigation_counts(world.reviewer) == (None, None)

    for change in changes:
        request_review(actor=world.author, change=change)
    assert _navigation_counts(world.reviewer) == ("2+", None)
    assert _navigation_counts(world.author) == (None, "2+")

    # The reviewer's verdict takes the change out of their count, not out of the author's.
    approve(actor=world.reviewer, change=changes[0])
    assert _navigation_counts(world.reviewer) == ("2", None)
    assert _navigation_counts(world.second_reviewer) == ("2+", None)
    # Applied, it is nobody's open change any more.
    apply_change(actor=world.author, change=changes[0])
    assert _navigation_counts(world.author) == (None, "2")
    assert _navigation_counts(world.second_reviewer) == ("2", None)


def test_waiting_for_me_is_everyone_elses_change_never_my_own(review_world):
    """Authors with a smaller and a larger id than the reader's, and a deleted author's change,
    all wait for the reader; the reader's own change never does. The navigation says the same
    on a filtered inbox and on a later page (where the lists do not count for it)."""
    world = review_world
    reader = world.reviewer
    assert world.author.pk < reader.pk < world.admin.pk

    others = {
        world.change_in_review(world.author, "by-smaller-id").pk,
        world.change_in_review(world.admin, "by-larger-id").pk,
        world.change_in_review(world.second_reviewer, "by-deleted-author").pk,
    }
    own = world.change_in_review(reader, "by-the-reader").pk
    world.second_reviewer.delete()

    client = Client()
    client.force_login(reader)
    inbox = client.get(reverse("reviews:inbox"))
    assert {change.pk for change in inbox.context["waiting"].rows} == others
    assert [change.pk for change in inbox.context["mine"].rows] == [own]
    assert "—" in inbox.content.decode()  # the deleted author, in the Author column
    assert _navigation_counts(reader) == ("3", "1")
    for narrowed in ({"state": "approved"}, {"waiting_page": "2"}):
        page = client.get(reverse("reviews:inbox"), narrowed).content.decode()
        link = page.split('id="nav-reviews"', 1)[1].split("</a>", 1)[0]
        assert 'title="Waiting for your review">3<' in link
        assert 'title="Your open changes">1<' in link
