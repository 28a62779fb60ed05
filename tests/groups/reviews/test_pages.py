"""The review pages through Django's test client: inbox, review page and its steps, policy."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from console.models import AuditEntry
from groups.models import Group
from groups.reviews.models import ChangeRequest, ChangeState, ReviewPolicy
from groups.reviews.services import approve, propose_change, request_review
from tests.factories import MembershipFactory


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _open_change(world, version: str = "1.1.0", reviewers=None) -> ChangeRequest:
    change, _ = propose_change(actor=world.author, group=world.group, spec=world.body(version))
    return request_review(actor=world.author, change=change, reviewers=reviewers or [])


def _step(client: Client, change: ChangeRequest, step: str, **data):
    data.setdefault("version", change.version)
    return client.post(reverse("reviews:step", args=[change.pk, step]), data)


def test_the_inbox_lists_what_waits_for_me_and_mine_with_counts_in_the_navigation(review_world):
    world = review_world
    change = _open_change(world, reviewers=[world.reviewer])
    page = _client(world.reviewer).get(reverse("reviews:inbox"))
    assert page.status_code == 200
    waiting = page.context["waiting"].rows
    assert [c.pk for c in waiting] == [change.pk]
    assert page.context["mine"].rows == []
    assert '1<span class="visually-hidden"> waiting for your review' in page.content.decode()

    mine = _client(world.author).get(reverse("reviews:inbox"))
    assert mine.context["waiting"].rows == []
    assert [c.pk for c in mine.context["mine"].rows] == [change.pk]
    # Named reviewers only: the second reviewer was not asked.
    other = _client(world.second_reviewer).get(reverse("reviews:inbox"))
    assert other.context["waiting"].rows == []


def test_the_inbox_filters_by_account_status_author_and_image(review_world):
    world = review_world
    change = _open_change(world)
    client = _client(world.reviewer)
    url = reverse("reviews:inbox")

    def waiting(**query) -> list[int]:
        return [c.pk for c in client.get(url, query).context["waiting"].rows]

    assert waiting() == [change.pk]
    assert waiting(account=world.account.pk, state="in_review") == [change.pk]
    assert waiting(state="approved") == []
    assert waiting(author=world.author.username, image="ubuntu-22") == [change.pk]
    assert waiting(author=world.reviewer.username) == []
    assert waiting(author="nobody-by-that-name") == []
    assert waiting(image="debian-12") == []


def test_the_review_page_shows_the_change_in_words_and_the_raw_json_diff(review_world):
    world = review_world
    body = world.body("1.1.0")
    body["compute"]["vmSizes"]["spotSizes"].append("standard_d4s_v5")
    change, _ = propose_change(actor=world.author, group=world.group, spec=body)
    page = _client(world.reviewer).get(reverse("reviews:change", args=[change.pk]))
    words = [field.words for field in page.context["words"]]
    assert words == [
        "VM sizes > Spot sizes: +standard_d4s_v5",
        "Image > Gallery > Version: 1.0.0 → 1.1.0",
    ]
    html = page.content.decode()
    assert "Image &gt; Gallery &gt; Version: 1.0.0 → 1.1.0" in html
    assert "+          &quot;version&quot;: &quot;1.1.0&quot;" in html


def test_comments_are_plain_text_rendered_safely(review_world):
    world = review_world
    change = _open_change(world)
    response = _step(
        _client(world.viewer), change, "comment", text="<script>alert(1)</script>\nsecond line"
    )
    assert response.status_code == 302
    html = _client(world.author).get(reverse("reviews:change", args=[change.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>second line" in html


def test_a_viewer_sees_no_review_or_apply_buttons_and_is_refused_if_posting(review_world):
    world = review_world
    change = _open_change(world)
    viewer = _client(world.viewer)
    html = viewer.get(reverse("reviews:change", args=[change.pk])).content.decode()
    assert ">Approve</button>" not in html
    assert ">Apply</button>" not in html
    assert ">Comment</button>" in html
    refused = _step(viewer, change, "approve")
    assert refused.status_code == 403
    assert "changes are reviewed by: admin or editor" in refused.content.decode()
    assert _step(viewer, change, "apply").status_code == 403
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeState.IN_REVIEW


def test_the_author_is_told_they_cannot_approve_their_own_change(review_world):
    world = review_world
    change = _open_change(world)
    author = _client(world.author)
    html = author.get(reverse("reviews:change", args=[change.pk])).content.decode()
    assert ">Approve</button>" not in html
    assert "You proposed this change, so someone else reviews it." in html
    refused = _step(author, change, "approve")
    assert refused.status_code == 403
    assert "You cannot approve or reject your own change" in refused.content.decode()


def test_review_then_apply_through_the_page_and_the_live_group_changes(review_world):
    world = review_world
    change = _open_change(world)
    reviewer = _client(world.reviewer)
    assert _step(reviewer, change, "approve", text="Tested in staging").status_code == 302
    author = _client(world.author)
    page = author.get(reverse("reviews:change", args=[change.pk])).content.decode()
    assert "The review policy is met" in page
    done = _step(author, change, "apply")
    assert done.status_code == 302
    live = Group.objects.get(pk=world.group.pk)
    assert live.spec["compute"]["launchSpecification"]["image"]["gallery"]["version"] == "1.1.0"
    timeline = author.get(reverse("reviews:change", args=[change.pk])).content.decode()
    assert "applied the change, revision 2" in timeline
    assert "Tested in staging" in timeline


def test_a_refused_apply_lists_the_problems_at_their_field(review_world):
    world = review_world
    change = approve(actor=world.reviewer, change=_open_change(world, "1.2.0"))
    refused = _step(_client(world.author), change, "apply")
    assert refused.status_code == 422
    html = refused.content.decode()
    assert 'id="apply-problems"' in html
    problems = refused.context["problems"]
    assert problems
    assert any("version" in problem.field for problem in problems)


def test_a_step_from_an_older_version_of_the_page_is_refused_with_409(review_world):
    world = review_world
    change = _open_change(world)
    stale_version = change.version
    propose_change(actor=world.author, group=world.group, spec=world.body("1.2.0"))
    refused = _step(_client(world.reviewer), change, "approve", version=stale_version)
    assert refused.status_code == 409
    assert "edited since you opened it" in refused.content.decode()


def test_admins_set_the_policy_others_cannot(review_world):
    world = review_world
    url = reverse("reviews:policy")
    assert _client(world.author).get(url).status_code == 403
    admin = _client(world.admin)
    assert admin.get(url).status_code == 200
    missing = admin.post(url, {"approvals_required": "2"})
    assert missing.status_code == 422
    assert "Choose at least one role that may review." in missing.content.decode()
    saved = admin.post(
        url,
        {
            "approvals_required": "2",
            "approver_roles": ["admin"],
            "admin_bypass": "on",
            "reapproval_conditions": ["gone"],
        },
    )
    assert saved.status_code == 302
    policy = ReviewPolicy.objects.get(organization=world.organization)
    assert (policy.approvals_required, policy.approver_roles, policy.admin_bypass) == (
        2,
        ["admin"],
        True,
    )
    assert policy.reapproval_conditions == ["gone"]
    assert not policy.api_requires_review
    assert AuditEntry.objects.filter(action="review_policy.update", actor=world.admin).exists()


def test_another_organizations_change_is_not_found(review_world, db):
    world = review_world
    change = _open_change(world)
    stranger = MembershipFactory(role="admin").user
    client = _client(stranger)
    assert client.get(reverse("reviews:change", args=[change.pk])).status_code == 404
    assert _step(client, change, "comment", text="hi").status_code == 404


def test_an_empty_comment_is_refused_on_the_page_with_422(review_world):
    world = review_world
    change = _open_change(world)
    refused = _step(_client(world.viewer), change, "comment", text="   ")
    assert refused.status_code == 422
    assert "Write a comment." in refused.content.decode()
    assert not change.events.filter(kind="commented").exists()
