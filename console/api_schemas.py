"""Spot's response envelope as pydantic models: what the OpenAPI document says every answer
looks like (console.api_envelope builds the answers themselves)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


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
