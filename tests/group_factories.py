"""factory_boy's factory for groups and stateful nodes, saved through groups.services as the
console and the API save them (validated, revisioned, audited):

    GroupFactory(account=account)                                   # a draft named group-N
    GroupFactory(account=account, spec=gallery_spec("web", image_of=other_account, ...))
    GroupFactory(account=account, kind=Kind.STATEFUL, status=Status.ACTIVE, spec=node_body())
"""

from __future__ import annotations

from typing import Any

import factory

from console.models import Account
from groups.edit_context import EditContext
from groups.models import Group, Kind, Status
from groups.services import save_group
from tests.factories import AccountFactory


def gallery_spec(
    name: str,
    *,
    kind: str = Kind.STATELESS,
    image_of: Account | None = None,
    resource_group_name: str = "rg-images",
    gallery_name: str = "gallery",
    image_name: str = "ubuntu-22",
    version: str = "latest",
) -> dict[str, Any]:
    """A spec (Spot's JSON) naming only the group and its gallery image; a draft's worth."""
    gallery = {
        "resourceGroupName": resource_group_name,
        "galleryName": gallery_name,
        "imageName": image_name,
        # Spot spells the version differently for groups and stateful nodes.
        ("version" if kind == Kind.STATELESS else "versionName"): version,
    }
    if image_of is not None:
        gallery["spotAccountId"] = image_of.pk
    return {"name": name, "compute": {"launchSpecification": {"image": {"gallery": gallery}}}}


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    account = factory.SubFactory(AccountFactory)
    organization = factory.SelfAttribute("account.organization")
    kind = Kind.STATELESS
    status = Status.DRAFT
    spec = factory.Sequence(lambda n: {"name": f"group-{n}"})
    actor = None
    source = "api"

    @classmethod
    def _create(cls, model_class: type[Group], *args: Any, **kwargs: Any) -> Group:
        context = EditContext(
            kwargs.pop("actor"),
            kwargs.pop("organization"),
            kwargs.pop("account"),
            kwargs.pop("kind"),
        )
        group, _ = save_group(context, kwargs.pop("spec"), **kwargs)
        return group
