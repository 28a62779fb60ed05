"""New drafts from what exists: clone a group, restore an old revision, import Spot JSON; and
export a group's Spot JSON as a file. Each new draft opens in the editor, with the problems
today's inventory finds listed on it."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from console.http import AuthedRequest
from console.models import Role
from console.permissions import role_required

from .edit_context import EditContext
from .editor.spot_import import WRAPPER, ImportRefused, spec_from_text
from .models import Group, Kind
from .page_urls import EDIT_URL, LIST_URL
from .selectors import groups_for
from .services import ValidationFailed, copy_name, save_copy_as_draft
from .spot.json import to_item
from .validation.problems import VALIDATION_ERROR, Problem


def _group(request: AuthedRequest, kind: Kind, group_id: str) -> Group:
    return get_object_or_404(groups_for(request.organization, kind=kind), pk=group_id)


def _opened(request: AuthedRequest, draft: Group, done: str) -> HttpResponse:
    messages.success(request, f"{done} Review it, then create it when it is ready.")
    return redirect(EDIT_URL[Kind(draft.kind)], group_id=draft.pk)


def _password_note(request: AuthedRequest, source: Group) -> None:
    if source.login_password_encrypted:
        messages.info(request, "The login password is not copied: type it on the Login tab.")


@role_required(Role.EDITOR)  # first: signed out is asked to sign in, a viewer refused
@require_POST
def clone(request: AuthedRequest, kind: str, group_id: str) -> HttpResponse:
    source = _group(request, Kind(kind), group_id)
    spec = {**source.spec, "name": copy_name(source.name, "copy")}
    draft, _ = save_copy_as_draft(
        EditContext(request.user, request.organization, source.account, source.kind), spec
    )
    _password_note(request, source)
    return _opened(request, draft, f"Cloned {source.name} into the new draft {draft.name}.")


@role_required(Role.EDITOR)  # first: signed out is asked to sign in, a viewer refused
@require_POST
def restore(request: AuthedRequest, kind: str, group_id: str, number: int) -> HttpResponse:
    source = _group(request, Kind(kind), group_id)
    revision = get_object_or_404(source.revisions, number=number)
    name = copy_name(str(revision.spec.get("name") or source.name), f"revision {number}")
    draft, _ = save_copy_as_draft(
        EditContext(request.user, request.organization, source.account, source.kind),
        {**revision.spec, "name": name},
    )
    _password_note(request, source)
    done = f"Revision {number} of {source.name} restored as the new draft {draft.name}."
    return _opened(request, draft, done)


@require_http_methods(["GET"])
@role_required()
def export(request: AuthedRequest, kind: str, group_id: str) -> HttpResponse:
    """The group as a create body ({"group": …}), which Import and the API accept back."""
    group = _group(request, Kind(kind), group_id)
    body = json.dumps({WRAPPER[Kind(kind)]: to_item(group)}, indent=2, sort_keys=True)
    response = HttpResponse(body + "\n", content_type="application/json")
    filename = f"{slugify(group.name)[:80] or 'group'}-{group.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ImportForm(forms.Form):
    spot_json = forms.CharField(
        label="Spot JSON",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "class": "form-control font-monospace"}),
        help_text="A create body, an API answer, or the object the Review tab shows.",
    )
    spot_file = forms.FileField(
        label="Or a file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".json"}),
    )

    def text(self) -> str | bytes:
        upload = self.cleaned_data.get("spot_file")
        if upload is None:
            return str(self.cleaned_data.get("spot_json") or "")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440
        if upload.size > limit:
            raise ImportRefused(
                [Problem(VALIDATION_ERROR, f"The file is larger than {limit:,} bytes.", "")]
            )
        return bytes(upload.read())


@require_http_methods(["GET", "POST"])
@role_required(Role.EDITOR)
def import_json(request: AuthedRequest, kind: str) -> HttpResponse:
    kind = Kind(kind)
    account = request.account
    if account is None:
        messages.error(request, "Your organization has no account yet; an admin can add one.")
        return redirect(LIST_URL[kind])
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        try:
            spec = spec_from_text(kind, form.text())
            draft, _ = save_copy_as_draft(
                EditContext(request.user, request.organization, account, kind), spec
            )
        except (ImportRefused, ValidationFailed) as refused:
            problems = refused.problems
        else:
            return _opened(request, draft, f"Imported {draft.name} as a new draft.")
    context = {
        "form": form,
        "problems": problems,
        "kind_label": kind.label,
        "account": account,
        "list_url": reverse(LIST_URL[kind]),
    }
    return render(request, "groups/import.html", context, status=422 if problems else 200)
