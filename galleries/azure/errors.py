"""Azure failures in words a person understands, never echoing what the server or the
identity library said verbatim (those texts can carry request details), and the one error
type the gateway raises (`AzureCallFailed`), which carries them."""

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

from galleries.crypto import SecretUnreadable
from galleries.endpoints import EndpointNotAllowed


class Verdict:
    OK = "ok"
    WRONG_SECRET = "wrong_secret"  # noqa: S105 (a verdict, not a secret)
    EXPIRED_SECRET = "expired_secret"  # noqa: S105
    UNKNOWN_CLIENT = "unknown_client"
    UNKNOWN_TENANT = "unknown_tenant"
    IDENTITY_UNAVAILABLE = "identity_unavailable"
    SIGN_IN_FAILED = "sign_in_failed"
    TOKEN_REJECTED = "token_rejected"  # noqa: S105
    NO_ACCESS = "no_access"
    SUBSCRIPTION_NOT_FOUND = "subscription_not_found"
    NOT_FOUND = "not_found"
    UNREACHABLE = "unreachable"
    UNTRUSTED_CERTIFICATE = "untrusted_certificate"
    TIMED_OUT = "timed_out"
    THROTTLED = "throttled"
    SERVER_ERROR = "server_error"
    SECRET_UNREADABLE = "secret_unreadable"  # noqa: S105
    ENDPOINT_NOT_ALLOWED = "endpoint_not_allowed"
    UNEXPECTED = "unexpected"


# Verdicts that mean the credential itself is bad (as opposed to Azure or the network): only
# Entra ID's own answers on the credential, and a secret this console cannot decrypt.
CREDENTIAL_VERDICTS = {
    Verdict.WRONG_SECRET,
    Verdict.EXPIRED_SECRET,
    Verdict.UNKNOWN_CLIENT,
    Verdict.UNKNOWN_TENANT,
    Verdict.SECRET_UNREADABLE,
}


class NotFoundMeaning:
    """What a 404 from ARM says, read from its error code."""

    SUBSCRIPTION_GONE = "subscription_gone"  # the whole subscription: nothing may be trusted
    PARENT_MISSING = "parent_missing"  # the listed resource (or its parent) was not found
    IN_DOUBT = "in_doubt"  # no telling (generic or unknown code, or a page after the first)


# ARM codes that name what was not found. Each is a claim about one resource, and only the
# listing of that resource's parent can confirm it (a lone 404 can be a replica lagging).
_PARENT_MISSING_CODES = {
    "resourcegroupnotfound",
    "parentresourcenotfound",
    "resourcenotfound",
    "gallerynotfound",
    "galleryimagenotfound",
    "galleryimageversionnotfound",
}


def not_found_meaning(exc: BaseException) -> str:
    if isinstance(exc, AzureCallFailed | ListPageFailed):
        return exc.not_found
    if not isinstance(exc, HttpResponseError) or exc.status_code != 404:
        return NotFoundMeaning.IN_DOUBT
    code = _arm_code(exc).lower()
    if code == "subscriptionnotfound":
        return NotFoundMeaning.SUBSCRIPTION_GONE
    if code in _PARENT_MISSING_CODES:
        return NotFoundMeaning.PARENT_MISSING
    return NotFoundMeaning.IN_DOUBT


class ListPageFailed(Exception):
    """Page `page` (> 1) of a paged list failed, after the first page(s) had answered."""

    def __init__(self, page: int, cause: BaseException) -> None:
        super().__init__(f"page {page}: {cause}")
        self.page = page
        self.cause = cause

    @property
    def failure(self) -> AzureFailure:
        """The cause's failure, saying on which page it came."""
        failure = describe_failure(self.cause)
        where = f" (on page {self.page} of the list, after the first had answered)"
        return AzureFailure(failure.code, failure.message.rstrip(".") + where + ".")

    @property
    def not_found(self) -> str:
        meaning = not_found_meaning(self.cause)
        # A later page of a list that has started says nothing about its parent.
        if meaning == NotFoundMeaning.PARENT_MISSING:
            return NotFoundMeaning.IN_DOUBT
        return meaning


