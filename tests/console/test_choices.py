"""The words a state is shown in, where they are its stored value in sentence case
(console.choices.WordedChoices): pages, forms and the admin show these labels."""

from console.models import Membership, Role
from galleries.models import RefreshStatus, ShareVerdict
from groups.models import Status
from groups.reviews.models import ChangeRequest, ChangeState, VerdictKind


def test_each_state_is_shown_in_its_value_in_sentence_case():
    assert ChangeState.choices == [
        ("draft", "Draft"),
        ("in_review", "In review"),
        ("approved", "Approved"),
        ("changes_requested", "Changes requested"),
        ("applied", "Applied"),
        ("discarded", "Discarded"),
    ]
    assert VerdictKind.labels == ["Approved", "Changes requested"]
    assert Role.labels == ["Admin", "Editor", "Viewer"]
    assert RefreshStatus.labels == ["Queued", "Running", "Succeeded", "Partial", "Failed"]
    assert ShareVerdict.labels == ["Readable", "Not shared", "Unknown"]
    assert Status.labels == ["Draft", "Active"]


def test_a_records_state_is_displayed_in_those_words():
    assert ChangeRequest(state=ChangeState.CHANGES_REQUESTED).get_state_display() == (
        "Changes requested"
    )
    assert Membership(role=Role.VIEWER).get_role_display() == "Viewer"
