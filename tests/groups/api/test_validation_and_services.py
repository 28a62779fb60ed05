"""Validation rules and the save/delete services the console and the API share."""

from __future__ import annotations

import pytest

from console.models import AuditEntry
from galleries.models import ImageVersion
from groups.edit_context import EditContext
from groups.models import Group, Revision
from groups.services import RevisionConflict, ValidationFailed, delete_group, save_group
from groups.validation.rules import validate_spec
from tests.inventory_factories import share

from .bodies import group_body, node_body


def _context(api_world, kind, actor=None):
    return EditContext(actor, api_world.organization, api_world.account, kind)


def codes(api_world, kind, spec):
    problems = validate_spec(_context(api_world, kind), spec)
    return {(p.code, p.field, p.severity) for p in problems}


def test_valid_group_and_node_have_no_problems(api_world):
    assert codes(api_world, "stateless", group_body()) == set()
    assert codes(api_world, "stateful", node_body()) == set()


@pytest.mark.parametrize(
    ("gallery", "code", "field"),
    [
        ({"imageName": "nope"}, "GALLERY_IMAGE_NOT_FOUND", "gallery.imageName"),
        ({"version": "9.9.9"}, "GALLERY_VERSION_NOT_FOUND", "gallery.version"),
        ({"version": "0.9.0"}, "GALLERY_VERSION_FAILED", "gallery.version"),
        ({"version": "1.2"}, "VALIDATION_ERROR", "gallery.version"),
        ({"spotAccountId": "act-deadbeef"}, "UNKNOWN_ACCOUNT", "gallery.spotAccountId"),
    ],
)
def test_gallery_reference_problems(api_world, gallery, code, field):
    found = codes(api_world, "stateless", group_body(**gallery))
    assert (code, f"compute.launchSpecification.image.{field}", "error") in found


def test_version_not_replicated_to_the_groups_region(api_world):
    spec = group_body(version="1.1.0")
    spec["region"] = "westeurope"
    problems = validate_spec(_context(api_world, "stateless"), spec)
    assert [p.code for p in problems] == ["GALLERY_VERSION_NOT_IN_REGION"]
    assert (
        problems[0].message == "Version 1.1.0 of image ubuntu-22 is not replicated to westeurope."
    )
    spec["region"] = "northeurope"
    spec["compute"]["launchSpecification"]["image"]["gallery"]["version"] = "latest"
    assert "GALLERY_VERSION_NOT_IN_REGION" in {c for c, _, _ in codes(api_world, "stateless", spec)}


def test_cross_subscription_gallery_share_verdicts(api_world):
    spec = group_body(
        resourceGroupName="rg-shared",
        galleryName="sharedgallery",
        imageName="win-2022",
        version="3.1.0",
        spotAccountId=api_world.other_account.id,
    )
    spec["compute"]["os"] = "Windows"
    spec["compute"]["launchSpecification"]["login"] = {
        "userName": "winadmin",
        "password": "Pa55w0rd!",
    }
    assert codes(api_world, "stateless", spec) == set()
    share(api_world.subscription, api_world.shared_image.gallery, "unknown")
    assert codes(api_world, "stateless", spec) == {
        ("GALLERY_NOT_SHARED", "compute.launchSpecification.image.gallery.galleryName", "warning")
    }
    share(api_world.subscription, api_world.shared_image.gallery, "not_shared")
    assert (
        "GALLERY_NOT_SHARED",
        "compute.launchSpecification.image.gallery.galleryName",
        "error",
    ) in codes(api_world, "stateless", spec)


def test_os_mismatch_and_specialized_image_rules(api_world):
    spec = group_body()
    spec["compute"]["os"] = "Windows"
    assert "GALLERY_OS_MISMATCH" in {c for c, _, _ in codes(api_world, "stateless", spec)}
    spec = group_body(imageName="appliance", version="2.0.0")
    spec["compute"]["launchSpecification"]["customData"] = "IyEvYmluL3NoCg=="
    found = codes(api_world, "stateless", spec)
    assert ("SPECIALIZED_IMAGE_LOGIN", "compute.launchSpecification.login", "error") in found
    assert ("SPECIALIZED_IMAGE_LOGIN", "compute.launchSpecification.customData", "error") in found
    del spec["compute"]["launchSpecification"]["login"]
    del spec["compute"]["launchSpecification"]["customData"]
    assert codes(api_world, "stateless", spec) == set()


