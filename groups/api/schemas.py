"""Request and response bodies of the Spot-compatible API, as pydantic models.

Field names are Spot's camelCase; unknown fields are allowed and kept (`extra="allow"`), so a
client may send anything Spot accepts (each within MAX_UNKNOWN_FIELD_BYTES). The models check
types and Spot's required fields; the limits and naming rules are the field table's
(groups.spot.fields, rules in groups.validation.limits), checked by groups.validation.rules for
the editor and the API alike, and shown here (`rule`) in the OpenAPI document. The update models
are the create models with every field optional (PUT is a partial update; null clears).
Where Spot's sources spell a field two ways both are accepted (see groups.spot.fields).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, create_model

from groups.models import Kind
from groups.spot.fields import rule_at
from groups.validation.limits import MAX_UNKNOWN_FIELD_BYTES

WRITE_ONLY_NOTE = (
    "Write-only: stored encrypted, never returned (the field is absent from every response). "
    "Leave it out of an update to keep the stored password; send null to remove it."
)


def rule(path: str, kind: Kind = Kind.STATELESS) -> Any:
    """A field documented with the limits of its rule in the field table."""
    return Field(json_schema_extra=rule_at(path, kind).json_schema())


def optional_rule(path: str, kind: Kind = Kind.STATELESS) -> Any:
    return Field(default=None, json_schema_extra=rule_at(path, kind).json_schema())


class SpotModel(BaseModel):
    # Strict: "2" is not a number and 1 is not text, as in Spot's JSON schema.
    model_config = ConfigDict(extra="allow", strict=True)


class Capacity(SpotModel):
    minimum: int = rule("capacity.minimum")
    maximum: int = rule("capacity.maximum")
    target: int = rule("capacity.target")


class StatelessStrategy(SpotModel):
    spotPercentage: int | None = optional_rule("strategy.spotPercentage")
    onDemandCount: int | None = optional_rule("strategy.onDemandCount")
    fallbackToOd: bool | None = None
    drainingTimeout: int | None = optional_rule("strategy.drainingTimeout")


class StatefulStrategy(SpotModel):
    fallbackToOd: bool
    preferredLifecycle: Literal["spot", "od"] | None = None
    drainingTimeout: int | None = optional_rule("strategy.drainingTimeout", Kind.STATEFUL)


class Persistence(SpotModel):
    shouldPersistOsDisk: bool
    shouldPersistDataDisks: bool
    shouldPersistNetwork: bool
    osDiskPersistenceMode: Literal["reattach", "onLaunch"] | None = None
    dataDisksPersistenceMode: Literal["reattach", "onLaunch"] | None = None


class VmSizes(SpotModel):
    odSizes: list[str]
    spotSizes: list[str] | None = None
    preferredSpotSizes: list[str] | None = None


class Marketplace(SpotModel):
    publisher: str
    offer: str
    sku: str
    version: str


class CustomImage(SpotModel):
    resourceGroupName: str
    name: str


class GalleryImage(SpotModel):
    """A Shared Image Gallery image; `version` (groups) or `versionName` (stateful nodes)."""

    resourceGroupName: str
    galleryName: str
    imageName: str
    version: str | None = Field(default=None, description='"latest" or x.y.z (stateless groups)')
    versionName: str | None = Field(default=None, description='"latest" or x.y.z (stateful nodes)')
    spotAccountId: str | None = Field(
        default=None,
        description="Account (act-…) of another connected subscription that owns the gallery.",
    )


class Image(SpotModel):
    """Exactly one of marketplace, custom or gallery."""

    marketplace: Marketplace | None = None
    custom: CustomImage | None = None
    gallery: GalleryImage | None = None


class NetworkInterface(SpotModel):
    isPrimary: bool
    subnetName: str
    assignPublicIp: bool | None = None


class Network(SpotModel):
    resourceGroupName: str
    virtualNetworkName: str
    networkInterfaces: list[NetworkInterface]


class Login(SpotModel):
    userName: str
    sshPublicKey: str | None = None
    password: str | None = Field(
        default=None, description=WRITE_ONLY_NOTE, json_schema_extra={"writeOnly": True}
    )


class OsDisk(SpotModel):
    type: str | None = None
    sizeGB: int | None = Field(default=None, description="Also accepted as `size`.")


class LaunchSpecification(SpotModel):
    image: Image
    network: Network
    login: Login | None = None
    customData: str | None = None
    osDisk: OsDisk | None = None


class StatelessCompute(SpotModel):
    os: Literal["Linux", "Windows"]
    vmSizes: VmSizes
    launchSpecification: LaunchSpecification
    zones: list[str] | None = None
    preferredZones: list[str] | None = None


class StatefulCompute(StatelessCompute):
    preferredZone: str | None = None


class GroupSpec(SpotModel):
    name: str = rule("name")
    region: str = rule("region")
    resourceGroupName: str = rule("resourceGroupName")
    description: str | None = optional_rule("description")
    capacity: Capacity
    strategy: StatelessStrategy
    compute: StatelessCompute


class StatefulNodeSpec(SpotModel):
    name: str = rule("name")
    region: str = rule("region")
    resourceGroupName: str = rule("resourceGroupName")
    description: str | None = optional_rule("description")
    strategy: StatefulStrategy
    persistence: Persistence
    compute: StatefulCompute


def _optional(annotation: Any, cache: dict[type, type]) -> Any:
    """The annotation with every nested model made partial (all fields optional)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return partial_model(annotation, cache)
    args = get_args(annotation)
    if not args:
        return annotation
    origin = get_origin(annotation)
    converted = tuple(_optional(arg, cache) for arg in args)
    if origin is list:
        return list[converted[0]]  # type: ignore[valid-type]
    if origin in (Union, type(int | None)):
        return Union[converted]  # noqa: UP007
    return annotation


