"""Settings → Spot (admins): each account's Spot connection, Test connection and import; and
the sync-state actions on a group (editors): retry, re-publish, adopt Spot's configuration.

Every object is looked up inside the signed-in member's organization (others are 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from console.http import AuthedRequest
from console.models import Account, Role
from console.permissions import role_required
from console.selectors import accounts_for
from groups.models import Kind
from groups.reviews.refusals import ReviewRefused
from groups.selectors import groups_for
from groups.services import ValidationFailed

from . import imports, selectors, services
from .forms import SpotConnectionForm, initial_for
from .models import Publication, SpotConnection

EDIT_URL = {Kind.STATELESS: "groups:stateless_edit", Kind.STATEFUL: "groups:stateful_edit"}


def _account(request: AuthedRequest, account_id: str) -> Account:
    account = selectors.account_for(request.organization, account_id)
    if account is None:
        raise Http404("No such account in this organization.")
    return account


def _connection(request: AuthedRequest, account_id: str) -> SpotConnection:
    connection = selectors.connection_for(_account(request, account_id))
    if connection is None:
        raise Http404("This account has no Spot connection.")
    return connection


def _publication(request: AuthedRequest, pk: int) -> Publication:
    return get_object_or_404(selectors.publications_for(request.organization), pk=pk)


def _back_to_group(publication: Publication) -> HttpResponse:
    if publication.group_id is None:
        return redirect("publish:connection", account_id=publication.account_id)
    return redirect(EDIT_URL[Kind(publication.kind)], publication.group_public_id)


@role_required(Role.ADMIN)
@require_GET
def connections(request: AuthedRequest) -> HttpResponse:
    by_account = selectors.connections_by_account(request.organization)
    rows = [
        {"account": account, "connection": by_account.get(account.id)}
        for account in accounts_for(request.organization)
    ]
    return render(request, "publish/connections.html", {"rows": rows})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def connection(request: AuthedRequest, account_id: str) -> HttpResponse:
    account = _account(request, account_id)
    existing = selectors.connection_for(account)
    if request.method == "POST":
        form = SpotConnectionForm(request.POST, connection=existing)
        if form.is_valid():
            services.save_connection(
                actor=request.user,
                account=account,
                base_url=form.cleaned_data["base_url"],
                spot_account_id=form.cleaned_data["spot_account_id"],
                token=form.cleaned_data["token"],
            )
            messages.success(request, f"{account.name} publishes to Spot from now on.")
            return redirect("publish:connection", account_id=account.id)
    else:
        form = SpotConnectionForm(initial=initial_for(existing), connection=existing)
    context = {
        "account": account,
        "connection": existing,
        "form": form,
        "deletions": selectors.remote_deletions(request.organization, account),
    }
    return render(request, "publish/connection.html", context)


@role_required(Role.ADMIN)
@require_POST
def connection_test(request: AuthedRequest, account_id: str) -> HttpResponse:
    verdict = services.test_connection(_connection(request, account_id))
    (messages.success if verdict.ok else messages.error)(request, verdict.message)
    return redirect("publish:connection", account_id=account_id)


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def connection_remove(request: AuthedRequest, account_id: str) -> HttpResponse:
    found = _connection(request, account_id)
    if request.method == "POST":
        services.remove_connection(actor=request.user, connection=found)
        messages.success(request, f"{found.account.name} no longer publishes to Spot.")
        return redirect("publish:connections")
    return render(request, "publish/connection_remove.html", {"connection": found})


@role_required(Role.ADMIN)
@require_POST
def connection_import(request: AuthedRequest, account_id: str) -> HttpResponse:
    services.request_import(actor=request.user, connection=_connection(request, account_id))
    messages.success(
        request, "Import queued: the account's groups and stateful nodes in Spot are read now."
    )
    return redirect("publish:connection", account_id=account_id)


@role_required(Role.EDITOR)
@require_POST
def publication_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    services.retry(actor=request.user, publication=publication)
    messages.success(request, f"Publishing {publication.name} to Spot again.")
    return _back_to_group(publication)


@role_required(Role.EDITOR)
@require_POST
def publication_republish(request: AuthedRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    if publication.group is None:
        raise Http404("This group was deleted.")
    services.republish(actor=request.user, group=publication.group)
    messages.success(
        request, f"Publishing {publication.name} over the configuration changed in Spot."
    )
    return _back_to_group(publication)


@role_required(Role.EDITOR)
@require_POST
def publication_adopt(request: AuthedRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    try:
        change = imports.adopt_remote(actor=request.user, publication=publication)
    except ValidationFailed as failure:
        messages.error(
            request,
            "Spot's configuration can't be proposed here: "
            + "; ".join(problem.message for problem in failure.problems[:3]),
        )
    except ReviewRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, f"Spot's configuration of {publication.name} is proposed for review."
        )
        return redirect("reviews:change", change_id=change.pk)
    return _back_to_group(publication)


@role_required(Role.VIEWER)
@require_GET
def preview(request: AuthedRequest, group_id: str) -> HttpResponse:
    """A dry run: what publishing the group's current revision would send, against Spot live."""
    group = get_object_or_404(groups_for(request.organization), pk=group_id)
    if selectors.connection_for(group.account) is None:
        raise Http404("This group's account does not publish to Spot.")
    return render(
        request, "publish/preview.html", {"group": group, "edit_url": EDIT_URL[Kind(group.kind)]}
    )
