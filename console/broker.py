"""The embedded broker (no REDIS_URL): kombu's filesystem transport, with each message written
whole before it appears in the queue folder.

kombu's own writes the message file in place, so a worker listing the folder at that moment
can read it empty and die on the JSON ("Unrecoverable error: JSONDecodeError"). Here it is
written under a name the consumer ignores, then renamed (atomic on one filesystem).
"""

from __future__ import annotations

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    # kombu's stubs give its base class and this one different signatures: this one's is used.
    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = f"{final}.part"  # not "*.msg": the consumer skips it
        try:
            with open(partial, "wb") as part:
                part.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


def use_for_filesystem_urls() -> None:
    """`filesystem://` broker URLs get this transport, in every process (web, worker, beat)."""
    TRANSPORT_ALIASES["filesystem"] = "console.broker:Transport"
