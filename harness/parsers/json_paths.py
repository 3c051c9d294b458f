"""The JSON paths of ``volatile`` (config and ``TESTRESPONSE[volatile:...]``): which values not to compare.

A small JSONPath subset, enough to name a field wherever it sits: ``$`` the whole
body, ``.name`` a field, ``.*`` any field, ``[2]`` a list position, ``[*]`` any
position, ``['odd.name']`` a field with dots, ``..name`` a field at any depth.
``$.jobs[*].start-time`` names the start time of every job.
"""

from __future__ import annotations

import functools
import re

__all__ = ["compile_path", "path_error"]

_TOKEN = re.compile(r"\.(?=\.[^.\[])|\.(\*|[^.\[\]]+)|\[(\d+|\*)\]|\['([^']+)'\]")
_ANY_STEP = r"(?:\.[^.\[]+|\[\d+\])"


def path_error(path: str) -> str | None:
    """Why ``path`` is not a volatile path, or ``None`` when it is one."""
    if not path.startswith("$"):
        return f"{path!r} does not start with '$'"
    return None if compile_path(path) is not None else f"{path!r} is not a JSON path such as $.jobs[*].start-time"


@functools.lru_cache(maxsize=1024)
def compile_path(path: str) -> re.Pattern[str] | None:
    """A regex matching the matcher's paths (``$.jobs[0].start-time``) that ``path`` names, or ``None``."""
    if not path.startswith("$"):
        return None
    out = [r"\$"]
    at = 1
    while at < len(path):
        found = _TOKEN.match(path, at)
        if found is None:
            return None
        text = found.group(0)
        if text == ".":  # the first dot of "..name"
            out.append(f"{_ANY_STEP}*")
        elif found.group(1) is not None:
            out.append(r"\.[^.\[]+" if found.group(1) == "*" else r"\." + re.escape(found.group(1)))
        elif found.group(2) is not None:
            out.append(r"\[\d+\]" if found.group(2) == "*" else rf"\[{found.group(2)}\]")
        else:
            out.append(r"\." + re.escape(found.group(3)))
        at = found.end()
    return re.compile("".join(out))
