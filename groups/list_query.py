"""The lists' search, status filter, sort and pages, all read from the querystring, so a list's
URL is shareable and every page link, sort link and filter keeps the others."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import QueryDict

from .models import Group, Status

PAGE_SIZE = 25
# ?sort= value -> order; "-" first is descending. The default is the newest change first.
SORTS = {
    "name": ("name", "id"),
    "region": ("region", "name", "id"),
    "status": ("status", "name", "id"),
    "updated": ("updated_at", "id"),
}
DEFAULT_SORT = "-updated"
MAX_SEARCH = 200


@dataclass(frozen=True)
class ListQuery:
    search: str
    status: str  # "" (all) or a Status value
    sort: str  # a key of SORTS, "-" first when descending

    @classmethod
    def from_querystring(cls, query: QueryDict) -> ListQuery:
        status = query.get("status", "")
        sort = query.get("sort", DEFAULT_SORT)
        return cls(
            search=query.get("q", "").strip()[:MAX_SEARCH],
            status=status if status in Status.values else "",
            sort=sort if sort.removeprefix("-") in SORTS else DEFAULT_SORT,
        )

    def apply(self, groups: QuerySet[Group]) -> QuerySet[Group]:
        if self.search:
            groups = groups.filter(
                Q(name__icontains=self.search)
                | Q(id__iexact=self.search)
                | Q(gallery_name__icontains=self.search)
            )
        if self.status:
            groups = groups.filter(status=self.status)
        descending = self.sort.startswith("-")
        order = SORTS[self.sort.removeprefix("-")]
        return groups.order_by(*(f"-{key}" if descending else key for key in order))

    def querystring(self, **changes: Any) -> str:
        """This query as a querystring (defaults left out), with `changes` applied."""
        values = {"q": self.search, "status": self.status, "sort": self.sort, **changes}
        data = QueryDict(mutable=True)
        for key, value in values.items():
            if value and not (key == "sort" and value == DEFAULT_SORT):
                data[key] = str(value)
        return data.urlencode()

    def sort_links(self) -> dict[str, dict[str, str]]:
        """Per column: the link that sorts by it (ascending first, then flipped) and its
        aria-sort state."""
        links = {}
        for key in SORTS:
            current = self.sort.removeprefix("-") == key
            descending = self.sort.startswith("-")
            following = f"-{key}" if current and not descending else key
            state = ("descending" if descending else "ascending") if current else "none"
            links[key] = {"href": "?" + self.querystring(sort=following, page=""), "state": state}
        return links

    @property
    def filtered(self) -> bool:
        return bool(self.search or self.status)


def page_of(groups: QuerySet[Group], query: QueryDict) -> Page:
    return Paginator(groups, PAGE_SIZE).get_page(query.get("page"))
