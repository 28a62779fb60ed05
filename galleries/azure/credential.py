"""The credential every Azure client signs in with: it remembers what Entra ID answered when a
sign-in fails (a verdict on the credential, or the identity service being unavailable), so that
the app can tell a rejected secret, and signs in afresh once when ARM answers 401 to a token it
was just given (SignInAgainOn401Policy)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from typing import Any

from azure.core.credentials import AccessToken, AccessTokenInfo, TokenRequestOptions
from azure.core.exceptions import ClientAuthenticationError
from azure.core.pipeline import PipelineRequest, PipelineResponse
from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy

from .errors import SignInAnswer, SignInFailed

_AADSTS = re.compile(r"AADSTS(\d+)")


def _sign_in_answer(status: int, text: str) -> SignInAnswer:
    try:
        body = json.loads(text) if text else {}
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    error = body.get("error")
    codes = [c for c in body.get("error_codes") or [] if isinstance(c, int)]
    if not codes:
        codes = [int(code) for code in _AADSTS.findall(str(body.get("error_description", "")))]
    return SignInAnswer(status, error if isinstance(error, str) else "", tuple(codes))


class ConsoleCredential:
    """A client-secret credential that knows why a sign-in failed and can sign in afresh.

    Wraps azure-identity's ClientSecretCredential (built by `build`, given a response hook):
    the hook keeps Entra ID's last answer, which `SignInFailed` carries, since the identity
    library's own exception keeps only a message. Sign-ins take turns, so the last answer is
    the current one's, also when MSAL answers from its own cache of recent errors (it replays
    a 5xx/429 for its Retry-After, a 400 for a minute) without a request."""

    def __init__(self, build: Callable[[Callable[[PipelineResponse], None]], Any]) -> None:
        self._build = build
        self._lock = threading.Lock()
        # One sign-in at a time: threads that need a token at once get the one it brings.
        self._fetching = threading.Lock()
        self._answer: SignInAnswer | None = None
        self._inner = build(self._record)
        self._last_token: str | None = None
        self.sign_ins_again = 0

    def _record(self, response: PipelineResponse) -> None:
        http = response.http_response
        if http.status_code >= 400:
            self._answer = _sign_in_answer(http.status_code, http.text())
        elif not http.request.url.endswith("openid-configuration"):
            self._answer = None

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            inner = self._inner
        with self._fetching:
            try:
                token = getattr(inner, method)(*args, **kwargs)
            except ClientAuthenticationError as exc:
                raise SignInFailed(str(exc), self._answer) from exc
        self._last_token = token.token
        return token

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        token: AccessToken = self._call("get_token", *scopes, **kwargs)
        return token

    def get_token_info(
        self, *scopes: str, options: TokenRequestOptions | None = None
    ) -> AccessTokenInfo:
        token: AccessTokenInfo = self._call("get_token_info", *scopes, options=options)
        return token

    def sign_in_again(self, rejected_token: str | None) -> None:
        """Forget cached tokens (a fresh credential) unless another thread already did."""
        with self._lock:
            if rejected_token and rejected_token != self._last_token:
                return
            old, self._inner = self._inner, self._build(self._record)
            self._last_token = None
            self._answer = None
            self.sign_ins_again += 1
        old.close()

    def close(self) -> None:
        with self._lock:
            self._inner.close()


class SignInAgainOn401Policy(ARMChallengeAuthenticationPolicy):
    """ARM answered 401 to a token Entra ID issued: sign in afresh once and resend.

    A token can be revoked or go stale before it expires; only a second 401, to a token
    fresh from Entra ID, is ARM's answer (azure-core resends at most once per request)."""

    def on_challenge(self, request: PipelineRequest, response: PipelineResponse) -> bool:
        if super().on_challenge(request, response):
            return True  # a Continuous Access Evaluation claims challenge, already answered
        credential = self._credential
        if not isinstance(credential, ConsoleCredential):
            return False
        rejected = request.http_request.headers.get("Authorization", "").partition(" ")[2]
        credential.sign_in_again(rejected or None)
        self.authorize_request(request, *self._scopes)
        return True
