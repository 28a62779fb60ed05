"""The stateless group / stateful node editor: one form in tabs, saved as a draft or validated.

GET shows the group (read-only for viewers); POST saves a draft ("draft"), creates or updates
after full validation ("save"), or, without JavaScript, reloads the cascade ("reload").
A stale `revision` gives the conflict page and overwrites nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from console.http import AuthedRequest
from console.middleware import SESSION_ACCOUNT_KEY
from console.models import Account, Role
from console.permissions import has_role, role_required
from galleries.cascade.selection import FIELDS as CASCADE_FIELDS, Selection, selection_from
from galleries.cascade.views import cascade_context
from galleries.inventory.search import image_to_use
from galleries.network.selectors import NETWORK_INPUTS, network_choices
from galleries.regions import region_display_name
from galleries.selectors import subscriptions_for

from ..edit_context import EditContext
from ..models import Group, Kind, Status
from ..page_urls import CLONE_URL, DELETE_URL, EDIT_URL, EXPORT_URL, LIST_URL, RESTORE_URL
from ..reviews.models import ChangeRequest
from ..reviews.policy import policy_for
from ..reviews.refusals import ReviewRefused
from ..reviews.saves import propose_from_editor
from ..reviews.selectors import change_and_spec_to_edit, open_change_of, spec_to_edit
from ..selectors import groups_for, revisions_for
from ..services import RevisionConflict, ValidationFailed, save_group
from ..spot.fields import TABS
from ..spot.json import (
    editor_values_from_spec,
    spec_from_editor_values,
    to_item,
)
from ..validation.problems import Problem
from ..validation.rules import is_specialized, validate_spec
from ..vm_sizes import normalize_architecture
from . import presenter, values as editor_values
from .conflict import conflict_page
from .form import GroupEditorForm
from .sizes import size_picker

IMAGE_GONE = "That image is no longer in the inventory; choose another."
_UNREAD = object()  # an argument the caller has not read


@dataclass
class FieldView:
    """A bound field with its validation messages (errors block Create; warnings don't)."""

    bound: Any
    warnings: list[str] = field(default_factory=list)
    required: bool = False


@vary_on_headers("HX-Request")
@role_required()
def edit_stateless(request: AuthedRequest, group_id: str | None = None) -> HttpResponse:
    return _editor(request, Kind.STATELESS, group_id)


@vary_on_headers("HX-Request")
@role_required()
def edit_stateful(request: AuthedRequest, group_id: str | None = None) -> HttpResponse:
    return _editor(request, Kind.STATEFUL, group_id)


def _editor(request: AuthedRequest, kind: Kind, group_id: str | None) -> HttpResponse:
    organization = request.organization
    group = None
    if group_id is not None:
        group = get_object_or_404(groups_for(organization, kind=kind), pk=group_id)
        _switch_to_groups_account(request, group)
    elif not has_role(request, Role.EDITOR):
        raise PermissionDenied("Viewers can look at groups but not create them.")
    account: Account | None = group.account if group else request.account
    if account is None:
        messages.error(request, "Your organization has no account yet; an admin can add one.")
        return redirect(LIST_URL[kind])
    if request.method == "POST":
        if not has_role(request, Role.EDITOR):
            raise PermissionDenied("Viewers can look at groups but not change them.")
        return _submit(request, kind, group, account)
    open_change, spec = change_and_spec_to_edit(group) if group else (None, None)
    original = editor_values_from_spec(kind, spec)
    initial = editor_values.initial_from_values(original, kind, account.pk)
    initial["revision"] = group.revision if group else 0
    if group is None and request.GET.get("use_image"):
        # "Use this image" from the image search: a new draft starting from that image.
        image = image_to_use(organization, request.GET["use_image"])
        if image is None:
            messages.error(request, IMAGE_GONE)
        else:
            initial.update(editor_values.choosing_image(image))
    form = GroupEditorForm(initial=initial, kind=kind)
    warnings: list[Problem] = []
    if group is not None:
        # Re-checked on every open: the inventory may have changed since the last save.
        warnings = validate_spec(
            EditContext(request.user, organization, account, kind),
            group.spec,
            has_stored_password=bool(group.login_password_encrypted),
        )
    selection = selection_from({**initial, "group_account": account.pk})
    return _render(
        request, kind, group, account, form, selection, warnings=warnings, open_change=open_change
    )


def _switch_to_groups_account(request: AuthedRequest, group: Group) -> None:
    """Opening another account's group switches the header's account to it: never a wrong one."""
    current = request.account
    if current is not None and current.pk == group.account_id:
        return
    request.session[SESSION_ACCOUNT_KEY] = group.account_id
    request.account = group.account
    if request.method == "GET":
        messages.info(
            request, f"Switched to account {group.account.name}, which {group.name} belongs to."
        )


def _submit(
    request: AuthedRequest, kind: Kind, group: Group | None, account: Account
) -> HttpResponse:
    organization = request.organization
    if request.POST.get("use_image"):
        return _use_image(request, kind, group, account)
    action = request.POST.get("action", "draft")
    form = GroupEditorForm(request.POST, kind=kind)
    selection = _posted_selection(request, account, reload=action == "reload")
    if action == "reload":
        return _render(request, kind, group, account, form, selection, status=200)
    if action == "preview":  # the Review tab of a group not saved yet (editor.js)
        form.is_valid()
        preview = editor_values.preview_spec(form, kind, account.pk)
        return HttpResponse(editor_values.json_text(preview), content_type="application/json")
    if not form.is_valid():
        return _render(request, kind, group, account, form, selection, status=422)
    if group is not None and form.cleaned_data.get("revision") is None:
        return _revision_missing(request, kind, group, account, selection)
    if action == "draft" and not form.cleaned_data.get("name", "").strip():
        form.add_error("name", "A draft needs at least a name: type one, then save the draft.")
        return _render(request, kind, group, account, form, selection, status=422)
    # A group with a change under review is edited from the change, not the live revision.
    base_spec = spec_to_edit(group) if group else None
    original = editor_values_from_spec(kind, base_spec) if base_spec is not None else None
    values = editor_values.values_from_form(form.cleaned_data, kind, account.pk, original)
    notes = []
    image = editor_values.chosen_gallery_image(organization, account.pk, values)
    if is_specialized(image) and editor_values.leaves_out_with_specialized_image(values, kind):
        values = editor_values.without_login(values, kind)
        notes.append(
            f"Image {image.name} is specialized, so Login and Custom Data were left out."  # type: ignore[union-attr]
        )
    spec = spec_from_editor_values(kind, values, base_spec=base_spec)
    status = Status.ACTIVE if action == "save" else Status.DRAFT
    expected = form.cleaned_data.get("revision") if group else None
    context = EditContext(request.user, organization, account, kind)
    try:
        # Reviewed organizations: the save becomes (or edits) a change awaiting review.
        proposed = propose_from_editor(
            context,
            group=group,
            spec=spec,
            save_as_active=status == Status.ACTIVE,
            expected_revision=expected,
            change_version=_int_or_none(request.POST.get("change_version")),
        )
        if proposed is not None:
            messages.success(
                request, f"Saved as a change to review (version {proposed.change.version})."
            )
            return redirect("reviews:change", change_id=proposed.change.pk)
        saved, problems = save_group(
            context,
            spec,
            status=status,
            source="console",
            group=group,
            expected_revision=expected,
        )
    except ValidationFailed as failed:
        return _render(
            request, kind, group, account, form, selection, errors=failed.problems, status=422
        )
    except RevisionConflict as conflict:
        return conflict_page(request, kind, conflict.current, expected, spec)
    except ReviewRefused as refused:
        problem = Problem("CHANGE_CONFLICT", f"Not saved: {refused}", "")
        return _render(request, kind, group, account, form, selection, errors=[problem], status=409)
    for note in notes:
        messages.info(request, note)
    verb = {
        Status.ACTIVE: "created" if group is None else "updated",
        Status.DRAFT: "saved as a draft",
    }
    summary = f"{saved.name} {verb[status]} (revision {saved.revision})."
    if problems:
        count = len(problems)
        summary += f" {count} problem{pluralize(count)} {pluralize(count, 'is,are')} listed below."
    messages.success(request, summary)
    return redirect(EDIT_URL[kind], group_id=saved.pk)


def _use_image(
    request: AuthedRequest, kind: Kind, group: Group | None, account: Account
) -> HttpResponse:
    """ "Use this image" in the editor's image search: the form comes back as posted, with the
    cascade set to that image and "latest"; nothing is saved until the user saves."""
    data = request.POST.copy()
    image = image_to_use(request.organization, str(data.get("use_image", "")))
    problems = [] if image is not None else [Problem("IMAGE_GONE", IMAGE_GONE, "")]
    for name, value in editor_values.choosing_image(image, posted=True).items() if image else ():
        data[name] = value
    form = GroupEditorForm(data, kind=kind)
    selection = selection_from({**data.dict(), "group_account": account.pk})
    return _render(request, kind, group, account, form, selection, errors=problems, tab="compute")


def _typed(form: GroupEditorForm, names: tuple[str, ...]) -> dict[str, str]:
    return {name: str(form[name].value() or "") for name in names}


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _revision_missing(
    request: AuthedRequest,
    kind: Kind,
    group: Group,
    account: Account,
    selection: Selection,
) -> HttpResponse:
    """An edit that does not say which revision it started from could silently overwrite
    someone else's save: nothing is saved, and the posted values come back with the current
    revision, so that saving again is a choice made knowingly."""
    data = request.POST.copy()
    data["revision"] = str(group.revision)
    form = GroupEditorForm(data, kind=kind)
    form.is_valid()
    by = f" by {group.updated_by}" if group.updated_by else ""
    problem = Problem(
        "REVISION_REQUIRED",
        f"Not saved: the form did not say which revision of {group.name} it was editing (a "
        "page from an older console, or a script that left the field out), so saving it "
        "could overwrite someone else's changes. Your changes are kept below; "
        f"{group.name} is at revision {group.revision} (saved{by}). Check it, then save again.",
        "",
    )
    return _render(request, kind, group, account, form, selection, errors=[problem], status=409)


def _posted_selection(request: AuthedRequest, account: Account, *, reload: bool) -> Selection:
    """The cascade as posted; on a no-JavaScript reload, a changed parent clears its children."""
    data = {**request.POST.dict(), "group_account": account.pk}
    changed = None
    if reload:
        for name in CASCADE_FIELDS:
            if data.get(name, "") != data.get(f"cascade_prev_{name}", ""):
                changed = name
                break
    return selection_from(data, changed=changed)


def _render(
    request: AuthedRequest,
    kind: Kind,
    group: Group | None,
    account: Account,
    form: GroupEditorForm,
    selection: Selection,
    *,
    warnings: list[Problem] | None = None,
    errors: list[Problem] | None = None,
    status: int = 200,
    tab: str = "",
    open_change: ChangeRequest | object | None = _UNREAD,
) -> HttpResponse:
    """`open_change`: the group's open change (or None), when the caller has read it."""
    if errors:
        by_field, general_errors = editor_values.problems_by_field(
            [problem for problem in errors if problem.is_error], form
        )
        for name, problems in by_field.items():
            for problem in problems:
                form.add_error(name, problem.message)
    else:
        general_errors = []
    form.mark_invalid()
    warned, general_warnings = editor_values.problems_by_field(warnings or [], form)
    views = {
        name: FieldView(
            form[name], [p.message for p in warned.get(name, [])], name in form.required_names
        )
        for name in form.fields
    }
    # Read once for the cascade's accounts, Azure's trouble and the network suggestions.
    subscriptions = list(subscriptions_for(request.organization))
    context = cascade_context(request.organization, selection, subscriptions)
    for _key, level in context["cascade_levels"]:
        if level is not None and level.field in form.fields:
            level.errors = list(form.errors.get(level.field, []))
            level.warnings = views[level.field].warnings
    anchor = presenter.cascade_anchors(context["cascade_levels"])
    error_links = [
        (anchor.get(name, name), str(error))
        for name, errors in form.errors.items()
        if name in form.fields
        for error in errors
    ]
    warning_links = [
        (anchor.get(name, name), warning) for name, fv in views.items() for warning in fv.warnings
    ]
    image_type = form["image_type"].value() or "gallery"
    version_level = dict(context["cascade_levels"]).get("version_name")
    chosen = version_level.extra.get("image") if version_level is not None else None
    if image_type != "gallery":
        chosen = None
    architecture = normalize_architecture(chosen.architecture) if chosen is not None else None
    context.update(
        image_architecture=architecture or "",
        size_pickers={
            name: size_picker(
                form[name], views[name].warnings, architecture, [str(e) for e in form[name].errors]
            )
            for name in ("od_sizes", "spot_sizes")
            if name in form.fields
        },
    )
    context.update(
        azure_trouble=presenter.azure_trouble(
            request.organization, account, selection, subscriptions
        ),
        kind=kind,
        kind_label=Kind(kind).label,
        tabs=TABS,
        group=group,
        account=account,
        form=form,
        f=views,
        error_links=error_links,
        error_tabs=list(dict.fromkeys(form.tab_of(name) for name, _ in error_links)),
        warning_links=warning_links,
        warning_tabs={form.tab_of(name) for name, _ in warning_links},
        general_errors=general_errors,
        general_warnings=general_warnings,
        # Problems from the checks and the form's own field errors alike: the summary always counts.
        error_count=len(error_links) + len(general_errors),
        warning_count=len(warnings or []),
        readonly=not has_role(request, Role.EDITOR),
        open_tab=tab,
        network=network_choices(
            request.organization,
            account.pk,
            subscriptions,
            **_typed(form, NETWORK_INPUTS),
        ),
        specialized=is_specialized(chosen),
        chosen_image=chosen,
        review_json=editor_values.json_text(
            to_item(group) if group else editor_values.preview_spec(form, kind, account.pk)
        ),
        export_url=EXPORT_URL[kind],
        clone_url=CLONE_URL[kind],
        restore_url=RESTORE_URL[kind],
        region_name=region_display_name(selection.region),
        list_url=reverse(LIST_URL[kind]),
        delete_url=reverse(DELETE_URL[kind], args=[group.pk]) if group else "",
        revisions=list(revisions_for(group)[:10]) if group else [],
        open_change=(open_change_of(group) if group else None)
        if open_change is _UNREAD
        else open_change,
        reviewed=policy_for(request.organization).approvals_required > 0,
        cascade_prev=[
            (name, selection.account if name == "spot_account_id" else getattr(selection, name))
            for name in CASCADE_FIELDS
        ],
    )
    return render(request, "groups/editor.html", context, status=status)
