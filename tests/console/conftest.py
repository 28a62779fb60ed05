import pytest

from console.models import Role
from tests.factories import AccountFactory, MembershipFactory, OrganizationFactory


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Contoso")


@pytest.fixture
def other_organization(db):
    """A second tenant whose objects must stay invisible (404) to members of the first."""
    organization = OrganizationFactory(name="Fabrikam")
    AccountFactory(organization=organization, name="Fabrikam production")
    return organization


@pytest.fixture
def member(organization):
    """member(role) -> a new Membership of that role in `organization`."""

    def make(role: str = Role.VIEWER, **kwargs):
        return MembershipFactory(organization=organization, role=role, **kwargs)

    return make
