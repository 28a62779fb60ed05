"""Settings → Subscriptions: connect, test, edit, disconnect, refresh and run history.

Admins only; every object is looked up inside the user's organization (others are 404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from console.accounts import AccountInUse, delete_account
from console.http import AuthedRequest
from console.models import Role
from console.permissions import role_required
from galleries import selectors
from galleries.crypto import SecretUnreadable, decrypt_secret
from galleries.models import ConnectedSubscription, RefreshRun
from galleries.refresh.request import request_refresh

from . import services
from .forms import SubscriptionForm, initial_for

admin_required = role_required(Role.ADMIN)


def _subscription(request: AuthedRequest, pk: int) -> ConnectedSubscription:
    return get_object_or_404(selectors.subscriptions_for(request.organization), pk=pk)


def _status_context(subscription: ConnectedSubscription) -> dict[str, Any]:
    latest = selectors.latest_run(subscription)
    completed = selectors.last_completed_run(subscription)
    return {
        "subscription": subscription,
        "run": latest,
        "completed": completed,
        "stale": selectors.is_stale(completed),
        "active": latest is not None and latest.is_active,
    }


@admin_required
@require_GET
def subscription_list(request: AuthedRequest) -> HttpResponse:
    organization = request.organization
    subscriptions = list(selectors.subscriptions_for(organization))
    counts = selectors.inventory_counts(subscriptions)
    rows = [{**_status_context(s), "counts": counts[s.pk]} for s in subscriptions]
    return render(request, "galleries/subscriptions/list.html", {"rows": rows})


@admin_required
@require_http_methods(["GET", "POST"])
def subscription_connect(request: AuthedRequest) -> HttpResponse:
    organization = request.organization
    if request.method == "POST":
        form = SubscriptionForm(request.POST, organization=organization)
        if form.is_valid():
            subscription = services.connect_subscription(
                organization=organization,
                actor=request.user,
                display_name=form.cleaned_data["display_name"],
                connection=form.connection(),
                account=form.cleaned_data.get("account"),
            )
            messages.success(
                request, f"Connected {subscription.display_name}; the first refresh is queued."
            )
            return redirect("galleries:subscription_detail", pk=subscription.pk)
    else:
        form = SubscriptionForm(organization=organization)
    return render(
        request, "galleries/subscriptions/form.html", {"form": form, "subscription": None}
    )


@admin_required
@require_POST
def subscription_test_unsaved(request: AuthedRequest) -> HttpResponse:
    """Test the connection typed into the connect form, before anything is saved."""
    form = SubscriptionForm(request.POST, organization=request.organization)
    form.is_valid()
    refused = _endpoint_errors(form)
    if refused:
        return _test_result(request, ok=False, message=refused)
    needed = ("subscription_id", "tenant_id", "client_id", "client_secret", "cloud")
    problems = [name for name in needed if name in form.errors or not form.cleaned_data.get(name)]
    problems += [n for n in ("arm_endpoint", "authority_host", "ca_bundle_pem") if n in form.errors]
    if problems:
        labels = ", ".join(str(form.fields[n].label or n).lower() for n in problems)
        return _test_result(request, ok=False, message=f"Fill in a valid {labels} first.")
    result = services.test_connection(form.connection())
    return _test_result(request, ok=result.ok, message=result.message)


@admin_required
@require_POST
def subscription_test(request: AuthedRequest, pk: int) -> HttpResponse:
    """Test a saved subscription (or the edit form's values, the stored secret if blank)."""
    subscription = _subscription(request, pk)
    if "tenant_id" in request.POST:
        form = SubscriptionForm(
            request.POST,
            organization=request.organization,
            instance=subscription,
            initial=initial_for(subscription),
        )
        if not form.is_valid():
            secret_errors = [str(error) for error in form.errors.get("client_secret", [])]
            message = _endpoint_errors(form) or " ".join(secret_errors)
            return _test_result(
                request, ok=False, message=message or "Correct the form's errors first."
            )
        try:
            stored = decrypt_secret(subscription.client_secret_encrypted)
        except SecretUnreadable as exc:
            return _test_result(request, ok=False, message=str(exc))
        result = services.test_connection(form.connection(stored_secret=stored))
    else:
        result = services.check_credentials(subscription, actor=request.user)
    return _test_result(request, ok=result.ok, message=result.message)


def _endpoint_errors(form: SubscriptionForm) -> str:
    """What the form says about endpoints the deployment refuses, if anything."""
    errors = [
        str(e) for name in ("authority_host", "arm_endpoint") for e in form.errors.get(name, [])
    ]
    return " ".join(dict.fromkeys(errors))


def _test_result(request: AuthedRequest, *, ok: bool, message: str) -> HttpResponse:
    return render(
        request, "galleries/subscriptions/_test_result.html", {"ok": ok, "message": message}
    )


@admin_required
@require_GET
def subscription_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    context = _status_context(subscription)
    context["counts"] = selectors.inventory_counts([subscription])[subscription.pk]
    context["runs"] = selectors.runs_for(subscription)[:25]
    return render(request, "galleries/subscriptions/detail.html", context)


@admin_required
@require_GET
def subscription_status(request: AuthedRequest, pk: int) -> HttpResponse:
    """The refresh status fragment; it polls itself only while a run is active."""
    subscription = _subscription(request, pk)
    return render(request, "galleries/subscriptions/_status.html", _status_context(subscription))


@admin_required
@require_POST
def subscription_refresh(request: AuthedRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    _run, created = request_refresh(subscription, actor=request.user)
    if request.htmx:
        return render(
            request, "galleries/subscriptions/_status.html", _status_context(subscription)
        )
    messages.info(request, "Refresh queued." if created else "A refresh is already under way.")
    return redirect("galleries:subscription_detail", pk=subscription.pk)


@admin_required
@require_http_methods(["GET", "POST"])
def subscription_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    organization = request.organization
    initial = initial_for(subscription)
    if request.method == "POST":
        form = SubscriptionForm(
            request.POST, organization=organization, instance=subscription, initial=initial
        )
        if form.is_valid():
            services.update_subscription(
                subscription,
                actor=request.user,
                display_name=form.cleaned_data["display_name"],
                connection=form.connection(),
            )
            messages.success(request, "Subscription saved.")
            return redirect("galleries:subscription_detail", pk=subscription.pk)
    else:
        form = SubscriptionForm(organization=organization, instance=subscription, initial=initial)
    return render(
        request, "galleries/subscriptions/form.html", {"form": form, "subscription": subscription}
    )


@admin_required
@require_http_methods(["GET", "POST"])
def subscription_disconnect(request: AuthedRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    references = list(services.references_to(subscription))
    account = subscription.account
    # Through the reverse relation: galleries does not import groups (which depends on it).
    account_deletable = not account.groups.exists()
    if request.method == "POST":
        name = subscription.display_name
        services.disconnect_subscription(subscription, actor=request.user)
        if account_deletable and request.POST.get("delete_account"):
            try:
                delete_account(account=account, actor=request.user)
            except AccountInUse as exc:  # a group was saved in between
                messages.error(request, str(exc))
            else:
                messages.success(request, f"Disconnected {name} and deleted {account.name}.")
                return redirect("galleries:subscriptions")
        messages.success(request, f"Disconnected {name}.")
        return redirect("galleries:subscriptions")
    return render(
        request,
        "galleries/subscriptions/disconnect.html",
        {
            "subscription": subscription,
            "references": references,
            "account_deletable": account_deletable,
        },
    )


@admin_required
@require_GET
def run_detail(request: AuthedRequest, pk: int, run_pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    run = get_object_or_404(RefreshRun, subscription=subscription, pk=run_pk)
    return render(
        request,
        "galleries/subscriptions/run.html",
        {"subscription": subscription, "run": run},
    )
