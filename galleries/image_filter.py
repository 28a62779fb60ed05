"""The OS and region that narrow a list of images, as the cascade and the image search read
them from a query string or form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from galleries.regions import normalize_region
from galleries.selectors import normalize_os_type

# Longer than any real value a user sends; a longer one is cut rather than refused.
MAX_PARAM_LENGTH = 200


def param_text(params: Mapping[str, Any], name: str) -> str:
    """A parameter's value, stripped and cut ("" when absent or empty)."""
    return str(params.get(name, "") or "").strip()[:MAX_PARAM_LENGTH]


@dataclass(frozen=True)
class ImageFilter:
    """OS as ARM spells it ("Linux") and region normalised ("eastus"); "" for any."""

    os: str = ""
    region: str = ""

    @staticmethod
    def read_filter(params: Mapping[str, Any]) -> dict[str, str]:
        """The `os` and `region` parameters, normalised, as keyword arguments."""
        os_type = param_text(params, "os")
        return {
            "os": normalize_os_type(os_type) if os_type else "",
            "region": normalize_region(param_text(params, "region")),
        }
