# ruff: noqa: S608 - SQL is joined only from constant pieces; every value is a bound parameter.
"""Reads for the Shared Image cascade: Account -> Resource Group -> Gallery -> Image -> Version.

Each dropdown is filled by at most three SQL statements (the subscription with its inventory
age, the level's rows, one lookup), written by hand so that every one is a single indexed probe
whose cost does not grow with the inventory: parents are found by their lower-cased ARM id
(unique per subscription), lists are capped at OPTION_CAP and read in index order.
The levels themselves are assembled in levels.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from django.db import connection
from django.http import Http404
from django.utils.dateparse import parse_datetime

from console.models import Organization
from galleries.arm_ids import gallery_arm_id, image_arm_id, resource_group_arm_id, version_arm_id
from galleries.azure_state import AzureState, azure_state_note
from galleries.inventory.latest import latest_version_params, latest_version_sql
from galleries.models import APPLIED_REFRESH_STATUSES, Gallery

from .selection import LATEST, OPTION_CAP, Selection


@dataclass(frozen=True)
class SubscriptionAge:
    pk: int
    subscription_id: str
    account_id: str
    display_name: str
    refreshed_at: datetime | None
    azure_state: str = ""

    @property
    def azure_state_note(self) -> str:
        """What Azure's state of the subscription means here ("" when plain Enabled)."""
        return azure_state_note(self.azure_state)

    @property
    def azure_state_label(self) -> str:
        return str(dict(AzureState.choices).get(self.azure_state, self.azure_state))


@dataclass(frozen=True)
class ShareVerdictRow:
    verdict: str
    detail: str
    checked_at: datetime | None


def _datetime(value: Any) -> datetime | None:
    """SQLite hands raw columns back as text; PostgreSQL as aware datetimes."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _rows(sql: str, params: list[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _search(column: str, query: str, selected_arm_id: str) -> tuple[str, list[Any]]:
    """SQL narrowing `column` to names containing `query`, always keeping the selected row."""
    if not query:
        return "", []
    escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return (
        f" AND (LOWER({column}.name) LIKE %s ESCAPE '\\' OR {column}.arm_id = %s)",
        [f"%{escaped}%", selected_arm_id],
    )


def _day(column: str) -> str:
    """SQL for the "YYYY-MM-DD" of a timestamp column (UTC on both databases)."""
    return f"SUBSTR(CAST({column} AS TEXT), 1, 10)"


# Written out, not bound: the partial index `applied_refresh_newest` serves only a query whose
# condition matches its own, and SQLite cannot tell that of a bound parameter.
_APPLIED = ", ".join(f"'{status}'" for status in APPLIED_REFRESH_STATUSES)


def _capped(names: list[tuple]) -> tuple[list[str], bool]:
    return [row[0] for row in names[:OPTION_CAP]], len(names) > OPTION_CAP


# --- one statement each -----------------------------------------------------------------------


def subscription_with_age(organization: Organization, account_id: str) -> SubscriptionAge:
    """The organization's subscription bound to `account_id` with the finish time of its last
    successful refresh; another organization's account (or none) is a 404."""
    rows = _rows(
        "SELECT s.id, s.subscription_id, s.account_id, s.display_name,"
        " (SELECT r.finished_at FROM galleries_refreshrun r WHERE r.subscription_id = s.id"
        f"  AND r.status IN ({_APPLIED}) ORDER BY r.finished_at DESC LIMIT 1),"
        " s.azure_state"
        " FROM galleries_connectedsubscription s"
        " WHERE s.organization_id = %s AND s.account_id = %s",
        [organization.pk, account_id],
    )
    if not rows:
        raise Http404("No connected subscription with that account in this organization.")
    pk, subscription_id, account, name, refreshed, state = rows[0]
    return SubscriptionAge(pk, subscription_id, account, name, _datetime(refreshed), state or "")


def resource_group_names(
    sub: SubscriptionAge, selection: Selection, query: str = ""
) -> tuple[list[str], bool]:
    """Resource groups holding at least one live gallery, by name."""
    wanted = resource_group_arm_id(sub.subscription_id, selection.gallery_resource_group_name)
    search, params = _search("rg", query, wanted)
    return _capped(
        _rows(
            "SELECT rg.name FROM galleries_resourcegroup rg"
            " WHERE rg.subscription_id = %s AND rg.deleted_at IS NULL AND EXISTS ("
            "  SELECT 1 FROM galleries_gallery g"
            "  WHERE g.resource_group_id = rg.id AND g.deleted_at IS NULL)"
            f"{search} ORDER BY rg.name LIMIT %s",
            [sub.pk, *params, OPTION_CAP + 1],
        )
    )