def partial_model(model: type[BaseModel], cache: dict[type, type] | None = None) -> type:
    """`model` as used by PUT: every field optional (nullable), nested models too."""
    cache = {} if cache is None else cache
    if model in cache:
        return cache[model]
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        field = Field(
            default=None, description=info.description, json_schema_extra=info.json_schema_extra
        )
        fields[name] = (_optional(info.annotation, cache) | None, field)
    partial: type = create_model(
        f"{model.__name__}Update", __base__=SpotModel, __doc__=model.__doc__, **fields
    )
    cache[model] = partial
    return partial


def oversized_unknown_fields(model: BaseModel, path: str = "") -> Iterator[tuple[str, int]]:
    """(path, size in bytes) of each field the schema does not know that is over the cap."""
    prefix = f"{path}." if path else ""
    for name, value in (model.model_extra or {}).items():
        size = len(json.dumps(value, ensure_ascii=False).encode())
        if size > MAX_UNKNOWN_FIELD_BYTES:
            yield f"{prefix}{name}", size
    for name in model.model_fields_set:
        value = getattr(model, name)
        children = value if isinstance(value, list) else [value]
        for index, child in enumerate(children):
            if isinstance(child, BaseModel):
                where = f"{prefix}{name}.{index}" if isinstance(value, list) else f"{prefix}{name}"
                yield from oversized_unknown_fields(child, where)


def oversized_unknown_field_messages(model: BaseModel) -> list[tuple[str, str]]:
    """(path, message) for each unknown field over the cap: refused by the API and the import."""
    return [
        (
            path,
            f"{path} is {size:,} bytes; a field this API does not know is kept only up to "
            f"{MAX_UNKNOWN_FIELD_BYTES:,} bytes.",
        )
        for path, size in oversized_unknown_fields(model)
    ]


GroupUpdate = partial_model(GroupSpec)
StatefulNodeUpdate = partial_model(StatefulNodeSpec)


class CreateGroupBody(SpotModel):
    group: GroupSpec


class UpdateGroupBody(SpotModel):
    group: GroupUpdate  # type: ignore[valid-type]


class UpdateCapacityBody(SpotModel):
    """PUT /azure/compute/group/{groupId}/capacity: the bounds to change, others kept."""

    capacity: partial_model(Capacity)  # type: ignore[valid-type]


class CreateStatefulNodeBody(SpotModel):
    statefulNode: StatefulNodeSpec


class UpdateStatefulNodeBody(SpotModel):
    statefulNode: StatefulNodeUpdate  # type: ignore[valid-type]


class DeallocationConfig(SpotModel):
    shouldTerminateVm: bool | None = None
    shouldDeregisterFromLb: bool | None = None


class DeleteStatefulNodeBody(SpotModel):
    deallocationConfig: DeallocationConfig | None = None


# --- Responses (documentation of the envelope; handlers build it in groups.api.envelope) -----


class RequestInfo(BaseModel):
    id: str
    url: str
    method: str
    timestamp: str


class Status(BaseModel):
    code: int
    message: str


class ErrorModel(BaseModel):
    code: str
    message: str
    field: str | None = Field(default=None, description="Dotted Spot JSON path, when known.")


class ItemsResponse(BaseModel):
    """`items`: groups and nodes are their Spot JSON (never `login.password`) plus `id`,
    `createdAt` and `updatedAt` (RFC 3339 in UTC with milliseconds, "2018-10-10T10:50:29.000Z")."""

    status: Status
    kind: str
    items: list[dict[str, Any]] = []
    count: int = 0


class ItemsEnvelope(BaseModel):
    request: RequestInfo
    response: ItemsResponse


class ErrorResponse(BaseModel):
    status: Status
    errors: list[ErrorModel]


class ErrorEnvelope(BaseModel):
    request: RequestInfo
    response: ErrorResponse


ERRORS = {
    400: ErrorEnvelope,
    401: ErrorEnvelope,
    403: ErrorEnvelope,
    404: ErrorEnvelope,
    405: ErrorEnvelope,
    409: ErrorEnvelope,
    413: ErrorEnvelope,
}
DOCUMENTED = {200: ItemsEnvelope, **ERRORS}
