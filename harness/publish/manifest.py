"""The change cache of the generated sources: what the last publish left on disk, and from what.

An incremental publish of a big site used to re-encode every page's model to
JSON and re-read every generated file just to find the one that changed. The
manifest remembers, per generated file, a key of the inputs its text was made
from and the file's size and mtime after writing. A file whose key is the same
and whose size and mtime are untouched is left alone without being rendered or
read; anything else (no manifest, another key, a file edited or removed by
hand, an unreadable manifest) falls back to rendering and comparing the text.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.model import field_values
from harness.report.atomic import write_atomically

__all__ = ["Deferred", "SourceText", "Manifest", "MANIFEST_NAME", "text_key", "input_key", "render"]

MANIFEST_NAME = "docharness-sources.json"
_SCHEMA = 1


@dataclass(frozen=True, slots=True)
class Deferred:
    """A generated file's text, rendered only when the file has to be compared or written.

    :param key: changes whenever the rendered text would (see ``input_key``).
    :param render: makes the text.
    """

    key: str
    render: Callable[[], str]


SourceText = str | Deferred


def render(source: SourceText) -> str:
    """The text of a generated file, rendering it if it was deferred."""
    return source.render() if isinstance(source, Deferred) else source


def text_key(text: str) -> str:
    """The key of a file whose text is already known: a hash of the text."""
    return "t" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.cache
def _code_fingerprint(modules: tuple[str, ...]) -> str:
    digest = hashlib.sha256(sys.version.encode("utf-8"))
    for name in modules:
        try:
            digest.update(Path(sys.modules[name].__file__ or "").read_bytes())
        except (KeyError, OSError):
            # the rendering code cannot be identified: make keys that match no earlier build
            digest.update(os.urandom(16))
    return digest.hexdigest()


class _KeyPickler(pickle.Pickler):
    """Pickles dataclasses as (class, field values): what the default does, without calling
    ``dataclasses.fields`` for each of the tens of thousands of objects of a big site."""

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        return (cls, field_values(cls)(obj)) if dataclasses.is_dataclass(cls) else NotImplemented


def input_key(code: Iterable[str], *inputs: object) -> str:
    """The key of a text rendered from ``inputs`` by the code of the modules named in ``code``.

    The inputs are pickled: equal bytes mean equal model values (types, field values,
    enum members), so equal keys mean equal text as long as the rendering code is the same,
    which the hash of its modules' source covers. Values that pickle differently though equal
    only cost a re-render. Inputs that cannot be pickled get a key that matches nothing.
    """
    buffer = io.BytesIO()
    try:
        _KeyPickler(buffer, protocol=5).dump(inputs)
        data = buffer.getvalue()
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        data = os.urandom(16)
    return "i" + hashlib.sha256(_code_fingerprint(tuple(code)).encode("ascii") + data).hexdigest()


class Manifest:
    """Per generated file (relative posix path): the key of its text, its size and mtime in ns."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[str, tuple[str, int, int]] = self._load(path) if path else {}
        self._loaded = dict(self._entries)

    @staticmethod
    def _load(path: Path) -> dict[str, tuple[str, int, int]]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("schema") != _SCHEMA:
                return {}
            return {str(name): (str(key), int(size), int(mtime)) for name, (key, size, mtime) in data["files"].items()}
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
            return {}  # a cache: when unreadable, every file is simply compared again

    def unchanged(self, relative: str, key: str, target: Path) -> bool:
        """True when ``target`` is what the last publish wrote from inputs with this ``key``."""
        entry = self._entries.get(relative)
        if entry is None or entry[0] != key:
            return False
        try:
            status = target.stat()
        except OSError:
            return False
        return (status.st_size, status.st_mtime_ns) == entry[1:]

    def record(self, relative: str, key: str, target: Path) -> None:
        """Remember that ``target`` now holds the text of ``key`` (after writing or comparing it)."""
        if self.path is None:
            return
        try:
            status = target.stat()
        except OSError:
            self._entries.pop(relative, None)
            return
        self._entries[relative] = (key, status.st_size, status.st_mtime_ns)

    def keep_only(self, relatives: Iterable[str]) -> None:
        """Forget files that are no longer generated."""
        wanted = set(relatives)
        self._entries = {name: entry for name, entry in self._entries.items() if name in wanted}

    def save(self) -> None:
        """Write the manifest when it changed (sorted, so the same state gives the same file)."""
        if self.path is None or self._entries == self._loaded:
            return
        files = {name: list(entry) for name, entry in sorted(self._entries.items())}
        try:
            write_atomically(self.path, json.dumps({"schema": _SCHEMA, "files": files}, separators=(",", ":")) + "\n")
        except OSError:
            return  # only a cache: the next publish compares the files again
        self._loaded = dict(self._entries)
