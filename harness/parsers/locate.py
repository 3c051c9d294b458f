"""Where a differing value is written in the page's response block.

A diff path (``$.jobs[1].state``) names one place in the expected body; the reader wants
the line of *that* key, not the first line that happens to hold a key of the same name
(every element of a list of objects has one). ``find_path`` walks the block's text as
JSON, tolerantly (the page's text may hold ``$body`` tokens, ``...`` or trailing commas),
and returns the place of the deepest part of the path it reaches.
"""

from __future__ import annotations

import json
import re

from harness.model import Span

__all__ = ["find_path", "locate"]

_PART = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"?', re.S)
_SCALAR = re.compile(r'[^\s,:\[\]{}"]+')
# content ends the span (a directive or <pre> first), dedented (RST) or with entities (HTML); AsciiDoc has fences
_FENCED_NOT = (".rst", ".html", ".htm")


def _parts(path: str) -> list[str | int] | None:
    """``$.jobs[1].state`` -> ``["jobs", 1, "state"]``; ``None`` when the path is not of that form."""
    if not path.startswith("$"):
        return None
    parts: list[str | int] = []
    position = 1
    for found in _PART.finditer(path, 1):
        if found.start() != position:
            return None
        parts.append(found[1] if found[1] is not None else int(found[2]))
        position = found.end()
    return parts if position == len(path) else None


def _key(token: str) -> str:
    try:
        value = json.loads(token)
    except ValueError:
        return token.strip('"')
    return value if isinstance(value, str) else token


def find_path(text: str, path: str) -> tuple[int, int] | None:
    """The offset and length of the key (or list item) the path names, or of its deepest part written."""
    parts = _parts(path)
    if not parts:
        return None
    frames: list[list[str | int | None]] = []  # per open container: [its key or index in force, its kind]
    best: tuple[int, int, int] | None = None  # depth, offset, length
    key: tuple[str, int] | None = None  # the last string read inside an object: a key when ':' follows
    index = 0
    while index < len(text):
        char = text[index]
        in_array = bool(frames) and frames[-1][1] == "array"
        if char.isspace():
            index += 1
            continue
        token = _STRING.match(text, index) if char == '"' else None if char in "{}[],:" else _SCALAR.match(text, index)
        length = token.end() - index if token else 1
        if in_array and char not in "]},:":
            best = _better(best, frames, parts, index, length)  # an item starts here
        if char == '"' and not in_array:
            key = (text[index:index + length], index)
        elif char == ":" and key is not None and frames:
            frames[-1][0] = _key(key[0])
            best = _better(best, frames, parts, key[1], len(key[0]))
            key = None
        elif char in "{[":
            frames.append([None if char == "{" else 0, "object" if char == "{" else "array"])
        elif char in "}]" and frames:
            frames.pop()
        elif char == "," and in_array and isinstance(frames[-1][0], int):
            frames[-1][0] += 1
        index += length
    return None if best is None else (best[1], best[2])


def _better(best: tuple[int, int, int] | None, frames: list[list[str | int | None]], parts: list[str | int],
            offset: int, length: int) -> tuple[int, int, int] | None:
    """The place of the current key or item when its path is a longer prefix of ``parts`` than ``best``'s."""
    here = [frame[0] for frame in frames]
    if len(here) > len(parts) or here != parts[:len(here)]:
        return best
    if best is not None and best[0] >= len(here):
        return best
    return len(here), offset, length


def locate(span: Span | None, source: str, path: str) -> Span | None:
    """The line and columns in the page of the key ``path`` names inside a response block (else ``span``).

    The block's span covers the content alone, the content between two fences (AsciiDoc),
    or a directive / ``<pre>`` line then the content up to the span's last line (RST, HTML);
    only AsciiDoc content is as written, so only there are the key's columns given.
    """
    if span is None:
        return span
    found = find_path(source, path)
    if found is None:
        return span
    # lines end at "\n" alone, as the key's line is counted below: a page's lines are split by Java's line
    # reader (AsciiDoc), an HTML parser or docutils and rejoined with "\n", so a U+2028 or a form feed in a
    # string ends none (str.splitlines would count one there, and place the key lines off)
    count = source.count("\n") + (not source.endswith("\n")) if source else 0
    height = span.last_line - span.line + 1
    as_written = not span.path.lower().endswith(_FENCED_NOT)
    if height == count:
        first = span.line
    elif not as_written:
        first = span.last_line - count + 1
    else:
        first = span.line + 1 if height == count + 2 else 0
    if first < span.line:
        return span
    offset, length = found
    line = source.count("\n", 0, offset)
    if not as_written:  # RST blocks are dedented and HTML holds entities: the columns on the page are not known
        return Span(span.path, first + line)
    column = offset - (source.rfind("\n", 0, offset) + 1)
    return Span(span.path, first + line, column + 1, end_column=column + length)