@dataclass(frozen=True)
class SignInAnswer:
    """Entra ID's error answer to a sign-in (token or authority discovery request)."""

    status: int
    error: str = ""  # the OAuth "error", e.g. invalid_client
    codes: tuple[int, ...] = ()  # AADSTS codes, e.g. (7000215,)


class SignInFailed(ClientAuthenticationError):
    """Signing in failed; `answer` is Entra ID's error answer, if one was received."""

    def __init__(self, message: str, answer: SignInAnswer | None) -> None:
        super().__init__(message=message)
        self.answer = answer


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


# Entra ID's verdicts on a credential, by AADSTS code and by OAuth error.
_EXPIRED_SECRET_CODES = {7000222}
_WRONG_SECRET_CODES = {7000215, 7000216, 7000218}
_UNKNOWN_CLIENT_CODES = {700016}
_UNKNOWN_TENANT_CODES = {90002, 900023, 90072}
# Entra ID's own words for "try again later", whatever the HTTP status.
_TRANSIENT_ERRORS = {"temporarily_unavailable", "server_error"}
_TRANSIENT_CODES = {90033, 50196}

_UNAVAILABLE = (
    "Identity service unavailable: {what}. The credential was not rejected and was not marked "
    "invalid; the next scheduled refresh will try again."
)


def _codes_in(text: str) -> set[int]:
    return {int(code) for code in re.findall(r"AADSTS(\d+)", text)}


def _authentication_failure(exc: ClientAuthenticationError) -> AzureFailure:
    """A failed sign-in: Entra ID's verdict on the credential, or an identity outage."""
    if _is_certificate_problem(exc):
        return _certificate_failure()
    answer = exc.answer if isinstance(exc, SignInFailed) else None
    text = str(exc)
    codes = set(answer.codes) if answer else set()
    codes |= _codes_in(text)
    error = answer.error if answer else ""
    status = answer.status if answer else None
    if codes & _EXPIRED_SECRET_CODES:
        return AzureFailure(
            Verdict.EXPIRED_SECRET,
            "Sign-in failed: the client secret has expired; create a new one and save it here.",
        )
    if codes & _WRONG_SECRET_CODES or error == "invalid_client" or "invalid_client" in text:
        return AzureFailure(
            Verdict.WRONG_SECRET,
            "Sign-in failed: the client secret is wrong or has expired.",
        )
    if codes & _UNKNOWN_CLIENT_CODES:
        return AzureFailure(
            Verdict.UNKNOWN_CLIENT,
            "Sign-in failed: no application with this client id exists in the tenant.",
        )
    if error == "unauthorized_client" or "unauthorized_client" in text:
        return AzureFailure(
            Verdict.UNKNOWN_CLIENT,
            "Sign-in failed: Entra ID does not let this client id sign in to the tenant "
            "(unauthorized_client).",
        )
    if codes & _UNKNOWN_TENANT_CODES or error == "invalid_tenant" or "invalid_tenant" in text:
        return AzureFailure(Verdict.UNKNOWN_TENANT, "Sign-in failed: the tenant id is not known.")
    if status is not None and (status == 429 or status >= 500):
        return AzureFailure(
            Verdict.IDENTITY_UNAVAILABLE,
            _UNAVAILABLE.format(what=f"Entra ID answered HTTP {status} to the sign-in"),
        )
    if error in _TRANSIENT_ERRORS or codes & _TRANSIENT_CODES:
        return AzureFailure(
            Verdict.IDENTITY_UNAVAILABLE,
            _UNAVAILABLE.format(what=f"Entra ID answered {error or 'a transient error'}"),
        )
    if _is_timeout(exc):
        return AzureFailure(
            Verdict.IDENTITY_UNAVAILABLE,
            _UNAVAILABLE.format(what="Entra ID did not answer the sign-in in time (timed out)"),
        )
    chain = _chain(exc)
    if any(isinstance(e, ServiceResponseError) for e in chain):
        return AzureFailure(
            Verdict.IDENTITY_UNAVAILABLE,
            _UNAVAILABLE.format(what="Entra ID dropped the connection during the sign-in"),
        )
    if any(isinstance(e, ServiceRequestError | ConnectionError) for e in chain) or (
        "connection" in text.lower() and "refused" in text.lower()
    ):
        return AzureFailure(
            Verdict.UNREACHABLE, "The sign-in endpoint (authority host) could not be reached."
        )
    answered = f"HTTP {status}" if status is not None else "no verdict"
    if error:
        answered += f", {error}" if _SAFE_CODE.match(error) else ""
    return AzureFailure(
        Verdict.SIGN_IN_FAILED,
        f"Sign-in failed ({answered}) without a verdict on the credential from Entra ID, "
        "so it was not marked invalid.",
    )


