"""A version or image past its end of life: a warning to the editor, accepted by the API."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from galleries.models import ImageVersion

from .bodies import group_body
from .http import call
from .test_validation_and_services import codes

VERSION = "compute.launchSpecification.image.gallery.version"


def test_a_version_past_its_end_of_life_is_a_warning_not_an_error(world):
    ImageVersion.objects.filter(image=world.image, name="1.0.0").update(
        end_of_life_date=timezone.now() - timedelta(days=3)
    )
    assert codes(world, "stateless", group_body(version="1.0.0")) == {
        ("GALLERY_END_OF_LIFE", VERSION, "warning")
    }
    # what "latest" resolves to (1.1.0 in eastus) is not past its end of life
    assert codes(world, "stateless", group_body(version="latest")) == set()


def test_a_future_end_of_life_says_nothing(world):
    ImageVersion.objects.filter(image=world.image, name="1.0.0").update(
        end_of_life_date=timezone.now() + timedelta(days=30)
    )
    assert codes(world, "stateless", group_body(version="1.0.0")) == set()


def test_the_api_accepts_an_end_of_life_version(client, world):
    world.image.end_of_life_date = timezone.now() - timedelta(days=1)
    world.image.save()
    status, answer = call(
        client,
        "POST",
        "/azure/compute/group",
        {"group": group_body()},
        token=world.tokens["editor"],
    )
    assert status == 200, answer
