"""TextChoices that show their values in words without writing the words again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    # The stubs give TextChoices a metaclass of their own, known to the type checker only.
    from django.db.models.enums import _TextChoicesType as ChoicesType
else:
    from django.db.models.enums import ChoicesType


class _LabelledByValue(ChoicesType):
    """Labels each member that has no label of its own with its value in sentence case."""

    def __new__(metacls, classname, bases, classdict, **kwds):
        # Django's ChoicesType splits each (value, label) pair; a bare value has no label.
        unlabelled = [name for name in classdict._member_names if isinstance(classdict[name], str)]
        choices = super().__new__(metacls, classname, bases, classdict, **kwds)
        for name in unlabelled:
            member: models.TextChoices = choices[name]
            member._label_ = member.value.replace("_", " ").capitalize()
        return choices


class WordedChoices(models.TextChoices, metaclass=_LabelledByValue):
    """TextChoices that show a member given no label with its value in sentence case, as the
    console shows states: `CHANGES_REQUESTED = "changes_requested"` is shown "Changes
    requested" (Django's own default title-cases the member's name: "Changes Requested").
    A member whose words say more than its value keeps Django's (value, label) pair:
    `DELETING = "deleting", "Deleting in Spot"`.
    """
