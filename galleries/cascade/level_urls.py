"""The cascade levels' URLs, reversed once: a fragment names up to four of them, and Django's
reverse() costs more than the rest of the fragment's template put together."""

from __future__ import annotations

from functools import cache

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()


@cache
def _level_url(script_prefix: str, key: str) -> str:
    return reverse("cascade:level", args=[key])


@register.filter
def level_url(key: str) -> str:
    """`{{ "version_name"|level_url }}` is `{% url 'cascade:level' 'version_name' %}`."""
    # Keyed by the script prefix too: reverse() puts it in front, and it may differ per request.
    return _level_url(get_script_prefix(), key)
