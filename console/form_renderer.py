"""Django's form renderer, with its most used widget templates written out in Python.

A widget rendered through its template costs about a quarter of a millisecond (an <input> is
two templates, a <select> two more per option): the group editor's thirty inputs and its
56-option region list were a fifth of the page's CPU time. The inputs, text areas and selects
below give exactly what Django's templates give (tests/console/test_form_renderer.py renders
each both ways); every other template, and any widget whose context holds something these do not
expect, goes through the templates as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
INPUT_TEMPLATES = frozenset(
    f"{WIDGETS}{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "password", "hidden", "checkbox", "date",
        "datetime", "time", "search", "tel", "color",
    )
)  # fmt: skip
# Only the context a template can read matters; a plain one stands in for a request's.
_CONTEXT = Context(autoescape=True)


def _shown(value: Any) -> str:
    """{{ value }}: localized and escaped as a template shows it."""
    return render_value_in_context(value, _CONTEXT)


def _formatted(value: Any) -> str:
    """{{ value|stringformat:'s' }}: text, escaped unless it was safe already."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else str(conditional_escape(text))


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html"""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {_shown(name)}" if value is True else f' {_shown(name)}="{_formatted(value)}"'
        )
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input.html"""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: dict[str, Any]) -> str:
    """django/forms/widgets/textarea.html"""
    value = _shown(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    )


def _select(widget: dict[str, Any]) -> str | None:
    """django/forms/widgets/select.html with select_option.html; None for options of another
    template (a subclass's)."""
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != f"{WIDGETS}select_option.html":
                return None
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_shown(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_WRITTEN_OUT: dict[str, Callable[[dict[str, Any]], str | None]] = {
    **dict.fromkeys(INPUT_TEMPLATES, _input),
    f"{WIDGETS}textarea.html": _textarea,
    f"{WIDGETS}select.html": _select,
}


class FormRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: Django's default renderer, faster for the common widgets."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = _WRITTEN_OUT.get(template_name)
        if write is not None and request is None:
            try:
                html = write(context["widget"])
            except (KeyError, TypeError, AttributeError):
                html = None  # a context these functions don't know: the template renders it
            if html is not None:
                return mark_safe(html.strip())  # noqa: S308 - every value is escaped above
        return super().render(template_name, context, request)
