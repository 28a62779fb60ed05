"""The words a state is shown in (console.choices.WordedChoices): a member without words of its
own is shown as its stored value in sentence case; pages, forms and the admin show these."""

from console.models import Membership, Role
from galleries.azure_state import AzureState
from galleries.models import CredentialStatus, RefreshRun, RefreshStatus, ShareVerdict
from groups.models import Status
from groups.publish.models import SyncState
from groups.reviews.models import ChangeRequest, ChangeState, VerdictKind


def test_a_state_without_words_of_its_own_is_shown_as_its_value_in_sentence_case():
    assert ChangeState.labels == [
        "Draft",
        "In review",
        "Approved",
        "Changes requested",
        "Applied",
        "Discarded",
    ]
    assert VerdictKind.labels == ["Approved", "Changes requested"]
    assert Role.labels == ["Admin", "Editor", "Viewer"]
    assert RefreshStatus.labels == ["Queued", "Running", "Succeeded", "Partial", "Failed"]
    assert ShareVerdict.labels == ["Readable", "Not shared", "Unknown"]
    assert Status.labels == ["Draft", "Active"]


def test_a_state_with_words_of_its_own_is_shown_in_them():
    assert SyncState.labels == ["Publishing", "In sync", "Failed", "Deleting in Spot"]
    assert CredentialStatus.labels == ["Not checked yet", "Valid", "Invalid"]
    assert AzureState.labels == ["Enabled", "Warned", "Past due", "Disabled", "Deleted"]
    assert RefreshRun.Scope.labels == ["Full", "One gallery"]


def test_a_records_state_is_displayed_in_those_words():
    change = ChangeRequest(state=ChangeState.CHANGES_REQUESTED)
    assert change.get_state_display() == "Changes requested"
    assert Membership(role=Role.VIEWER).get_role_display() == "Viewer"
