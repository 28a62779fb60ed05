"""The inbox pages each list past 25 rows; a group's timeline has its own page, also when no
change is open."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from groups.reviews.services import (
    apply_change,
    approve,
    comment,
    propose_change,
    request_review,
)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _group_names(html: str, heading_id: str) -> list[str]:
    table = html.split(f'aria-labelledby="{heading_id}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/reviews/\d+/">([^<]+)</a>', table)


def test_each_inbox_list_pages_past_25_rows(review_world):
    world = review_world
    for number in range(30):
        world.change_in_review(world.author, f"paged-{number:02d}")
    client = _client(world.reviewer)
    first = client.get(reverse("reviews:inbox")).content.decode()
    shown_first = _group_names(first, "waiting-heading")
    assert len(shown_first) == 25
    assert "25+" in first
    assert "waiting_page=2" in first
    second = client.get(reverse("reviews:inbox"), {"waiting_page": "2"}).content.decode()
    shown_second = _group_names(second, "waiting-heading")
    assert len(shown_second) == 5
    assert sorted(shown_first + shown_second) == [f"paged-{n:02d}" for n in range(30)]
    assert "waiting_page=1" in second
    assert "waiting_page=3" not in second
    # The author's own list pages the same way; filters are kept by the page links.
    mine = _client(world.author).get(reverse("reviews:inbox"), {"state": "in_review"})
    assert "state=in_review&amp;mine_page=2" in mine.content.decode()
    # A page past the end is empty, not an error; nonsense is the first page.
    assert client.get(reverse("reviews:inbox"), {"waiting_page": "9"}).status_code == 200
    nonsense = client.get(reverse("reviews:inbox"), {"waiting_page": "-1x"}).content.decode()
    assert _group_names(nonsense, "waiting-heading") == shown_first


def test_a_groups_timeline_has_its_own_page_once_its_change_is_applied(review_world):
    world = review_world
    change, _ = propose_change(actor=world.author, group=world.group, spec=world.body("1.1.0"))
    request_review(actor=world.author, change=change)
    comment(actor=world.viewer, change=change, text="<b>looks fine</b>")
    approve(actor=world.reviewer, change=change)
    apply_change(actor=world.author, change=change)
    client = _client(world.viewer)
    page = client.get(reverse("reviews:timeline", args=[world.group.pk])).content.decode()
    assert "no change is open" in page
    kinds = re.findall(r'data-kind="([a-z_]+)"', page)
    assert kinds == ["proposed", "requested", "commented", "approved", "applied"]
    assert "&lt;b&gt;looks fine&lt;/b&gt;" in page
    editor = client.get(f"/groups/{world.group.pk}/").content.decode()
    assert f'href="/reviews/groups/{world.group.pk}/timeline/"' in editor
    assert client.get(reverse("reviews:timeline", args=["sig-unknown"])).status_code == 404
