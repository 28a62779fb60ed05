"""Settings → Accounts (admins): the organization's accounts, renamed or deleted here.

The writes are console.services' (audited); an account with groups or nodes is not deleted.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .accounts import AccountInUse, DuplicateAccountName, delete_account, rename_account
from .http import AuthedRequest
from .middleware import SESSION_ACCOUNT_KEY
from .models import Account, Role
from .permissions import role_required
from .rules import ACCOUNT_NAME
from .selectors import accounts_for


class RenameAccountForm(forms.Form):
    name = forms.CharField(
        label="Name",
        validators=[ACCOUNT_NAME.validator],
        widget=forms.TextInput(attrs={"class": "form-control", **ACCOUNT_NAME.input_attrs()}),
    )


def _account(request: AuthedRequest, account_id: str) -> Account:
    return get_object_or_404(accounts_for(request.organization), pk=account_id)


def _what_goes(account: Account) -> dict[str, Any]:
    """What deleting the account removes with it (read through the reverse relations: the
    console does not import the apps that depend on it)."""
    return {
        "subscription": getattr(account, "subscription", None),
        "spot_connection": getattr(account, "spot_connection", None),
        "group_count": account.groups.count(),
    }


@require_GET
@role_required(Role.ADMIN)
def account_list(request: AuthedRequest) -> HttpResponse:
    accounts = [(account, _what_goes(account)) for account in accounts_for(request.organization)]
    return render(request, "console/accounts.html", {"accounts": accounts})


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def account_rename(request: AuthedRequest, account_id: str) -> HttpResponse:
    account = _account(request, account_id)
    form = RenameAccountForm(request.POST or None, initial={"name": account.name})
    if request.method == "POST" and form.is_valid():
        old = account.name
        try:
            rename_account(account=account, actor=request.user, name=form.cleaned_data["name"])
        except DuplicateAccountName as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, f"Account {old} is now called {account.name}.")
            return redirect("console:accounts")
    return render(request, "console/account_rename.html", {"account": account, "form": form})


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def account_delete(request: AuthedRequest, account_id: str) -> HttpResponse:
    account = _account(request, account_id)
    goes = _what_goes(account)
    if request.method == "POST":
        name = account.name
        try:
            delete_account(account=account, actor=request.user)
        except AccountInUse as exc:
            messages.error(request, str(exc))
            return redirect("console:account_delete", account_id=account_id)
        if request.session.get(SESSION_ACCOUNT_KEY) == account_id:
            request.session.pop(SESSION_ACCOUNT_KEY)
        messages.success(request, f"Account {name} deleted.")
        return redirect("console:accounts")
    return render(request, "console/account_delete.html", {"account": account, **goes})
