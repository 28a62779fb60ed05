"""What the fuzz tests send: nasty text and numbers (the issue's cases among them), and a valid
body spoiled at a few of its paths (or at new, unknown ones)."""

from __future__ import annotations

import copy
import json
import os
from typing import Any

from hypothesis import HealthCheck, settings, strategies as st

# FUZZ_EXAMPLES=2000 for a long run; CI keeps the default so the suite stays quick.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("FUZZ_RANDOM", "") == "",  # reproducible in CI
    suppress_health_check=list(HealthCheck),
    database=None,
)

# Cases from issue 15 and the classics.
NASTY_TEXT = [
    "a\udc00b",
    "\ud800",
    "nul\x00inside",
    "",
    " ",
    "\t \n",
    "x" * 5000,
    "rg with spaces/and*stars",
    "not-a-key",
    "123",
    "$$$",
    "East US 2",
    "<script>alert(1)</script>",
    "{{ 7|add:7 }}{% now 'Y' %}",
    "\u202egnp.exe",
    "🙂" * 300,
    "' OR '1'='1",
    "../../../etc/passwd",
    "%s%s%n",
    "\r\n\r\nX-Injected: 1",
    "\uff21\uff22\uff23",  # fullwidth ABC
    "\ufeff",
    "latest",
    "1.0.0",
]
RAW_1E999 = "__raw_1e999__"
NASTY_NUMBERS = [
    float("nan"),
    float("inf"),
    float("-inf"),
    RAW_1E999,
    99999999999999999999,
    10**30,
    1e30,
    -1,
    2**63,
    0.5,
    True,
]

text = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=300))
form_text = st.one_of(
    st.sampled_from([t for t in NASTY_TEXT if not any(0xD800 <= ord(c) <= 0xDFFF for c in t)]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300),
)
numbers = st.one_of(st.sampled_from(NASTY_NUMBERS), st.integers(), st.floats())
leaves = st.one_of(text, numbers, st.booleans(), st.none())
values = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(text, children, max_size=4)
    ),
    max_leaves=12,
)


def paths_of(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into `data` (keys and list indices), the whole included."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths_of(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths_of(value, (*prefix, index))
    return found


def spoiled(body: dict[str, Any], changes: list[tuple[tuple[Any, ...], Any, str]]) -> dict:
    """`body` with each (path, value, how) applied: "set" the value there, or "add" it under a
    new key next to it (an unknown field)."""
    result = copy.deepcopy(body)
    for path, value, how in changes:
        if not path:
            continue
        target: Any = result
        try:
            for key in path[:-1]:
                target = target[key]
            if how == "add" and isinstance(target, dict):
                target[f"unknown{len(target)}"] = value
            else:
                target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed the way there
    return result


def mutations(body: dict[str, Any]) -> st.SearchStrategy[list[tuple[Any, ...]]]:
    change = st.tuples(
        st.sampled_from(paths_of(body)), values, st.sampled_from(["set", "set", "add"])
    )
    return st.lists(change, min_size=1, max_size=3)


def to_json(data: Any) -> str:
    """JSON as a careless client writes it: NaN and Infinity as bare words, 1e999 as is, lone
    surrogates as \\u escapes."""
    return json.dumps(data, allow_nan=True).replace(f'"{RAW_1E999}"', "1e999")
