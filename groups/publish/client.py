"""Spot's API, spoken over HTTP: the only code in the console that calls Spot.

One `requests.Session` per worker process (its connection pool is reused by every call), with
timeouts, and urllib3's retries: a refused connection and a 429 (nothing was done) are retried
for every method, a 5xx or a lost answer only for the idempotent ones (GET, PUT, DELETE), with
exponential backoff or the server's Retry-After, up to `SPOT_API_RETRY_AFTER_MAX` seconds (a
longer wait is left to the caller's next attempt). Spot's envelope (spot-api.md §3) is parsed
once, here; a failure is a `SpotError` that says what happened in words and keeps Spot's code,
message, field and request id. The token goes only into the Authorization header: never into
a message, a log line or a repr.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from groups.models import Kind

# Spot's answer when a group or node id is unknown (Terraform reads it as "gone").
GROUP_DOESNT_EXIST = "GROUP_DOESNT_EXIST"
UNREACHABLE = "UNREACHABLE"
TIMEOUT = "TIMEOUT"
TLS_FAILURE = "TLS_FAILURE"
NOT_SPOT = "NOT_SPOT"
RATE_LIMITED = "RATE_LIMITED"


@dataclass(frozen=True)
class Resource:
    path: str
    wrapper: str
    label: str


RESOURCES = {
    Kind.STATELESS: Resource("/azure/compute/group", "group", "group"),
    Kind.STATEFUL: Resource("/azure/compute/statefulNode", "statefulNode", "stateful node"),
}


class SpotError(Exception):
    """Spot refused a call, or could not be reached; `str()` says which in words."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        http_status: int | None = None,
        field: str = "",
        request_id: str = "",
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.field = field
        self.request_id = request_id
        self.retryable = retryable
        self.retry_after = retry_after

    @property
    def not_found(self) -> bool:
        return self.http_status == 404 or self.code == GROUP_DOESNT_EXIST


@dataclass(frozen=True)
class Answer:
    request_id: str
    items: list[dict[str, Any]]


class _SpotRetry(Retry):
    """urllib3's Retry, also for a POST answered 429: Spot refused it before doing anything."""

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code == 429:
            return bool(self.total)
        return super().is_retry(method, status_code, has_retry_after)


_sessions: dict[tuple[int, bool], requests.Session] = {}
_sessions_lock = threading.Lock()


def _session(interactive: bool) -> requests.Session:
    """This process's session (a forked worker child builds its own pool); an interactive one
    (a page waiting for the answer) does not retry."""
    key = (os.getpid(), interactive)
    with _sessions_lock:
        session = _sessions.get(key)
        if session is None:
            retry = _SpotRetry(
                total=0 if interactive else settings.SPOT_API_RETRIES,
                backoff_factor=settings.SPOT_API_BACKOFF_SECONDS,
                status_forcelist=(500, 502, 503, 504),
                respect_retry_after_header=True,
                retry_after_max=settings.SPOT_API_RETRY_AFTER_MAX,
                raise_on_status=False,
            )
            session = requests.Session()
            session.trust_env = False  # no proxy or netrc from the environment gets the token
            adapter = HTTPAdapter(max_retries=retry)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            _sessions[key] = session
        return session


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.strip().isdigit() else None


def _errors_in_words(errors: list[Any]) -> tuple[str, str, str]:
    """(code, field, message) of Spot's errors: the first's code and field, every message."""
    items = [error for error in errors if isinstance(error, dict)]
    if not items:
        return "", "", ""
    first = items[0]
    messages = []
    for error in items:
        text = str(error.get("message") or error.get("code") or "unknown error")
        if error.get("field"):
            text += f" (at {error['field']})"
        messages.append(text)
    return str(first.get("code") or ""), str(first.get("field") or ""), "; ".join(messages)


