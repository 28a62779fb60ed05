"""Spot JSON in and out: spellings, updates, gallery references and the editor's fields."""

from __future__ import annotations

from datetime import UTC, datetime

from groups.models import Group
from groups.spot.json import (
    GalleryRef,
    editor_values_from_spec,
    gallery_reference,
    merge_update,
    parse_body,
    spec_from_editor_values,
    to_item,
    with_gallery_reference,
)

from .bodies import group_body, node_body


def test_parse_body_stores_the_spelling_spots_responses_use():
    body = group_body()
    launch = body["compute"]["launchSpecification"]
    launch["osDisk"] = {"size": 64, "type": "Premium_LRS"}
    launch["network"]["networkInterfaces"][0]["enableIpForwarding"] = True
    launch["bootDiagnostics"] = {"isEnabled": True, "storageUrl": "https://diag"}
    body["id"] = "sig-00000000"
    spec = parse_body("stateless", body)
    launch = spec["compute"]["launchSpecification"]
    assert launch["osDisk"] == {"sizeGB": 64, "type": "Premium_LRS"}
    assert launch["network"]["networkInterfaces"][0]["enableIPForwarding"] is True
    assert "enableIpForwarding" not in launch["network"]["networkInterfaces"][0]
    assert launch["bootDiagnostics"]["storageUri"] == "https://diag"
    assert "id" not in spec


def test_a_nodes_boot_diagnostics_are_answered_as_storage_url():
    node = node_body()
    node["compute"]["launchSpecification"]["bootDiagnostics"] = {"storageUri": "https://diag"}
    spec = parse_body("stateful", node)
    assert spec["compute"]["launchSpecification"]["bootDiagnostics"] == {
        "storageUrl": "https://diag"
    }


def test_parse_body_accepts_either_gallery_version_spelling_per_kind():
    node = node_body()
    gallery = node["compute"]["launchSpecification"]["image"]["gallery"]
    gallery["version"] = gallery.pop("versionName")
    spec = parse_body("stateful", node)
    assert spec["compute"]["launchSpecification"]["image"]["gallery"]["versionName"] == "latest"
    group = group_body()
    group_gallery = group["compute"]["launchSpecification"]["image"]["gallery"]
    group_gallery["versionName"] = group_gallery.pop("version")
    spec = parse_body("stateless", group)
    assert spec["compute"]["launchSpecification"]["image"]["gallery"]["version"] == "1.0.0"


def test_parse_body_keeps_fields_it_does_not_know():
    body = group_body()
    body["scaling"] = {"up": [{"policyName": "cpu", "threshold": 80}]}
    body["compute"]["launchSpecification"]["futureField"] = {"x": [1, 2]}
    assert parse_body("stateless", body) == body


def test_merge_update_replaces_the_image_whole_and_null_clears():
    spec = group_body(spotAccountId="act-11111111")
    spec["description"] = "old"
    patch = {
        "description": None,
        "capacity": {"target": 2},
        "compute": {
            "launchSpecification": {
                "image": {
                    "marketplace": {
                        "publisher": "Canonical",
                        "offer": "ubuntu",
                        "sku": "22_04",
                        "version": "latest",
                    }
                }
            }
        },
    }
    merged = merge_update(spec, patch)
    assert "description" not in merged
    assert merged["capacity"] == {"minimum": 0, "maximum": 2, "target": 2}
    assert list(merged["compute"]["launchSpecification"]["image"]) == ["marketplace"]
    assert merged["compute"]["launchSpecification"]["network"]["virtualNetworkName"] == "vnet"
    assert spec["description"] == "old"  # the input is not modified


def test_gallery_reference_reads_each_kinds_version_field():
    ref = gallery_reference("stateful", node_body(spotAccountId="act-22222222"))
    assert ref == GalleryRef("rg-images", "contosogallery", "ubuntu-22", "latest", "act-22222222")
    assert gallery_reference("stateless", group_body()).version_name == "1.0.0"
    updated = with_gallery_reference("stateless", group_body(), GalleryRef("rg", "g", "i", "2.0.0"))
    assert updated["compute"]["launchSpecification"]["image"] == {
        "gallery": {
            "resourceGroupName": "rg",
            "galleryName": "g",
            "imageName": "i",
            "version": "2.0.0",
        }
    }


def test_item_has_spots_time_format_and_no_password():
    spec = group_body()
    spec["compute"]["launchSpecification"]["login"]["password"] = "S3cret!"
    moment = datetime(2018, 10, 10, 10, 50, 29, 123456, tzinfo=UTC)
    group = Group(id="sig-0123abcd", kind="stateless", spec=spec)
    group.created_at = group.updated_at = moment
    item = to_item(group)
    assert item["id"] == "sig-0123abcd"
    assert item["createdAt"] == "2018-10-10T10:50:29.123Z"
    assert "password" not in item["compute"]["launchSpecification"]["login"]


def test_editor_round_trip_keeps_what_the_editor_does_not_show():
    spec = node_body(spotAccountId="act-22222222")
    spec["compute"]["launchSpecification"]["tags"] = [{"tagKey": "team", "tagValue": "db"}]
    values = editor_values_from_spec("stateful", spec)
    assert values["spot_account_id"] == "act-22222222"
    assert values["version_name"] == "latest"
    assert values["should_persist_data_disks"] is True
    assert values["preferred_zone"] == "1"
    assert values["login_password"] == ""
    values["version_name"] = "1.1.0"
    values["subnet_name"] = "backend"
    rebuilt = spec_from_editor_values("stateful", values, spec)
    launch = rebuilt["compute"]["launchSpecification"]
    assert launch["image"]["gallery"]["versionName"] == "1.1.0"
    assert launch["network"]["networkInterfaces"][0]["subnetName"] == "backend"
    assert launch["tags"] == [{"tagKey": "team", "tagValue": "db"}]


def test_new_stateless_spec_from_editor_gets_strategy_defaults():
    values = {
        "name": "web",
        "region": "eastus",
        "resource_group_name": "rg",
        "capacity_minimum": 0,
        "capacity_target": 1,
        "capacity_maximum": 3,
        "od_sizes": ["standard_d2s_v5"],
        "spot_sizes": ["standard_d2s_v5"],
        "image_type": "gallery",
        "gallery_resource_group_name": "rg-images",
        "gallery_name": "contosogallery",
        "image_name": "ubuntu-22",
        "version_name": "latest",
        "login_user_name": "azureuser",
        "login_password": "typed-once",
    }
    spec = spec_from_editor_values("stateless", values, None)
    assert spec["strategy"] == {"spotPercentage": 100, "fallbackToOd": True}
    assert "spotAccountId" not in spec["compute"]["launchSpecification"]["image"]["gallery"]
    assert spec["compute"]["launchSpecification"]["login"]["password"] == "typed-once"
    assert "description" not in spec
