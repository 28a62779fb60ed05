"""Run in the remote console's environment: migrate its own database, seed an organization
(accounts, inventory, an admin with an API token) and print what the tests need, as JSON.

    python -m tests.groups.publish.remote_seed
"""

from __future__ import annotations

import json

import django


def main() -> None:
    django.setup()
    # Django must be set up before these modules load their models.
    from django.core.management import call_command

    from console.models import Role
    from console.services import create_api_token
    from tests.factories import AccountFactory, MembershipFactory, OrganizationFactory
    from tests.inventory_factories import gallery_image

    from .inventory import seed_inventory

    call_command("migrate", verbosity=0, interactive=False)
    organization = OrganizationFactory(name="Spot (remote)")
    account = AccountFactory(organization=organization, name="Remote production")
    images_account = AccountFactory(organization=organization, name="Remote images")
    # A second account for the import tests, so that what other tests publish stays apart.
    import_account = AccountFactory(organization=organization, name="Remote imports")
    seed_inventory(account, images_account)
    imports = seed_inventory(
        import_account, AccountFactory(organization=organization, name="Other images")
    )
    # An image only Spot's side knows: an import flags what uses it.
    gallery_image(
        imports.subscription,
        resource_group="rg-images",
        gallery="contosogallery",
        image="legacy-centos",
        versions={"7.9.0": ["eastus"]},
    )
    admin = MembershipFactory(organization=organization, role=Role.ADMIN)
    _, token = create_api_token(user=admin.user, organization=organization, name="publishing")
    print(  # the parent test process reads this line
        json.dumps(
            {
                "token": token,
                "account": account.id,
                "imagesAccount": images_account.id,
                "importAccount": import_account.id,
            }
        )
    )


if __name__ == "__main__":
    main()
