"""Settings pages: API tokens, members and their invitations, and the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .forms import AuditFilterForm, InvitationCreateForm, MemberRoleForm, TokenCreateForm
from .http import AuthedRequest
from .members import change_member_role, create_invitation, remove_member, revoke_invitation
from .models import ApiToken, Role
from .permissions import has_role, role_required
from .selectors import (
    audit_entries_for,
    audit_filter_choices,
    members_of,
    pending_invitations,
    tokens_in,
    tokens_of,
    tokens_of_other_members,
)

AUDIT_PAGE_SIZE = 50

# --- API tokens ---------------------------------------------------------------------------------


@role_required()
def tokens(request: AuthedRequest) -> HttpResponse:
    organization = request.organization
    is_admin = has_role(request, Role.ADMIN)
    return render(
        request,
        "console/tokens.html",
        {
            "own_tokens": tokens_of(request.user, organization),
            # Admins also see (and may revoke) every other member's tokens.
            "member_tokens": (
                tokens_of_other_members(request.user, organization) if is_admin else None
            ),
            "form": TokenCreateForm(),
        },
    )


@require_POST
@never_cache
@role_required()
def token_create(request: AuthedRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the token a name (up to 100 characters).")
        return redirect("console:tokens")
    token, raw = services.create_api_token(
        user=request.user,
        organization=request.organization,
        name=form.cleaned_data["name"],
    )
    # Rendered (not redirected to) so the raw token never touches the session or a URL;
    # never_cache keeps it out of the browser's cache.
    return render(request, "console/token_created.html", {"token": token, "raw_token": raw})


def _manageable_token(request: AuthedRequest, pk: int) -> ApiToken:
    """A token of this organization the user may manage: their own, or any if admin."""
    token = get_object_or_404(tokens_in(request.organization), pk=pk)
    if token.user_id != request.user.pk and not has_role(request, Role.ADMIN):
        raise PermissionDenied("Only admins can manage other members' tokens.")
    return token


@require_http_methods(["GET", "POST"])
@role_required()
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = _manageable_token(request, pk)
    if request.method == "POST":
        services.revoke_api_token(token=token, actor=request.user)
        messages.success(request, f"Token “{token.name}” ({token.prefix}…) is revoked.")
        return redirect("console:tokens")
    return render(request, "console/token_revoke.html", {"token": token})


# --- Members ------------------------------------------------------------------------------------


@role_required(Role.ADMIN)
def members(request: AuthedRequest) -> HttpResponse:
    return _render_members(request, InvitationCreateForm())


def _render_members(
    request: AuthedRequest, invite_form: InvitationCreateForm, status: int = 200
) -> HttpResponse:
    organization = request.organization
    return render(
        request,
        "console/members.html",
        {
            "memberships": members_of(organization),
            "invitations": pending_invitations(organization),
            "roles": Role.choices,
            "invite_form": invite_form,
        },
        status=status,
    )


@require_POST
@never_cache
@role_required(Role.ADMIN)
def invitation_create(request: AuthedRequest) -> HttpResponse:
    form = InvitationCreateForm(request.POST)
    if not form.is_valid():
        return _render_members(request, form, status=400)
    invitation, raw = create_invitation(
        organization=request.organization,
        role=form.cleaned_data["role"],
        days=form.cleaned_data["days"],
        note=form.cleaned_data["note"],
        actor=request.user,
    )
    # Rendered, not redirected to, so the code never touches the session; never cached.
    link = request.build_absolute_uri(reverse("console:join_code", args=[raw]))
    return render(
        request,
        "console/invitation_created.html",
        {"invitation": invitation, "raw_code": raw, "link": link},
    )


@require_POST
@role_required(Role.ADMIN)
def invitation_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(pending_invitations(request.organization), pk=pk)
    revoke_invitation(invitation=invitation, actor=request.user)
    messages.success(request, f"Invitation {invitation.prefix}… is revoked.")
    return redirect("console:members")


@require_POST
@role_required(Role.ADMIN)
def member_role(request: AuthedRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(members_of(request.organization), pk=pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed roles.")
        return redirect("console:members")
    try:
        change_member_role(
            membership=membership, role=form.cleaned_data["role"], actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"{membership.user.get_username()} is now {membership.get_role_display()}."
        )
    return redirect("console:members")


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def member_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(members_of(request.organization), pk=pk)
    if request.method == "POST":
        try:
            remove_member(membership=membership, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{membership.user.get_username()} was removed.")
        return redirect("console:members")
    return render(request, "console/member_remove.html", {"membership": membership})


# --- Audit log ----------------------------------------------------------------------------------


@role_required(Role.ADMIN)
def audit_log(request: AuthedRequest) -> HttpResponse:
    organization = request.organization
    actions, object_types = audit_filter_choices(organization)
    form = AuditFilterForm(request.GET or None, actions=actions, object_types=object_types)
    entries = audit_entries_for(organization)
    if form.is_bound and form.is_valid():
        if form.cleaned_data["action"]:
            entries = entries.filter(action=form.cleaned_data["action"])
        if form.cleaned_data["object_type"]:
            entries = entries.filter(object_type=form.cleaned_data["object_type"])
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "console/audit_log.html",
        {"form": form, "page": page, "filter_query": filters.urlencode()},
    )
