"""The gallery image of a spec, checked against the cached inventory (galleries.selectors)."""

from __future__ import annotations

from django.utils import timezone

from console.api_envelope import GALLERY_IMAGE_NOT_FOUND, UNKNOWN_ACCOUNT
from console.models import Account, Organization
from console.selectors import accounts_for
from galleries import selectors as inventory
from galleries.inventory.latest import latest_version
from galleries.models import ConnectedSubscription, GalleryImage, ImageVersion, ShareVerdict
from galleries.regions import normalize_region

from ..models import Kind
from ..spot.fields import GALLERY, IMAGE
from ..spot.json import dig, gallery_reference, gallery_version_key
from ..vm_sizes import normalize_architecture, size_architecture
from .problems import (
    GALLERY_END_OF_LIFE,
    GALLERY_NOT_SHARED,
    GALLERY_OS_MISMATCH,
    GALLERY_VERSION_FAILED,
    GALLERY_VERSION_NOT_FOUND,
    GALLERY_VERSION_NOT_IN_REGION,
    VALIDATION_ERROR,
    VM_SIZE_ARCHITECTURE_MISMATCH,
    WARNING,
    Checker,
)


def check_gallery_image(
    check: Checker, *, organization: Organization, account: Account
) -> GalleryImage | None:
    """Problems of the spec's gallery reference; the image found, for the login rules."""
    ref = gallery_reference(check.kind, check.spec)
    if ref is None:
        return None
    version_field = f"{GALLERY}.{gallery_version_key(check.kind)}"
    image_account_id = ref.spot_account_id or account.id
    if (
        ref.spot_account_id
        and not accounts_for(organization).filter(pk=ref.spot_account_id).exists()
    ):
        check.add(
            UNKNOWN_ACCOUNT,
            f"Account {ref.spot_account_id} is not an account of your organization.",
            f"{GALLERY}.spotAccountId",
        )
        return None
    image_subscription = inventory.subscription_for_account(organization, image_account_id)
    if image_subscription is None:
        check.add(
            UNKNOWN_ACCOUNT,
            f"Account {image_account_id} has no connected Azure subscription, so its galleries "
            "can't be used.",
            f"{GALLERY}.spotAccountId" if ref.spot_account_id else GALLERY,
        )
        return None
    image = inventory.find_image(
        organization,
        account_id=image_account_id,
        resource_group_name=ref.resource_group_name,
        gallery_name=ref.gallery_name,
        image_name=ref.image_name,
        subscription=image_subscription,
    )
    if image is None:
        check.add(
            GALLERY_IMAGE_NOT_FOUND,
            f"Image {ref.image_name} was not found in gallery {ref.gallery_name} of resource "
            f"group {ref.resource_group_name} ({image_subscription.display_name}). If it was "
            "created recently, refresh the inventory.",
            f"{GALLERY}.imageName",
        )
        return None
    region = normalize_region(str(dig(check.spec, "region") or ""))
    _check_version(check, image, ref.version_name, region, version_field)
    # The group's own subscription, unless the image comes from another account's.
    reader = image_subscription if image_account_id == account.id else None
    _check_share(check, organization, account, image, reader)
    os_name = dig(check.spec, "compute.os")
    if isinstance(os_name, str) and os_name and image.os_type.lower() != os_name.lower():
        check.add(
            GALLERY_OS_MISMATCH,
            f"Image {image.name} is a {image.os_type} image but the group's operating system "
            f"is {os_name}.",
            "compute.os",
        )
    _check_architecture(check, image)
    return image


def _check_architecture(check: Checker, image: GalleryImage) -> None:
    """Azure boots an Arm64 image only on Arm64 sizes, and an x64 image only on x64 ones."""
    architecture = normalize_architecture(image.architecture)
    for key, label in (("odSizes", "On-demand"), ("spotSizes", "Spot")):
        sizes = dig(check.spec, f"compute.vmSizes.{key}")
        if not isinstance(sizes, list):
            continue
        wrong = [s for s in sizes if isinstance(s, str) and size_architecture(s) != architecture]
        if wrong:
            check.add(
                VM_SIZE_ARCHITECTURE_MISMATCH,
                f"Image {image.name} is {architecture}, but {label.lower()} VM size"
                f"{'s' if len(wrong) > 1 else ''} {', '.join(wrong)} "
                f"{'are' if len(wrong) > 1 else 'is'} not: choose {architecture} sizes"
                f"{' (Dpsv5, Dplsv5, Epsv5 …)' if architecture == 'Arm64' else ''}.",
                f"compute.vmSizes.{key}",
            )


