"""The Resource Graph queries the sandbox understands, and nothing more.

Not a KQL interpreter: a tokenizer plus a parser for the few query shapes the console sends
(see README "Azure Resource Graph"):

    resources
    | where type =~ '<type>'                    (or: where type in~ ('<type>', ...))
    | project <column>, <column>, ...           (optional; any of the table's columns)
    | order by id asc                           (optional; ``sort`` too; KQL's default is desc)

Keywords are lower-case as in KQL; the table name may be ``Resources``. ``=~``/``in~``
compare case-insensitively; ``==``/``in`` compare with the lower-case ``type`` Resource
Graph stores. Anything else is refused with Resource Graph's 400 ``BadRequest`` /
``InvalidQuery`` answer, whose second detail says what was not understood and where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The columns of Resource Graph's ``resources`` table, in the order an unprojected row has.
COLUMNS = (
    "id",
    "name",
    "type",
    "tenantId",
    "kind",
    "location",
    "resourceGroup",
    "subscriptionId",
    "managedBy",
    "sku",
    "plan",
    "properties",
    "tags",
    "identity",
    "zones",
    "extendedLocation",
)
# Columns of KQL type ``dynamic``: Resource Graph cannot page a result made only of these.
DYNAMIC_COLUMNS = frozenset(
    {"sku", "plan", "properties", "tags", "identity", "zones", "extendedLocation"}
)

_TOKEN = re.compile(
    r"""
    (?P<space>\s+|//[^\n]*)
  | (?P<string>'[^'\n]*'|"[^"\n]*")
  | (?P<operator>in~|=~|==|\||\(|\)|,)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<other>!=|!~|<=|>=|=>|[-+*/%<>=!~.\[\]{}:;])  # KQL, but in no served shape
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # string | operator | word | number | other | end
    text: str
    offset: int


class QueryRefused(Exception):
    """A query outside the served shapes; ``code`` is ``ParserFailure`` for broken syntax."""

    def __init__(self, code: str, message: str, query: str, token: Token) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.token = token.text or "<end of query>"
        self.line = query.count("\n", 0, token.offset) + 1
        self.position = token.offset - (query.rfind("\n", 0, token.offset) + 1)


@dataclass(frozen=True)
class GraphQuery:
    text: str
    types: frozenset[str]  # matched against the lower-case type of each resource
    columns: tuple[str, ...]
    descending: bool

    @property
    def pageable(self) -> bool:
        """Resource Graph pages only results with a column that is not ``dynamic``."""
        return any(column not in DYNAMIC_COLUMNS for column in self.columns)


def _tokens(query: str) -> list[Token]:
    tokens: list[Token] = []
    offset = 0
    while offset < len(query):
        found = _TOKEN.match(query, offset)
        if found is None:
            bad = Token("word", query[offset], offset)
            raise QueryRefused(
                "ParserFailure", f"Unexpected character '{query[offset]}'.", query, bad
            )
        kind = found.lastgroup or "space"
        if kind != "space":
            tokens.append(Token(kind, found.group(), offset))
        offset = found.end()
    tokens.append(Token("end", "", len(query)))
    return tokens


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def unsupported(self, expected: str) -> QueryRefused:
        token = self.current
        return QueryRefused(
            "SandboxUnsupportedQuery",
            f"The Azure sandbox serves only the Resource Graph query shapes listed in "
            f"azure_sandbox/README.md; expected {expected}, found "
            f"'{token.text or '<end of query>'}'.",
            self.query,
            token,
        )

    def take(self, kind: str, *texts: str, expected: str | None = None) -> Token:
        token = self.current
        if token.kind != kind or (texts and token.text not in texts):
            raise self.unsupported(expected or " or ".join(f"'{t}'" for t in texts) or kind)
        self.index += 1
        return token

    def at(self, kind: str, *texts: str) -> bool:
        token = self.current
        return token.kind == kind and (not texts or token.text in texts)

    def parse(self) -> GraphQuery:
        table = self.take("word", expected="the table 'resources'")
        if table.text.lower() != "resources":
            self.index -= 1
            raise self.unsupported("the table 'resources'")
        self.take("operator", "|")
        types = self.where()
        columns: tuple[str, ...] | None = None
        descending: bool | None = None
        while not self.at("end"):
            self.take("operator", "|", expected="'|' or the end of the query")
            if self.at("word", "project") and columns is None:
                columns = self.project()
            elif self.at("word", "order", "sort") and descending is None:
                descending = self.order()
            else:
                raise self.unsupported("'project' or 'order by id'")
        return GraphQuery(
            self.query,
            types,
            columns if columns is not None else COLUMNS,
            # Without an order Resource Graph promises none; the sandbox answers by id, ascending.
            bool(descending),
        )

    def where(self) -> frozenset[str]:
        self.take("word", "where")
        self.take("word", "type", expected="the column 'type'")
        if self.at("word", "in"):
            operator = self.take("word")
        else:
            operator = self.take(
                "operator", "=~", "==", "in~", expected="'=~', '==', 'in' or 'in~'"
            )
        literals = [self.string()] if operator.text in ("=~", "==") else self.string_list()
        if operator.text in ("=~", "in~"):
            return frozenset(literal.lower() for literal in literals)
        return frozenset(literals)

    def string(self) -> str:
        return self.take("string", expected="a quoted string").text[1:-1]

    def string_list(self) -> list[str]:
        self.take("operator", "(")
        literals = [self.string()]
        while self.at("operator", ","):
            self.index += 1
            literals.append(self.string())
        self.take("operator", ")")
        return literals

    def project(self) -> tuple[str, ...]:
        self.take("word", "project")
        columns = [self.column()]
        while self.at("operator", ","):
            self.index += 1
            columns.append(self.column())
        if len(set(columns)) != len(columns):
            self.index -= 1
            raise self.unsupported("each column once")
        return tuple(columns)

    def column(self) -> str:
        token = self.take("word", expected="a column of the resources table")
        if token.text not in COLUMNS:
            self.index -= 1
            raise self.unsupported(f"one of the columns {', '.join(COLUMNS)}")
        return token.text

    def order(self) -> bool:
        self.take("word", "order", "sort")
        self.take("word", "by")
        self.take("word", "id", expected="the column 'id'")
        if self.at("word", "asc", "desc"):
            return self.take("word").text == "desc"
        return True


def parse_query(query: str) -> GraphQuery:
    """The served query ``query`` stands for, or ``QueryRefused``."""
    return _Parser(query).parse()
