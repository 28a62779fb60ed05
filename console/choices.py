"""TextChoices that show their values in words without writing the words again."""

from __future__ import annotations

import enum

from django.db import models


class WordedChoices(models.TextChoices):
    """TextChoices labelled with their values in sentence case, as the console shows states:
    `CHANGES_REQUESTED = "changes_requested"` is shown "Changes requested".

    (Django's own default title-cases the member's name: "Changes Requested".) Choices whose
    words say more than their values keep Django's (value, label) pairs.
    """

    @enum.property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()