def _check_version(
    check: Checker, image: GalleryImage, version_name: str, region: str, field: str
) -> None:
    if not region:
        return  # the missing region is reported by the required-field rules
    if version_name.lower() == "latest":
        latest = latest_version(image, region)
        if latest is None:
            check.add(
                GALLERY_VERSION_NOT_IN_REGION,
                f"Image {image.name} has no version replicated to {region} that latest could use.",
                field,
            )
        else:
            _warn_end_of_life(check, image, latest, field)
        return
    version, in_region = inventory.find_version_in_region(image, version_name, region)
    if version is None:
        check.add(
            GALLERY_VERSION_NOT_FOUND,
            f"Image {image.name} has no version {version_name}.",
            field,
        )
        return
    if version.provisioning_state.lower() == "failed":
        check.add(
            GALLERY_VERSION_FAILED,
            f"Version {version_name} of image {image.name} failed to provision; choose another.",
            field,
        )
        return
    if not in_region:
        check.add(
            GALLERY_VERSION_NOT_IN_REGION,
            f"Version {version_name} of image {image.name} is not replicated to {region}.",
            field,
        )
    _warn_end_of_life(check, image, version, field)
    _check_persisted_data_disks(check, image, version)


def _warn_end_of_life(
    check: Checker, image: GalleryImage, version: ImageVersion, field: str
) -> None:
    """Past its end-of-life date a version (or image) still boots, but is due for replacing:
    a warning, never a refusal."""
    now = timezone.now()
    if version.end_of_life_date is not None and version.end_of_life_date < now:
        check.add(
            GALLERY_END_OF_LIFE,
            f"Version {version.name} of image {image.name} passed its end of life on "
            f"{version.end_of_life_date:%Y-%m-%d}; choose a newer one.",
            field,
            WARNING,
        )
    if image.end_of_life_date is not None and image.end_of_life_date < now:
        check.add(
            GALLERY_END_OF_LIFE,
            f"Image {image.name} passed its end of life on {image.end_of_life_date:%Y-%m-%d}.",
            f"{GALLERY}.imageName",
            WARNING,
        )


def _check_persisted_data_disks(check: Checker, image: GalleryImage, version: ImageVersion) -> None:
    """A node keeping its data disks can't switch to an image that brings data disks of its own."""
    if check.kind != Kind.STATEFUL or not check.image_changed or not version.data_disk_count:
        return
    if dig(check.previous_spec, "persistence.shouldPersistDataDisks") is True:
        check.add(
            VALIDATION_ERROR,
            f"Version {version.name} of image {image.name} has data disks, so it can't be used "
            "while the node persists its data disks.",
            IMAGE,
        )


def _check_share(
    check: Checker,
    organization: Organization,
    account: Account,
    image: GalleryImage,
    reader: ConnectedSubscription | None = None,
) -> None:
    """A gallery of another subscription must be readable from the group's subscription
    (`reader`, when the caller has read it)."""
    reader = reader or inventory.subscription_for_account(organization, account.id)
    if reader is None or reader.pk == image.subscription_id:
        return
    gallery = image.gallery
    verdict = inventory.share_check(reader, gallery)
    if verdict is not None and verdict.verdict == ShareVerdict.NOT_SHARED:
        check.add(
            GALLERY_NOT_SHARED,
            f"Gallery {gallery.name} is not shared with subscription {reader.display_name}, so "
            "VMs of this group could not read its images.",
            f"{GALLERY}.galleryName",
        )
    elif verdict is None or verdict.verdict != ShareVerdict.READABLE:
        check.add(
            GALLERY_NOT_SHARED,
            f"Could not confirm that gallery {gallery.name} is shared with subscription "
            f"{reader.display_name}; check its access before launching VMs.",
            f"{GALLERY}.galleryName",
            WARNING,
        )
