"""An organization's public id (`ou-` + 8 hex digits) is drawn at random: one already taken is
drawn again instead of failing the sign-up or the seed."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from console.models import Organization
from tests.factories import OrganizationFactory


def test_a_taken_public_id_is_drawn_again(db: Any) -> None:
    first = OrganizationFactory(name="First")

    with patch("console.ids.new_public_id", side_effect=[first.public_id, "ou-0000beef"]):
        second = OrganizationFactory(name="Second")

    assert second.public_id == "ou-0000beef"
    assert Organization.objects.get(pk=first.pk).public_id == first.public_id
    assert Organization.objects.get(public_id="ou-0000beef").name == "Second"