@dataclass(repr=False)
class SpotClient:
    """Calls for one Spot account at one endpoint, authenticated with one token."""

    base_url: str
    account_id: str
    _token: str = field(repr=False)
    # A page waits for the answer: no retries (a task retries later instead).
    interactive: bool = False

    def __repr__(self) -> str:
        return f"SpotClient({self.base_url!r}, {self.account_id!r})"

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc or self.base_url

    def _send(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        with_account: bool = True,
    ) -> Answer:
        query = {"accountId": self.account_id} if with_account else {}
        query.update(params or {})
        timeout = (settings.SPOT_API_CONNECT_TIMEOUT, settings.SPOT_API_READ_TIMEOUT)
        try:
            response = _session(self.interactive).request(
                method,
                self.base_url.rstrip("/") + path,
                params=query,
                json=body,
                headers={"Authorization": f"Bearer {self._token}", "Accept": "application/json"},
                timeout=timeout,
                allow_redirects=False,
            )
        # SSLError and ConnectTimeout are ConnectionErrors; other request errors propagate.
        except (
            requests.exceptions.ConnectionError,
            requests.exceptions.ReadTimeout,
            requests.exceptions.RetryError,
        ) as exc:
            raise _unanswered(exc, self.host, timeout) from None
        return self._parse(response)

    def _parse(self, response: requests.Response) -> Answer:
        status = response.status_code
        try:
            envelope = response.json()
        except ValueError:
            envelope = None
        inner = envelope.get("response") if isinstance(envelope, dict) else None
        if not isinstance(inner, dict):
            raise SpotError(
                f"{self.host} answered HTTP {status} with something other than Spot's JSON "
                "envelope: is the base URL Spot's API?",
                code=NOT_SPOT,
                http_status=status,
                retryable=status == 429 or status >= 500,
                retry_after=_retry_after(response),
            )
        request = envelope.get("request") if isinstance(envelope, dict) else None
        request_id = str(request.get("id") or "") if isinstance(request, dict) else ""
        if status != 200:
            code, error_field, message = _errors_in_words(inner.get("errors") or [])
            raise SpotError(
                _status_in_words(status, message, self.account_id),
                code=code or f"HTTP_{status}",
                http_status=status,
                field=error_field,
                request_id=request_id,
                retryable=status == 429 or status >= 500,
                retry_after=_retry_after(response),
            )
        items = inner.get("items")
        return Answer(
            request_id, [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
        )

    # --- the calls the console makes ---------------------------------------------------------

    def accounts(self) -> list[dict[str, Any]]:
        """The token's accounts (GET /setup/account), as Spot's console lists them."""
        return self._send("GET", "/setup/account", with_account=False).items

    def create(self, kind: str, spec: dict[str, Any]) -> Answer:
        resource = RESOURCES[Kind(kind)]
        return self._send("POST", resource.path, body={resource.wrapper: spec})

    def get(self, kind: str, remote_id: str) -> dict[str, Any] | None:
        """The remote item, or None when Spot has no such group or node."""
        try:
            answer = self._send("GET", f"{RESOURCES[Kind(kind)].path}/{remote_id}")
        except SpotError as error:
            if error.not_found:
                return None
            raise
        return answer.items[0] if answer.items else None

    def listing(self, kind: str, name: str | None = None) -> list[dict[str, Any]]:
        params = {"name": name} if name else None
        return self._send("GET", RESOURCES[Kind(kind)].path, params=params).items

    def update(self, kind: str, remote_id: str, spec: dict[str, Any]) -> Answer:
        resource = RESOURCES[Kind(kind)]
        return self._send("PUT", f"{resource.path}/{remote_id}", body={resource.wrapper: spec})

    def delete(
        self, kind: str, remote_id: str, deallocation_config: dict[str, Any] | None = None
    ) -> str:
        """Spot's request id; a group Spot no longer has counts as deleted."""
        body = {"deallocationConfig": deallocation_config} if deallocation_config else None
        try:
            return self._send(
                "DELETE", f"{RESOURCES[Kind(kind)].path}/{remote_id}", body=body
            ).request_id
        except SpotError as error:
            if error.not_found:
                return error.request_id
            raise


def _unanswered(exc: Exception, host: str, timeout: tuple[float, float]) -> SpotError:
    """Why a request got no answer, in words; all but a certificate failure may pass on retry."""
    if isinstance(exc, requests.exceptions.SSLError):
        return SpotError(
            f"TLS failure talking to {host}: its certificate could not be verified "
            f"({_reason(exc)}).",
            code=TLS_FAILURE,
        )
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        what, code = f"could not be reached: no connection within {timeout[0]:g} s", TIMEOUT
    elif isinstance(exc, requests.exceptions.ReadTimeout):
        what, code = f"did not answer within {timeout[1]:g} s", TIMEOUT
    elif isinstance(exc, requests.exceptions.RetryError):
        what, code = f"kept failing after {settings.SPOT_API_RETRIES} retries", UNREACHABLE
    else:
        what, code = f"could not be reached: {_reason(exc)}", UNREACHABLE
    return SpotError(f"Spot's API at {host} {what}.", code=code, retryable=True)


def _reason(exc: BaseException) -> str:
    """A short reason from a requests/urllib3 connection error, without its URL."""
    text = str(exc)
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    if "name or service not known" in lowered or "failed to resolve" in lowered:
        return "the host name does not resolve"
    if "certificate" in lowered:
        return "certificate verify failed" if "verify failed" in lowered else "certificate error"
    if "reset" in lowered or "aborted" in lowered or "remote end closed" in lowered:
        return "the connection was closed without an answer"
    return "network error"


def _status_in_words(status: int, message: str, account_id: str) -> str:
    said = f": {message}" if message else ""
    if status == 401:
        return f"Spot refused the API token (HTTP 401){said}. Enter a valid token."
    if status == 403:
        return f"The token may not act on account {account_id} (HTTP 403){said}."
    if status == 429:
        return f"Spot is rate limiting this token (HTTP 429){said}."
    if status >= 500:
        return f"Spot failed with HTTP {status}{said}."
    return f"Spot refused it (HTTP {status}){said}."