def test_schema_rules(api_world):
    spec = group_body()
    spec["capacity"] = {"minimum": 3, "target": 1, "maximum": 2}
    del spec["compute"]["launchSpecification"]["login"]
    spec["compute"]["launchSpecification"]["image"]["marketplace"] = {"publisher": "x"}
    del spec["region"]
    found = {(c, f) for c, f, _ in codes(api_world, "stateless", spec)}
    assert ("VALIDATION_ERROR", "capacity.target") in found
    assert ("VALIDATION_ERROR", "compute.launchSpecification.image") in found
    assert ("MISSING_REQUIRED_FIELD", "region") in found
    node = node_body()
    node["persistence"]["shouldPersistOsDisk"] = "yes"
    node["persistence"]["osDiskPersistenceMode"] = "sometimes"
    found = {(c, f) for c, f, _ in codes(api_world, "stateful", node)}
    assert ("VALIDATION_ERROR", "persistence.shouldPersistOsDisk") in found
    assert ("VALIDATION_ERROR", "persistence.osDiskPersistenceMode") in found


def _save(
    api_world, spec, *, status="active", group=None, expected_revision=None, kind="stateless"
):
    return save_group(
        _context(api_world, kind, actor=api_world.members["editor"].user),
        spec,
        status=status,
        source="console",
        group=group,
        expected_revision=expected_revision,
    )


def test_active_save_with_errors_saves_nothing_but_a_draft_keeps_it(api_world):
    bad = group_body(version="9.9.9")
    with pytest.raises(ValidationFailed) as failure:
        _save(api_world, bad)
    assert failure.value.problems[0].code == "GALLERY_VERSION_NOT_FOUND"
    assert not Group.objects.exists()
    draft, warnings = _save(api_world, bad, status="draft")
    assert draft.status == "draft"
    assert [w.code for w in warnings] == ["GALLERY_VERSION_NOT_FOUND"]
    assert draft.spec == bad


def test_save_keeps_columns_revisions_and_audit_in_step(api_world):
    group, problems = _save(api_world, group_body())
    assert problems == []
    assert (group.id[:4], group.name, group.region, group.revision) == ("sig-", "web", "eastus", 1)
    assert (group.gallery_account, group.gallery_name) == (api_world.account, "contosogallery")
    spec = group_body(version="1.1.0")
    updated, _ = _save(api_world, spec, group=group, expected_revision=1)
    assert updated.revision == 2
    assert list(Revision.objects.filter(group=group).values_list("number", flat=True)) == [2, 1]
    entry = AuditEntry.objects.filter(object_id=group.id, action="group.update").get()
    assert entry.before["compute"]["launchSpecification"]["image"]["gallery"]["version"] == "1.0.0"


def test_stale_revision_is_a_conflict_and_overwrites_nothing(api_world):
    group, _ = _save(api_world, group_body())
    _save(api_world, group_body(version="1.1.0"), group=group, expected_revision=1)
    with pytest.raises(RevisionConflict) as conflict:
        _save(api_world, group_body(version="1.0.0"), group=group, expected_revision=1)
    assert conflict.value.current.revision == 2
    group.refresh_from_db()
    assert group.spec["compute"]["launchSpecification"]["image"]["gallery"]["version"] == "1.1.0"


def test_password_is_stored_encrypted_and_nowhere_in_plain_text(api_world):
    spec = group_body()
    spec["compute"]["launchSpecification"]["login"]["password"] = "Plain-Text-Pa55"
    group, _ = _save(api_world, spec)
    assert group.login_password_encrypted
    assert "Plain-Text-Pa55" not in group.login_password_encrypted
    assert "password" not in group.spec["compute"]["launchSpecification"]["login"]
    assert "Plain-Text-Pa55" not in str(Revision.objects.get(group=group).spec)
    assert "Plain-Text-Pa55" not in str(list(AuditEntry.objects.values("before", "after")))
    # An edit that leaves the password out keeps it (write-only field).
    kept, _ = _save(api_world, group_body(version="1.1.0"), group=group)
    assert kept.login_password_encrypted == group.login_password_encrypted


def test_windows_login_needs_a_password_unless_one_is_stored(api_world):
    spec = node_body(
        resourceGroupName="rg-shared",
        galleryName="sharedgallery",
        imageName="win-2022",
        versionName="latest",
        spotAccountId=api_world.other_account.id,
    )
    spec["compute"]["os"] = "Windows"
    spec["compute"]["launchSpecification"]["login"] = {"userName": "winadmin"}
    with pytest.raises(ValidationFailed) as failure:
        _save(api_world, spec, kind="stateful")
    assert failure.value.problems[0].field == "compute.launchSpecification.login.password"
    spec["compute"]["launchSpecification"]["login"]["password"] = "Pa55w0rd!"
    node, _ = _save(api_world, spec, kind="stateful")
    assert node.id.startswith("ssn-")
    spec["compute"]["launchSpecification"]["login"] = {"userName": "winadmin2"}
    node, problems = _save(api_world, spec, kind="stateful", group=node)
    assert problems == []


