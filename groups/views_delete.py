"""Deleting a group or node (discarding a draft): a confirmation page naming what goes, then
groups.services.delete_group (which writes the audit entry) and back to the list."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from console.http import AuthedRequest
from console.models import Role
from console.permissions import role_required

from .forms_delete import DeleteNodeForm
from .models import Kind, Status
from .page_urls import EDIT_URL, LIST_URL
from .publish.selectors import connection_for, publication_of
from .selectors import groups_for
from .services import delete_group


@require_http_methods(["GET", "POST"])
@role_required(Role.EDITOR)
def delete_stateless(request: AuthedRequest, group_id: str) -> HttpResponse:
    return _delete(request, Kind.STATELESS, group_id)


@require_http_methods(["GET", "POST"])
@role_required(Role.EDITOR)
def delete_stateful(request: AuthedRequest, group_id: str) -> HttpResponse:
    return _delete(request, Kind.STATEFUL, group_id)


def _delete(request: AuthedRequest, kind: Kind, group_id: str) -> HttpResponse:
    organization = request.organization
    group = get_object_or_404(groups_for(organization, kind=kind), pk=group_id)
    is_draft = group.status == Status.DRAFT
    back_to_drafts = request.GET.get("from") == "drafts" or request.POST.get("from") == "drafts"
    # A draft never launched anything, so there is nothing to deallocate.
    node_form = None
    if kind == Kind.STATEFUL and not is_draft:
        node_form = DeleteNodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (node_form is None or node_form.is_valid()):
        config = node_form.deallocation_config() if node_form is not None else None
        name = group.name
        delete_group(actor=request.user, group=group, source="console", deallocation_config=config)
        if is_draft:
            messages.success(request, f"Draft {name} discarded.")
        else:
            messages.success(request, f"{Kind(kind).label} {name} deleted.")
        return redirect("groups:drafts" if back_to_drafts else LIST_URL[kind])
    cancel = (
        reverse("groups:drafts") if back_to_drafts else reverse(EDIT_URL[kind], args=[group.pk])
    )
    publication = publication_of(group)
    connection = connection_for(group.account) if publication is not None else None
    context = {
        "group": group,
        # Deleting here deletes in Spot too: the page says so.
        "publication": publication,
        "spot_account_id": connection.spot_account_id if connection else "",
        "kind_label": Kind(kind).label,
        "is_draft": is_draft,
        "node_form": node_form,
        "revision_count": group.revisions.count(),
        "cancel_url": cancel,
        "back_to_drafts": back_to_drafts,
    }
    return render(request, "groups/delete.html", context)