def gallery_names(
    sub: SubscriptionAge, selection: Selection, query: str = ""
) -> tuple[list[str], bool]:
    """Live galleries of the chosen resource group, by name."""
    resource_group = selection.gallery_resource_group_name
    wanted = gallery_arm_id(sub.subscription_id, resource_group, selection.gallery_name)
    search, params = _search("g", query, wanted)
    return _capped(
        _rows(
            "SELECT g.name FROM galleries_gallery g"
            " JOIN galleries_resourcegroup rg ON rg.id = g.resource_group_id"
            " WHERE rg.subscription_id = %s AND rg.arm_id = %s AND rg.deleted_at IS NULL"
            f" AND g.deleted_at IS NULL{search} ORDER BY g.name LIMIT %s",
            [
                sub.pk,
                resource_group_arm_id(sub.subscription_id, resource_group),
                *params,
                OPTION_CAP + 1,
            ],
        )
    )


def image_names(
    sub: SubscriptionAge, selection: Selection, query: str = ""
) -> tuple[list[str], bool]:
    """Images of the chosen gallery, only those of the chosen OS when there is one."""
    rg, gallery = selection.gallery_resource_group_name, selection.gallery_name
    wanted = image_arm_id(sub.subscription_id, rg, gallery, selection.image_name)
    search, params = _search("i", query, wanted)
    os_filter, os_params = (" AND i.os_type = %s", [selection.os]) if selection.os else ("", [])
    return _capped(
        _rows(
            "SELECT i.name FROM galleries_galleryimage i"
            " JOIN galleries_gallery g ON g.id = i.gallery_id"
            " WHERE g.subscription_id = %s AND g.arm_id = %s AND g.deleted_at IS NULL"
            f" AND i.deleted_at IS NULL{os_filter}{search} ORDER BY i.name LIMIT %s",
            [
                sub.pk,
                gallery_arm_id(sub.subscription_id, rg, gallery),
                *os_params,
                *params,
                OPTION_CAP + 1,
            ],
        )
    )


def share_verdict(
    organization: Organization, reader_account_id: str, sub: SubscriptionAge, selection: Selection
) -> ShareVerdictRow | None:
    """The cached verdict on whether the group's subscription can read the chosen gallery."""
    rows = _rows(
        "SELECT sc.verdict, sc.detail, sc.checked_at FROM galleries_sharecheck sc"
        " JOIN galleries_connectedsubscription reader ON reader.id = sc.reader_id"
        " JOIN galleries_gallery g ON g.id = sc.gallery_id"
        " WHERE reader.organization_id = %s AND reader.account_id = %s"
        " AND g.subscription_id = %s AND g.arm_id = %s",
        [
            organization.pk,
            reader_account_id,
            sub.pk,
            gallery_arm_id(
                sub.subscription_id, selection.gallery_resource_group_name, selection.gallery_name
            ),
        ],
    )
    if not rows:
        return None
    verdict, detail, checked_at = rows[0]
    return ShareVerdictRow(verdict, detail, _datetime(checked_at))


@dataclass(frozen=True)
class ImageRow:
    """The chosen image as the details panel shows it, with what "latest" is in the region."""

    pk: int
    subscription_id: int
    arm_id: str
    name: str
    os_type: str
    os_state: str
    hyper_v_generation: str
    architecture: str
    security_type: str
    end_of_life_date: datetime | None
    latest_name: str | None
    latest_id: int | None
    # The selection's version, looked up by name whatever the list shows (it may be past the
    # cap): its name if it still exists, and whether it can be used in the region.
    selected_version: str | None = None
    selected_usable: bool = False


def chosen_image(sub: SubscriptionAge, selection: Selection) -> ImageRow | None:
    arm_id = image_arm_id(
        sub.subscription_id,
        selection.gallery_resource_group_name,
        selection.gallery_name,
        selection.image_name,
    )
    region = selection.region or ""
    selected_id = version_arm_id(arm_id, selection.version_name or "-")
    latest_params = latest_version_params(region)
    rows = _rows(
        "SELECT i.id, i.subscription_id, i.arm_id, i.name, i.os_type, i.os_state,"
        " i.hyper_v_generation, i.architecture, i.security_type, i.end_of_life_date,"
        f" ({latest_version_sql('i.id', 'v.name')}), ({latest_version_sql('i.id', 'v.id')}),"
        " (SELECT v.name FROM galleries_imageversion v WHERE v.subscription_id = i.subscription_id"
        "  AND v.arm_id = %s AND v.deleted_at IS NULL),"
        " (SELECT 1 FROM galleries_imageversion v JOIN galleries_versionregion r"
        "  ON r.version_id = v.id WHERE v.subscription_id = i.subscription_id AND v.arm_id = %s"
        "  AND v.deleted_at IS NULL AND LOWER(v.provisioning_state) <> 'failed' AND r.region = %s)"
        " FROM galleries_galleryimage i JOIN galleries_gallery g ON g.id = i.gallery_id"
        " WHERE i.subscription_id = %s AND i.arm_id = %s"
        " AND i.deleted_at IS NULL AND g.deleted_at IS NULL",
        [*latest_params, *latest_params, selected_id, selected_id, region, sub.pk, arm_id],
    )
    if not rows:
        return None
    row = list(rows[0])
    row[9] = _datetime(row[9])
    row[13] = bool(row[13])
    return ImageRow(*row)


