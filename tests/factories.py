"""factory_boy factories for the tenancy models, shared by every test area.

`log_in_as(client, role)` creates a member with that role (in a new organization unless one is
given), logs the Django test client in and returns the membership.
"""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model

from console.models import Account, ApiToken, AuditEntry, Membership, Organization, Role

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organization {n}")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Account {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(DEFAULT_PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    """`MembershipFactory(role="editor")`; the organization gets one account by default."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.VIEWER

    @factory.post_generation
    def with_account(obj, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Give a new organization an account unless `with_account=False` is passed."""
        if create and extracted is not False and not obj.organization.accounts.exists():
            AccountFactory(organization=obj.organization)


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token row with a random digest; use console.services.create_api_token for a usable one."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"token {n}")
    prefix = factory.Sequence(lambda n: f"gc_{n:06d}")
    digest = factory.Faker("sha256")


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEntry

    organization = factory.SubFactory(OrganizationFactory)
    actor = factory.SubFactory(UserFactory)
    action = "account.update"
    object_type = "account"
    object_id = factory.Sequence(lambda n: f"act-{n:08x}")
    object_repr = "Account"


def log_in_as(
    client: Any, role: str = Role.VIEWER, organization: Organization | None = None, **kwargs: Any
) -> Membership:
    """Create a member with `role` (in `organization` or a new one) and log `client` in."""
    if organization is not None:
        kwargs["organization"] = organization
    membership = MembershipFactory(role=role, **kwargs)
    client.force_login(membership.user)
    return membership
