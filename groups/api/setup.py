"""Spot's account and Azure credential setup endpoints (spot-api.md §6), admins only.

    GET/POST        /setup/account                       {"account": {"name": …}}
    PUT/DELETE      /setup/account/{accountId}
    POST            /azure/setup/credentials?accountId=  {clientId, clientSecret, tenantId,
                                                          subscriptionId}
    POST            /azure/setup/credentials/validation?accountId=   (checks, saves nothing)

Credentials use the deployment's default cloud (settings.AZURE_DEFAULT_*). The client secret
is stored encrypted by galleries.services and never echoed.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from ninja import Query, Router
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from console.accounts import (
    AccountInUse,
    DuplicateAccountName,
    create_account,
    delete_account,
    rename_account,
)
from console.api_auth import bearer, caller, require_role
from console.api_envelope import UNKNOWN_ACCOUNT, ApiError, ErrorItem, ok, spot_timestamp
from console.api_schemas import DOCUMENTED
from console.models import Account, Membership, Role
from console.rules import ACCOUNT_NAME, TextRule
from console.selectors import accounts_for
from galleries.azure.clients import ConnectionSettings
from galleries.azure_rules import (
    CLIENT_ID,
    CLIENT_SECRET,
    SUBSCRIPTION_ID,
    TENANT_ID,
    normalized_guid,
)
from galleries.endpoints import EndpointNotAllowed, check_connection_endpoints
from galleries.models import Cloud, ConnectedSubscription
from galleries.subscriptions import services as subscriptions
from galleries.subscriptions.forms import default_ca_bundle
from groups.validation.problems import VALIDATION_ERROR

from .kinds import KIND_ACCOUNT, KIND_CREDENTIALS
from .schemas import WRITE_ONLY_NOTE

router = Router(auth=bearer, tags=["Spot: setup"])
ENDPOINT_NOT_ALLOWED = "ENDPOINT_NOT_ALLOWED"
ACCOUNT = Query(None, description="Account (act-…); default: the oldest account.")


def checked_by(rule: TextRule) -> AfterValidator:
    """Checks a text field with `rule` (the console's forms check it the same way)."""

    def check(value: str) -> str:
        message = rule.problem(value)
        if message is not None:
            raise ValueError(message)
        return value

    return AfterValidator(check)


def documented(rule: TextRule, **extra: Any) -> Any:
    return Field(json_schema_extra={**rule.json_schema(), **extra})


class AccountFields(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    name: Annotated[str, checked_by(ACCOUNT_NAME), documented(ACCOUNT_NAME)]


class AccountBody(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    account: AccountFields


class Credentials(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    clientId: Annotated[str, checked_by(CLIENT_ID), documented(CLIENT_ID)]
    clientSecret: Annotated[
        str,
        checked_by(CLIENT_SECRET),
        documented(CLIENT_SECRET, writeOnly=True, description=WRITE_ONLY_NOTE),
    ]
    tenantId: Annotated[str, checked_by(TENANT_ID), documented(TENANT_ID)]
    subscriptionId: Annotated[str, checked_by(SUBSCRIPTION_ID), documented(SUBSCRIPTION_ID)]


def account_item(account: Account) -> dict[str, Any]:
    subscription = ConnectedSubscription.objects.filter(account=account).first()
    return {
        "accountId": account.id,
        "name": account.name,
        "organizationId": account.organization.public_id,
        "providerExternalId": subscription.subscription_id if subscription else None,
        "createdAt": spot_timestamp(account.created_at),
    }


def _account(request: HttpRequest, account_id: str) -> tuple[Membership, Account]:
    membership = require_role(request, Role.ADMIN)
    account = accounts_for(membership.organization).filter(pk=account_id).first()
    if account is None:
        raise ApiError(
            404,
            ErrorItem(UNKNOWN_ACCOUNT, f"Account {account_id} is not an account of yours."),
        )
    return membership, account


@router.get("/setup/account", response=DOCUMENTED, summary="List accounts")
def list_accounts(request: HttpRequest) -> JsonResponse:
    membership = require_role(request, Role.ADMIN)
    accounts = accounts_for(membership.organization).select_related("organization")
    return ok(request, kind=KIND_ACCOUNT, items=[account_item(a) for a in accounts])


@router.post("/setup/account", response=DOCUMENTED, summary="Create an account")
def create(request: HttpRequest, payload: AccountBody) -> JsonResponse:
    membership = require_role(request, Role.ADMIN)
    try:
        account = create_account(
            organization=membership.organization, actor=membership.user, name=payload.account.name
        )
    except DuplicateAccountName as exc:
        raise ApiError(400, ErrorItem(VALIDATION_ERROR, str(exc), "account.name")) from exc
    return ok(request, kind=KIND_ACCOUNT, items=[account_item(account)])


@router.put("/setup/account/{accountId}", response=DOCUMENTED, summary="Rename an account")
def rename(request: HttpRequest, accountId: str, payload: AccountBody) -> JsonResponse:
    membership, account = _account(request, accountId)
    try:
        rename_account(account=account, actor=membership.user, name=payload.account.name)
    except DuplicateAccountName as exc:
        raise ApiError(400, ErrorItem(VALIDATION_ERROR, str(exc), "account.name")) from exc
    return ok(request, kind=KIND_ACCOUNT, items=[account_item(account)])


@router.delete("/setup/account/{accountId}", response=DOCUMENTED, summary="Delete an account")
def delete(request: HttpRequest, accountId: str) -> JsonResponse:
    membership, account = _account(request, accountId)
    try:
        delete_account(account=account, actor=membership.user)
    except AccountInUse as exc:
        raise ApiError(400, ErrorItem(VALIDATION_ERROR, str(exc))) from exc
    return ok(request, kind=KIND_ACCOUNT)


def _connection(payload: Credentials) -> ConnectionSettings:
    """The credentials on the deployment's default cloud, if its endpoints are allowed."""
    cloud = getattr(settings, "AZURE_DEFAULT_CLOUD", Cloud.PUBLIC)
    custom = cloud == Cloud.CUSTOM
    try:
        check_connection_endpoints(
            cloud, settings.AZURE_DEFAULT_ARM_ENDPOINT, settings.AZURE_DEFAULT_AUTHORITY_HOST
        )
    except EndpointNotAllowed as exc:
        raise ApiError(400, ErrorItem(ENDPOINT_NOT_ALLOWED, str(exc))) from exc
    return ConnectionSettings(
        subscription_id=normalized_guid(payload.subscriptionId),
        tenant_id=normalized_guid(payload.tenantId),
        client_id=normalized_guid(payload.clientId),
        client_secret=payload.clientSecret,
        cloud=cloud,
        arm_endpoint=settings.AZURE_DEFAULT_ARM_ENDPOINT if custom else "",
        authority_host=settings.AZURE_DEFAULT_AUTHORITY_HOST if custom else "",
        ca_bundle_pem=default_ca_bundle() if custom else "",
    )


def _credentials_item(subscription: ConnectedSubscription, run_id: int | None) -> dict[str, Any]:
    return {
        "accountId": subscription.account_id,
        "subscriptionId": subscription.subscription_id,
        "tenantId": subscription.tenant_id,
        "clientId": subscription.client_id,
        "cloud": subscription.cloud,
        "credentialStatus": subscription.credential_status,
        "refreshRunId": run_id,
    }


@router.post(
    "/azure/setup/credentials",
    response=DOCUMENTED,
    summary="Connect the account's Azure subscription",
    description="Saves the service principal (secret encrypted) and queues an inventory refresh.",
)
def set_credentials(
    request: HttpRequest, payload: Credentials, accountId: str | None = ACCOUNT
) -> JsonResponse:
    who = caller(request, accountId, Role.ADMIN)
    connection = _connection(payload)
    try:
        subscription, run = subscriptions.set_credentials(
            account=who.account, actor=who.user, connection=connection
        )
    except subscriptions.AccountConnectedElsewhere as exc:
        raise ApiError(
            400,
            ErrorItem(
                VALIDATION_ERROR,
                f"Account {who.account.id} is connected to subscription "
                f"{exc.subscription_id}; disconnect it in the console first.",
                "subscriptionId",
            ),
        ) from exc
    except subscriptions.SubscriptionTaken as exc:
        raise ApiError(
            400,
            ErrorItem(
                VALIDATION_ERROR,
                f"Subscription {connection.subscription_id} is already connected to another "
                "account of your organization.",
                "subscriptionId",
            ),
        ) from exc
    run_id = run.pk if run is not None else None
    return ok(request, kind=KIND_CREDENTIALS, items=[_credentials_item(subscription, run_id)])


@router.post(
    "/azure/setup/credentials/validation",
    response=DOCUMENTED,
    summary="Check Azure credentials without saving them",
)
def validate_credentials(
    request: HttpRequest, payload: Credentials, accountId: str | None = ACCOUNT
) -> JsonResponse:
    caller(request, accountId, Role.ADMIN)
    result = subscriptions.test_connection(_connection(payload))
    if not result.ok:
        raise ApiError(
            400, ErrorItem(f"INVALID_CREDENTIALS_{result.verdict.upper()}", result.message)
        )
    item = {"valid": True, "message": result.message, "subscriptionName": result.subscription_name}
    return ok(request, kind=KIND_CREDENTIALS, items=[item])
