"""``multipart/form-data`` bodies for named setups that upload files (``[setups.x] multipart = {...}``).

The file is read when the request is sent, so a file built just before the run
(a job JAR) is picked up, and a missing one is an error of the examples that need
it, not of the whole configuration. Reports never show the bytes: they show the
fields, with each file's name, type and size.
"""

from __future__ import annotations

import os

from harness.model import FormPart
from harness.sourcefiles import read_source

__all__ = ["encode_multipart"]

_OCTETS = "application/octet-stream"


def encode_multipart(parts: tuple[FormPart, ...]) -> tuple[bytes, str, str]:
    """The body, its ``Content-Type`` (with the boundary) and the fields as reports show them.

    ``OSError`` when a file cannot be read.
    """
    fields: list[tuple[str, str | tuple[str, bytes, str]]] = []
    shown: list[str] = []
    for part in parts:
        if part.file:
            # the path policy: a regular file whose real path stays in its folder (no symlink out, no FIFO)
            data = read_source(part.file, os.path.dirname(part.file))
            content_type = part.content_type or _OCTETS
            fields.append((part.name, (os.path.basename(part.file), data, content_type)))
            shown.append(f"{part.name}=@{os.path.basename(part.file)} ({content_type}, {len(data)} bytes)")
        else:
            fields.append((part.name, part.value))
            shown.append(f"{part.name}={part.value}")
    from urllib3.filepost import encode_multipart_formdata  # only an upload needs urllib3 (and its import time)

    body, content_type = encode_multipart_formdata(fields)
    return body, content_type, "multipart/form-data: " + "; ".join(shown)
