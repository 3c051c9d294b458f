"""Every key ``docharness.toml`` knows, in one table: adding a key is adding it to one line here.

``check_keys`` walks the decoded TOML before anything else reads it and turns a key that is
not in ``KNOWN`` into a ``ConfigError`` at the key's line, with the closest known key as a
hint ("did you mean `timeout`?"). A misspelt key must never be ignored: ``timout = 1`` would
leave the default timeout in force without a word. What each value must look like is checked
where it is read (``harness.config``).

Table paths: ``""`` is the top level, ``targets.*`` any one target, ``sources[]`` every
``[[sources]]`` entry. Tables whose keys are the user's own names (variables, headers, setup
names, target names) are listed in ``FREE``; a table path in neither is not checked.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any

from harness.parsers.dialect import TABLE_KEYS

__all__ = ["FREE", "KNOWN", "UnknownKey", "check_keys", "suggestion"]

KNOWN: dict[str, tuple[str, ...]] = {
    "": ("docharness", "targets", "sources", "variables", "setups", "teardowns", "elasticsearch", "publish"),
    "docharness": ("sources", "default_target", "cache_dir"),
    "targets.*": ("url", "timeout", "verify_tls", "headers", "reset", "allow_writes", "reset_on_override"),
    "sources[]": ("paths", "family", "match", "target", "headers", "volatile", "rules"),
    # a named setup or teardown written as a table rather than as console text
    "setups.*": ("console", "multipart", "capture", "ignore"),
    "teardowns.*": ("console", "multipart", "capture", "ignore"),
    # the Elasticsearch docs' version attributes, rule set and build checks (the dialect's own list)
    "elasticsearch": TABLE_KEYS,
    "publish": ("source_url", "theme", "theme_options", "writer_notes"),
}

# tables whose keys are names the user chooses (below them, ``*`` stands for any such name)
FREE: tuple[str, ...] = ("targets", "targets.*.headers", "sources[].headers", "variables", "setups", "teardowns",
                         "publish.theme_options")

LineOf = Callable[[str, int], int]


class UnknownKey(Exception):
    """A key ``KNOWN`` does not list.

    :param message: what is wrong, naming the key and its table.
    :param line: the 1-based line of the key, 0 when not found.
    :param hint: the closest known key, or the known keys.
    """

    def __init__(self, message: str, line: int, hint: str) -> None:
        self.message, self.line, self.hint = message, line, hint
        super().__init__(message)


def suggestion(word: str, known: tuple[str, ...] | list[str], quote: str = "`") -> str:
    """``did you mean `x`?`` for the closest of ``known``, else the list of them."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    if close:
        return f"did you mean {quote}{close[0]}{quote}?"
    return "known: " + ", ".join(f"{quote}{k}{quote}" for k in known)


def check_keys(data: dict[str, Any], text: str, line_of: LineOf) -> None:
    """Raise ``UnknownKey`` for the first key of ``data`` that ``KNOWN`` does not list.

    :param text: the file's text, to place ``[[sources]]`` entries.
    :param line_of: ``(key, after_line) -> line`` of the first definition of ``key`` after a line.
    """
    entries = [number for number, line in enumerate(text.splitlines(), start=1)
               if re.match(r"\s*\[\[\s*sources\s*\]\]", line)]
    _check("", "", data, 0, line_of, entries, text)


def _mention(text: str, key: str, after: int) -> int:
    """The first line after ``after`` that holds ``key`` as a word (a key inside an inline table)."""
    pattern = re.compile(rf"(^|[\s{{,]){re.escape(key)}\s*=")
    for number, line in enumerate(text.splitlines()[after:], start=after + 1):
        if pattern.search(line):
            return number
    return 0


def _check(path: str, pattern: str, table: dict[str, Any], anchor: int, line_of: LineOf, entries: list[int],
           text: str) -> None:
    known = KNOWN.get(pattern)
    if known is not None:
        for key in table:
            if key not in known:
                entry = re.match(r"sources\[(\d+)\]", path)
                where = (f"[[sources]] entry {int(entry.group(1)) + 1}" if entry else f"[{path}]") if path else "the top level"
                kind = "table" if not path else "key"
                line = line_of(key, anchor) or _mention(text, key, anchor)
                raise UnknownKey(f"unknown {kind} `{key}` in {where}", line, suggestion(key, known))
    for key, value in table.items():
        child = f"{path}.{key}" if path else key
        child_pattern = f"{pattern}.*" if pattern in FREE else (f"{pattern}.{key}" if pattern else key)
        if isinstance(value, dict):
            start = line_of(child, 0) or line_of(key, anchor) or anchor
            _check(child, child_pattern, value, start, line_of, entries, text)
        elif isinstance(value, list) and child == "sources":
            for index, entry in enumerate(value):
                if isinstance(entry, dict):
                    start = entries[index] if index < len(entries) else anchor
                    _check(f"sources[{index}]", "sources[]", entry, start, line_of, entries, text)
