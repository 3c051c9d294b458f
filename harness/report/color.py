"""Whether a stream gets ANSI colour: one decision, by convention, for every command.

``NO_COLOR`` (https://no-color.org) set to any non-empty value disables colour;
otherwise ``FORCE_COLOR`` (https://force-color.org) set to any non-empty value
forces it, even into a pipe or a CI log; otherwise colour goes only to a
terminal, and never to ``TERM=dumb``. ``NO_COLOR`` wins when both are set, as in
pytest and CPython.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TextIO

__all__ = ["use_color"]


def use_color(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to write ANSI colour codes to ``stream``.

    :param stream: where the coloured text would go (its ``isatty`` decides by default).
    :param environ: the environment (default: ``os.environ``).
    """
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    if env.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or minimal stream
        return False