def _from_identity(exc: ClientAuthenticationError) -> bool:
    """Raised while getting a token (Entra ID), rather than a 401 from ARM itself."""
    if isinstance(exc, SignInFailed):
        return True
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
    if isinstance(exc, AzureCallFailed | ListPageFailed):
        return exc.failure
    if isinstance(exc, SecretUnreadable):
        return AzureFailure(Verdict.SECRET_UNREADABLE, str(exc))
    if isinstance(exc, EndpointNotAllowed):
        return AzureFailure(Verdict.ENDPOINT_NOT_ALLOWED, str(exc))
    if isinstance(exc, ClientAuthenticationError) and _from_identity(exc):
        return _authentication_failure(exc)
    if isinstance(exc, HttpResponseError) and exc.status_code is not None:
        status, code = exc.status_code, _arm_code(exc)
        suffix = f" {code}" if code else ""
        if status == 401:
            if "tenant" in code.lower():
                return AzureFailure(
                    Verdict.SUBSCRIPTION_NOT_FOUND,
                    "The subscription belongs to another tenant than the one given.",
                )
            # The token was issued by Entra ID (so the secret was accepted) and a fresh one was
            # tried after the first 401: ARM refuses it, which says nothing about the secret.
            return AzureFailure(
                Verdict.TOKEN_REJECTED,
                f"Azure Resource Manager rejected the access token (HTTP 401{suffix}), also a "
                "freshly issued one; Entra ID accepted the credential, so it was not marked "
                "invalid.",
            )
        if status == 403:
            return AzureFailure(
                Verdict.NO_ACCESS,
                "The service principal has no access (HTTP 403"
                f"{suffix}); grant it the Reader role on the subscription.",
            )
        if isinstance(exc, ResourceNotFoundError) or status == 404:
            if not_found_meaning(exc) == NotFoundMeaning.SUBSCRIPTION_GONE:
                return AzureFailure(
                    Verdict.SUBSCRIPTION_NOT_FOUND,
                    "The subscription was not found; check the subscription id and tenant.",
                )
            if code.lower() == "resourcegroupnotfound":
                return AzureFailure(
                    Verdict.NOT_FOUND, f"Its resource group was not found (HTTP 404{suffix})."
                )
            return AzureFailure(Verdict.NOT_FOUND, f"Not found (HTTP 404{suffix}).")
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


class AzureCallFailed(Exception):
    """The one error the gateway raises: a call to Azure (or reaching it) failed.

    `failure` says why in words, `not_found` what a 404 means, `status` ARM's HTTP status
    (None when no answer came): the app never needs the SDK's exception types."""

    def __init__(
        self,
        failure: AzureFailure,
        *,
        not_found: str = NotFoundMeaning.IN_DOUBT,
        status: int | None = None,
    ) -> None:
        super().__init__(failure.message)
        self.failure = failure
        self.not_found = not_found
        self.status = status

    @classmethod
    def wrapping(cls, exc: BaseException) -> AzureCallFailed:
        if isinstance(exc, AzureCallFailed):
            return exc
        cause = exc.cause if isinstance(exc, ListPageFailed) else exc
        status = cause.status_code if isinstance(cause, HttpResponseError) else None
        return cls(describe_failure(exc), not_found=not_found_meaning(exc), status=status)