class VersionRow(NamedTuple):
    """What a version's <option> shows; read as plain columns, since a list of a hundred
    model instances (or even frozen dataclasses) costs more than the query itself."""

    name: str
    published_on: str | None  # "YYYY-MM-DD": a date to show, so never parsed into a datetime
    end_of_life_on: str | None
    exclude_from_latest: bool
    provisioning_state: str
    in_region: bool


def versions_of(
    image: ImageRow, selection: Selection, query: str = ""
) -> tuple[list[VersionRow], bool]:
    """Live versions newest first, each with `in_region`; only the region's unless showing all."""
    wanted = version_arm_id(image.arm_id, selection.version_name)
    search, params = _search("v", query, wanted)
    in_region = (
        "EXISTS (SELECT 1 FROM galleries_versionregion r"
        " WHERE r.version_id = v.id AND r.region = %s)"
    )
    if selection.region and not selection.all_versions:
        # Only the region's versions: every row is in the region, so nothing to look up twice.
        column, column_params = "1", []
        region_filter, region_params = f" AND {in_region}", [selection.region]
    else:
        column, column_params = in_region, [selection.region]
        region_filter, region_params = "", []
    # Ordered as the (image, deleted_at, -sort_key) index is (sort_key is unique per image),
    # so the index can hand rows over in order and the scan stop at the cap.
    rows = _rows(
        f"SELECT v.name, {_day('v.published_date')}, {_day('v.end_of_life_date')},"
        f" v.exclude_from_latest, v.provisioning_state, {column} FROM galleries_imageversion v"
        f" WHERE v.image_id = %s AND v.deleted_at IS NULL{region_filter}{search}"
        " ORDER BY v.deleted_at, v.sort_key DESC LIMIT %s",
        [*column_params, image.pk, *region_params, *params, OPTION_CAP + 1],
    )
    versions = [
        VersionRow(name, published, eol, bool(excluded), state, bool(there))
        for name, published, eol, excluded, state, there in rows[:OPTION_CAP]
    ]
    return versions, len(rows) > OPTION_CAP


@dataclass(frozen=True)
class VersionDetails:
    name: str
    published_date: datetime | None
    end_of_life_date: datetime | None
    exclude_from_latest: bool
    provisioning_state: str


def version_with_regions(
    image: ImageRow, version_name: str
) -> tuple[VersionDetails | None, list[dict[str, Any]]]:
    """One version (by name, or "latest" as resolved on `image`) and its regions' replicas."""
    params: list[Any]
    if version_name.lower() == LATEST:
        condition, params = "v.id = %s", [image.latest_id]
    else:
        condition = "v.subscription_id = %s AND v.arm_id = %s"
        params = [image.subscription_id, version_arm_id(image.arm_id, version_name)]
    rows = _rows(
        "SELECT v.name, v.published_date, v.end_of_life_date, v.exclude_from_latest,"
        " v.provisioning_state, r.region, r.replica_count, r.storage_account_type,"
        " r.exclude_from_latest FROM galleries_imageversion v"
        " LEFT JOIN galleries_versionregion r ON r.version_id = v.id"
        f" WHERE {condition} AND v.deleted_at IS NULL ORDER BY r.region",
        params,
    )
    if not rows:
        return None, []
    name, published, eol, excluded, state = rows[0][:5]
    version = VersionDetails(name, _datetime(published), _datetime(eol), bool(excluded), state)
    regions = [
        {
            "key": region,
            "replica_count": replicas,
            "storage_account_type": storage or "",
            "exclude_from_latest": bool(region_excluded),
        }
        for *_, region, replicas, storage, region_excluded in rows
        if region
    ]
    return version, regions


def find_gallery(organization: Organization, selection: Selection) -> Gallery | None:
    """The chosen gallery (for a targeted refresh), scoped to the organization."""
    sub = subscription_with_age(organization, selection.account)
    g_id = gallery_arm_id(
        sub.subscription_id, selection.gallery_resource_group_name, selection.gallery_name
    )
    return (
        Gallery.objects.filter(subscription_id=sub.pk, arm_id=g_id, deleted_at=None)
        .select_related("subscription")
        .first()
    )