def test_delete_leaves_an_audit_entry(api_world):
    group, _ = _save(api_world, group_body())
    delete_group(
        actor=api_world.members["editor"].user,
        group=group,
        source="api",
        deallocation_config={"shouldTerminateVm": True},
    )
    assert not Group.objects.filter(pk=group.pk).exists()
    entry = AuditEntry.objects.get(action="group.delete", object_id=group.id)
    assert entry.after["deallocationConfig"] == {"shouldTerminateVm": True}


def test_node_persisting_data_disks_cannot_switch_to_an_image_with_data_disks(api_world):
    ImageVersion.objects.filter(image=api_world.image, name="1.1.0").update(data_disk_count=2)
    node, _ = _save(api_world, node_body(versionName="1.0.0"), kind="stateful")
    with pytest.raises(ValidationFailed) as failure:
        _save(api_world, node_body(versionName="1.1.0"), kind="stateful", group=node)
    assert "has data disks" in failure.value.problems[0].message
    # A node that does not keep its data disks may.
    keeps_nothing = node_body(versionName="1.0.0")
    keeps_nothing["persistence"]["shouldPersistDataDisks"] = False
    other, _ = _save(api_world, keeps_nothing, kind="stateful")
    switched = node_body(versionName="1.1.0")
    switched["persistence"]["shouldPersistDataDisks"] = False
    _, problems = _save(api_world, switched, kind="stateful", group=other)
    assert problems == []


LAUNCH = ("compute", "launchSpecification")


@pytest.mark.parametrize(
    ("kind", "path", "value", "message"),
    [
        ("stateless", ("strategy", "drainingTimeout"), 10**12,
         "Draining timeout must be between 0 and 3,600 seconds (got 1,000,000,000,000)."),
        ("stateful", ("strategy", "drainingTimeout"), 0,
         "Draining timeout must be between 1 and 3,600 seconds (got 0)."),
        ("stateless", ("strategy", "onDemandCount"), 10**12,
         "On-demand count must be between 0 and 25,000 (got 1,000,000,000,000)."),
        ("stateless", ("strategy", "onDemandCount"), 3,
         "On-demand count (3) can't be more than capacity maximum (2)."),
        ("stateless", ("strategy", "spotPercentage"), 101,
         "Spot percentage must be between 0 and 100 (got 101)."),
        ("stateless", (*LAUNCH, "vmNamePrefix"), "web_", "VM name prefix can't contain spaces "
         "or these characters: _"),
        ("stateless", (*LAUNCH, "vmNamePrefix"), "a" * 26,
         "VM name prefix can be at most 25 characters long (it has 26)."),
        ("stateful", (*LAUNCH, "vmName"), "db-", "VM name can't end with a hyphen."),
        ("stateless", (*LAUNCH, "osDisk", "sizeGB"), 4096,
         "Disk size must be between 1 and 1,023 GB (got 4,096)."),
        ("stateless", (*LAUNCH, "tags"), [{"tagKey": "a/b", "tagValue": "x"}],
         "A tag name can't contain < > % & \\ ? or /."),
        ("stateless", ("compute", "preferredZones"), ["4"],
         'An availability zone is "1", "2" or "3".'),
        ("stateful", ("compute", "preferredZone"), "zone-1",
         'An availability zone is "1", "2" or "3".'),
        ("stateless", ("compute", "vmSizes", "odSizes"), ["Standard D2"],
         "A VM size is a name like Standard_D2s_v5."),
        ("stateless", ("description",), "x" * 1025,
         "Description can be at most 1,024 characters long (it has 1,025)."),
    ],
)  # fmt: skip
def test_spots_and_azures_limits_with_their_message_at_the_field(
    api_world, kind, path, value, message
):
    spec = group_body() if kind == "stateless" else node_body()
    target = spec
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    found = codes(api_world, kind, spec)
    problems = validate_spec(_context(api_world, kind), spec)
    assert message in {p.message for p in problems}, problems
    [problem] = [p for p in problems if p.message == message]
    assert problem.field.startswith(".".join(path))
    assert found
