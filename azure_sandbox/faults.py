"""Fault injection rules, matched per request by path regex, method and principal.

Kinds:
- ``latency``: sleep ``latency_ms`` in the handling thread, then answer normally.
- ``throttle``: answer 429 ``SubscriptionRequestsThrottled`` with ``Retry-After: retry_after``.
- ``error``: answer ``status`` (500, 503, 404, 401, ...) with an ARM error body whose code
  is ``code`` (default: one that fits the status, e.g. ``NotFound``); on the Entra ID routes
  (token, OpenID discovery) the body has Entra's shape instead: ``error`` = ``code``
  (default ``temporarily_unavailable`` for 429/5xx, ``invalid_request`` otherwise) and, with
  ``aadsts``, an ``AADSTS{aadsts}`` code in ``error_description``.
- ``hang``: hold the request ``hang_seconds`` without answering, then drop the connection.
- ``reset``: close the socket with SO_LINGER 0 (TCP RST) without any response.
- ``fail_page``: answer like ``error``, but only for page ``page`` (1-based) of a paged list.
- ``omit``: answer normally, minus the list items whose id matches ``item_pattern``
  (a resource that vanished: combine with ``after=1`` for "gone between two listings").

``count`` is how many times a rule fires (``None`` = unlimited); ``after`` lets that many
matching requests through untouched before the rule starts firing. Latency and omit rules
stack with each other and with one terminal rule (the first matching one wins).
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import asdict, dataclass, field, fields
from typing import Any

FAULT_KINDS = ("latency", "throttle", "error", "hang", "reset", "fail_page", "omit")
MODIFIER_KINDS = ("latency", "omit")  # they change an answer rather than replace it
_ids = itertools.count(1)


@dataclass
class FaultRule:
    kind: str
    path_pattern: str = ".*"  # re.search against the lower-cased, decoded path
    method: str | None = None
    client_id: str | None = None
    count: int | None = None
    latency_ms: float = 0
    status: int = 500
    retry_after: int = 1
    hang_seconds: float = 30
    page: int = 2
    code: str = ""  # ARM error code, or Entra's OAuth ``error`` on the identity routes
    aadsts: int = 0  # Entra's AADSTS code (identity routes only)
    message: str = ""
    item_pattern: str = ""  # omit: re.search against each item's lower-cased id
    after: int = 0
    id: str = field(default_factory=lambda: f"fault-{next(_ids)}")
    fired: int = 0
    passed: int = 0  # matching requests let through because of ``after``

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {FAULT_KINDS}")
        if self.kind == "omit" and not self.item_pattern:
            raise ValueError("an omit rule needs an item_pattern")
        self._regex = re.compile(self.path_pattern)
        self._item_regex = re.compile(self.item_pattern) if self.item_pattern else None

    def omits(self, item_id: str) -> bool:
        return self._item_regex is not None and self._item_regex.search(item_id.lower()) is not None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultRule:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault rule fields: {sorted(unknown)}")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def exhausted(self) -> bool:
        return self.count is not None and self.fired >= self.count

    def matches(self, method: str, path_lower: str, client_id: str | None, page: int) -> bool:
        if self.exhausted:
            return False
        if self.method and self.method.upper() != method.upper():
            return False
        if self.client_id and (client_id or "").lower() != self.client_id.lower():
            return False
        if self.kind == "fail_page" and page != self.page:
            return False
        return self._regex.search(path_lower) is not None


@dataclass
class FaultDecision:
    latency_ms: float = 0
    terminal: FaultRule | None = None
    omit: list[FaultRule] = field(default_factory=list)
    fired_ids: list[str] = field(default_factory=list)


class FaultSet:
    """Thread-safe list of rules; ``decide`` consumes one firing of each matching rule."""

    def __init__(self, rules: list[FaultRule] | None = None) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = list(rules or [])

    def add(self, rule: FaultRule | dict[str, Any] | None = None, **kwargs: Any) -> FaultRule:
        """Add a rule: ``faults.add(kind="throttle", path_pattern="/galleries$", count=2)``."""
        if rule is None:
            rule = FaultRule(**kwargs)
        elif isinstance(rule, dict):
            rule = FaultRule.from_dict(rule)
        with self._lock:
            self._rules.append(rule)
        return rule

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def list(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def decide(
        self, method: str, path_lower: str, client_id: str | None, page: int
    ) -> FaultDecision:
        decision = FaultDecision()
        if not self._rules:  # fast path: no lock when nothing is armed
            return decision
        with self._lock:
            for rule in self._rules:
                if not rule.matches(method, path_lower, client_id, page):
                    continue
                if rule.kind not in MODIFIER_KINDS and decision.terminal is not None:
                    continue
                if rule.passed < rule.after:
                    rule.passed += 1
                    continue
                if rule.kind == "latency":
                    decision.latency_ms += rule.latency_ms
                elif rule.kind == "omit":
                    decision.omit.append(rule)
                elif decision.terminal is None:
                    decision.terminal = rule
                else:
                    continue
                rule.fired += 1
                decision.fired_ids.append(rule.id)
        return decision
