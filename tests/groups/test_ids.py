"""A new group's id is drawn at random (`sig-` + 8 hex digits): an id another group already
holds is drawn again, and that group, of whatever organization, is never touched."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import pytest
from django.db import IntegrityError

from groups.models import Group, Kind
from tests.factories import AccountFactory
from tests.group_factories import GroupFactory


def test_a_taken_id_is_drawn_again_and_the_group_holding_it_is_untouched(db: Any) -> None:
    theirs = GroupFactory(spec={"name": "theirs"})
    other_organization_account = AccountFactory()

    with patch("console.ids.new_public_id", side_effect=[theirs.id, "sig-0000beef"]):
        mine = GroupFactory(account=other_organization_account, spec={"name": "mine"})

    assert mine.id == "sig-0000beef"
    kept = Group.objects.get(pk=theirs.id)
    assert (kept.name, kept.organization_id) == ("theirs", theirs.organization_id)
    saved = Group.objects.get(pk="sig-0000beef")
    assert (saved.name, saved.organization_id) == (
        "mine",
        other_organization_account.organization_id,
    )


def test_when_every_draw_is_taken_the_save_fails_and_overwrites_nothing(db: Any) -> None:
    theirs = GroupFactory(spec={"name": "theirs"})
    account = AccountFactory()
    group = Group(organization=account.organization, account=account, kind=Kind.STATELESS)
    group.name = "mine"

    with patch("console.ids.new_public_id", return_value=theirs.id), pytest.raises(IntegrityError):
        group.save()

    kept = Group.objects.get(pk=theirs.id)
    assert (kept.name, kept.organization_id) == ("theirs", theirs.organization_id)
    assert not Group.objects.filter(name="mine").exists()
