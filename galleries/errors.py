"""Azure failures in words a person understands, never echoing what the server or the
identity library said verbatim (those texts can carry request details)."""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass

from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
)

from .crypto import SecretUnreadable
from .endpoints import EndpointNotAllowed


class Verdict:
    OK = "ok"
    WRONG_SECRET = "wrong_secret"  # noqa: S105 (a verdict, not a secret)
    UNKNOWN_CLIENT = "unknown_client"
    UNKNOWN_TENANT = "unknown_tenant"
    NO_ACCESS = "no_access"
    SUBSCRIPTION_NOT_FOUND = "subscription_not_found"
    UNREACHABLE = "unreachable"
    UNTRUSTED_CERTIFICATE = "untrusted_certificate"
    TIMED_OUT = "timed_out"
    THROTTLED = "throttled"
    SERVER_ERROR = "server_error"
    SECRET_UNREADABLE = "secret_unreadable"  # noqa: S105
    ENDPOINT_NOT_ALLOWED = "endpoint_not_allowed"
    UNEXPECTED = "unexpected"


# Verdicts that mean the credential itself is bad (as opposed to Azure or the network).
CREDENTIAL_VERDICTS = {
    Verdict.WRONG_SECRET,
    Verdict.UNKNOWN_CLIENT,
    Verdict.UNKNOWN_TENANT,
    Verdict.SECRET_UNREADABLE,
}


@dataclass(frozen=True)
class AzureFailure:
    code: str
    message: str

    @property
    def is_credential_problem(self) -> bool:
        return self.code in CREDENTIAL_VERDICTS


_SAFE_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _arm_code(exc: HttpResponseError) -> str:
    code = getattr(getattr(exc, "error", None), "code", None) or ""
    return code if _SAFE_CODE.match(code) else ""


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
        inner = getattr(seen[-1], "inner_exception", None)
        if current is None and isinstance(inner, BaseException):
            current = inner
    return seen


def _is_certificate_problem(exc: BaseException) -> bool:
    for item in _chain(exc):
        if isinstance(item, ssl.SSLCertVerificationError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(item):
            return True
    return False


def _is_timeout(exc: BaseException) -> bool:
    for item in _chain(exc):
        name = type(item).__name__.lower()
        if "timeout" in name or "timed out" in str(item).lower():
            return True
    return False


def _authentication_failure(exc: ClientAuthenticationError) -> AzureFailure:
    text = str(exc)
    if _is_certificate_problem(exc):
        return _certificate_failure()
    if "AADSTS7000215" in text or "AADSTS7000222" in text or "invalid_client" in text:
        return AzureFailure(
            Verdict.WRONG_SECRET,
            "Sign-in failed: the client secret is wrong or has expired.",
        )
    if "AADSTS700016" in text or "unauthorized_client" in text:
        return AzureFailure(
            Verdict.UNKNOWN_CLIENT,
            "Sign-in failed: no application with this client id exists in the tenant.",
        )
    if "AADSTS90002" in text or "AADSTS900023" in text or "invalid_tenant" in text:
        return AzureFailure(Verdict.UNKNOWN_TENANT, "Sign-in failed: the tenant id is not known.")
    if _is_timeout(exc):
        return AzureFailure(Verdict.TIMED_OUT, "Sign-in timed out: the authority did not answer.")
    if any(isinstance(e, ServiceRequestError | ConnectionError) for e in _chain(exc)) or (
        "connection" in text.lower() and "refused" in text.lower()
    ):
        return AzureFailure(
            Verdict.UNREACHABLE, "The sign-in endpoint (authority host) could not be reached."
        )
    return AzureFailure(
        Verdict.WRONG_SECRET,
        "Sign-in failed: the tenant, client id or client secret was rejected.",
    )


def _from_identity(exc: ClientAuthenticationError) -> bool:
    """Raised while getting a token (Entra ID), rather than a 401 from ARM itself."""
    response = getattr(exc, "response", None)
    url = str(getattr(getattr(response, "request", None), "url", "") or "")
    return response is None or "AADSTS" in str(exc) or "/subscriptions" not in url.lower()


def _certificate_failure() -> AzureFailure:
    return AzureFailure(
        Verdict.UNTRUSTED_CERTIFICATE,
        "The endpoint's TLS certificate is not trusted; add its CA bundle to the connection.",
    )


def describe_failure(exc: BaseException) -> AzureFailure:
    """Classify an exception raised while talking to Azure."""
    if isinstance(exc, SecretUnreadable):
        return AzureFailure(Verdict.SECRET_UNREADABLE, str(exc))
    if isinstance(exc, EndpointNotAllowed):
        return AzureFailure(Verdict.ENDPOINT_NOT_ALLOWED, str(exc))
    if isinstance(exc, ClientAuthenticationError) and _from_identity(exc):
        return _authentication_failure(exc)
    if isinstance(exc, HttpResponseError) and exc.status_code is not None:
        status, code = exc.status_code, _arm_code(exc)
        suffix = f" ({code})" if code else ""
        if status == 401:
            if "tenant" in code.lower():
                return AzureFailure(
                    Verdict.SUBSCRIPTION_NOT_FOUND,
                    "The subscription belongs to another tenant than the one given.",
                )
            return AzureFailure(
                Verdict.WRONG_SECRET,
                f"Azure rejected the credentials (HTTP 401{suffix}); check the client secret.",
            )
        if status == 403:
            return AzureFailure(
                Verdict.NO_ACCESS,
                "The service principal has no access (HTTP 403"
                f"{suffix}); grant it the Reader role on the subscription.",
            )
        if isinstance(exc, ResourceNotFoundError) or status == 404:
            if code.lower() == "subscriptionnotfound":
                return AzureFailure(
                    Verdict.SUBSCRIPTION_NOT_FOUND,
                    "The subscription was not found; check the subscription id and tenant.",
                )
            return AzureFailure(Verdict.SUBSCRIPTION_NOT_FOUND, f"Not found (HTTP 404{suffix}).")
        if status == 429:
            return AzureFailure(
                Verdict.THROTTLED,
                f"Azure throttled the requests (HTTP 429{suffix}) beyond the retry budget.",
            )
        if status >= 500:
            return AzureFailure(
                Verdict.SERVER_ERROR,
                f"Azure answered with a server error (HTTP {status}{suffix}) after retries.",
            )
        return AzureFailure(Verdict.UNEXPECTED, f"Azure answered HTTP {status}{suffix}.")
    if _is_certificate_problem(exc):
        return _certificate_failure()
    if isinstance(exc, ServiceResponseError) or _is_timeout(exc):
        if _is_timeout(exc):
            return AzureFailure(Verdict.TIMED_OUT, "Azure did not answer in time (timed out).")
        return AzureFailure(Verdict.UNREACHABLE, "The connection to Azure was dropped.")
    if isinstance(exc, ServiceRequestError | ConnectionError | OSError):
        return AzureFailure(Verdict.UNREACHABLE, "The ARM endpoint could not be reached.")
    return AzureFailure(Verdict.UNEXPECTED, f"Unexpected error ({type(exc).__name__}).")
