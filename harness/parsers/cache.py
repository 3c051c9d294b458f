"""The extraction cache: a parsed Document (with its diagnostics) kept per page content.

An entry's key is a hash of everything a parse depends on: the page's bytes (read through
``harness.sourcefiles`` by the loader, so the path policy applies to every page on every
run, hit or miss), its ``Document.path`` (every span carries it), and for AsciiDoc the
Elasticsearch rules it is read with. Entries live in a folder named after the parser's
version: a hash of the parsers' and the model's source files, the Python build and the
installed docutils and lxml, so changing any parser code starts a fresh folder.

Layout, like git's objects: ``<cache dir>/extract/<version>/<2 hex>/<38 hex>``. Each entry
is written to a private temporary file and renamed into place (``os.replace``), so a reader
sees a whole entry or none, and two runs extracting the same tree at once both succeed.
An entry carries a magic line, its own key and a CRC of its payload: a truncated, corrupt
or foreign file is a miss (and is rewritten), never an error. Entries are unpickled by an
unpickler that builds nothing but the model's own classes: a planted file cannot run code.
Folders are made 0700 and files 0600. The cache is bounded: after a run that wrote entries,
the least recently used ones (an entry is touched when a run uses it) are removed until the
whole cache is under ``max_bytes`` (checked at most every ten minutes); entries of older
parser versions are the first to go.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import importlib.util
import io
import os
import pickle
import sys
import time
import zlib
from pathlib import Path

from harness import model
from harness.model import Document, field_values

__all__ = ["MAX_BYTES", "ExtractCache", "parser_version", "prune"]

MAX_BYTES = 256 * 1024 * 1024
_MAGIC = b"docharness extract cache 1\n"
_KEY = 64  # hex characters of a sha256
_HEADER = len(_MAGIC) + _KEY + 4  # magic, the entry's own key, the payload's CRC-32
_TOUCH_AFTER = 600.0  # seconds: a used entry's time is refreshed at most this often (the LRU order)
_STALE_TEMPORARY = 3600.0  # seconds: a temporary file this old was left by a run that died
_PRUNE_EVERY = 600.0  # seconds: the cache's size is checked at most this often
_CACHEDIR_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                 "# This file is a cache directory tag created by docharness.\n"
                 "# For information about cache directory tags, see https://bford.info/cachedir/\n")

# the model classes an entry may build, by name: nothing else can come out of an entry
_ALLOWED = {name: value for name, value in vars(model).items()
            if isinstance(value, type) and getattr(value, "__module__", "") == model.__name__
            and (dataclasses.is_dataclass(value) or issubclass(value, enum.Enum))}


@functools.cache
def parser_version() -> str:
    """A hash of what parsing depends on besides the page: the code, the Python build, docutils and lxml."""
    digest = hashlib.sha256(_MAGIC)
    digest.update(f"{sys.version}\0{sys.implementation.cache_tag}\0{pickle.HIGHEST_PROTOCOL}\0".encode())
    package = Path(__file__).resolve().parent.parent  # harness/
    sources = sorted((package / "parsers").glob("*.py"))
    sources += [package / "model.py", package / "codec.py", package / "sourcefiles.py", package / "__init__.py"]
    for source in sources:
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    for library in ("docutils", "lxml"):  # where and which build is installed, without importing it
        try:
            spec = importlib.util.find_spec(library)
            origin = spec.origin if spec is not None else None
            status = os.stat(origin) if origin else None
            built = (status.st_mtime_ns, status.st_size) if status else None
            digest.update(f"{library}\0{origin}\0{built}\0".encode())
        except (ImportError, ValueError, OSError):
            digest.update(f"{library}\0missing\0".encode())
    return digest.hexdigest()[:20]


class _ModelUnpickler(pickle.Unpickler):
    """Builds the model's classes and plain values only (``find_class`` is every way to a global)."""

    def find_class(self, module_name: str, name: str) -> type:
        if module_name == model.__name__ and name in _ALLOWED:
            return _ALLOWED[name]
        raise pickle.UnpicklingError(f"{module_name}.{name} is not a model class")


def _reduce(cls: type, obj: object) -> tuple[type, tuple[object, ...]]:
    return cls, field_values(cls)(obj)


# a model object pickles as (class, field values): half the cost of dataclasses' own __setstate__
_DISPATCH = {cls: functools.partial(_reduce, cls) for cls in _ALLOWED.values() if dataclasses.is_dataclass(cls)}


class ExtractCache:
    """One cache folder; ``get`` and ``put`` a Document by the key ``key`` gives.

    :param folder: the cache folder (``.docharness_cache`` next to the config by default); the
        entries go in its ``extract/<parser version>/`` folder.
    :param max_bytes: the size the whole ``extract/`` folder is pruned to after a run that wrote entries.
    """

    def __init__(self, folder: Path | str, max_bytes: int = MAX_BYTES) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self.entries = os.path.join(os.path.abspath(self.folder), "extract", parser_version())
        self.hits = self.misses = self.writes = 0
        self.problem = ""  # why entries could not be written, for a note (the run itself is not affected)
        self._shards: set[str] = set()

    def __reduce__(self) -> tuple[type, tuple[Path, int]]:  # to worker processes: the folder, not the counts
        return ExtractCache, (self.folder, self.max_bytes)

    @staticmethod
    def key(name: str, data: bytes, rules: object = None) -> str:
        """The entry key of a page: the parser's version, its ``Document.path``, the rules it is read with,
        its bytes (the version too: an entry moved into another version's folder does not match)."""
        digest = hashlib.sha256(f"{parser_version()}\0{name}\0{rules!r}\0".encode("utf-8", "surrogatepass"))
        digest.update(data)
        return digest.hexdigest()

    def _path(self, key: str) -> str:
        return f"{self.entries}{os.sep}{key[:2]}{os.sep}{key[2:]}"

    def get(self, key: str, name: str) -> Document | None:
        """The Document stored under ``key`` for the page ``name``, or ``None`` (a miss)."""
        path = self._path(key)
        try:
            with open(path, "rb") as stream:
                blob = stream.read()
                document = _decode(blob, key)
                if document is not None and time.time() - os.fstat(stream.fileno()).st_mtime > _TOUCH_AFTER:
                    _touch(stream.fileno())
        except OSError:
            document = None
        if document is None or document.path != name:
            self.misses += 1  # none yet, or truncated, corrupt or foreign: parsed again and rewritten
            return None
        self.hits += 1
        return document

    def put(self, key: str, document: Document) -> None:
        """Store ``document`` under ``key``: written to a private file, then renamed into place."""
        if self.problem:
            return
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = _DISPATCH
        pickler.dump(document)
        payload = buffer.getbuffer()
        final = self._path(key)
        header = _MAGIC + key.encode() + zlib.crc32(payload).to_bytes(4, "big")
        for attempt in (1, 2):
            try:
                self._write(final, header, payload)
                self.writes += 1
                return
            except FileNotFoundError as exc:  # another run pruned the emptied folder meanwhile: make it again, once
                self._shards.discard(os.path.dirname(final))
                if attempt == 2:
                    self.problem = f"{self.folder}: {exc.strerror or exc}"
            except OSError as exc:
                self.problem = f"{self.folder}: {exc.strerror or exc}"
                return

    def writable(self) -> bool:
        """Whether entries can be written (else ``problem`` says why): asked before worker processes, whose
        own failures the caller never sees."""
        try:
            self._write(self._path("0" * _KEY), b"", memoryview(b""))
            os.unlink(self._path("0" * _KEY))
        except OSError as exc:
            self.problem = f"{self.folder}: {exc.strerror or exc}"
        return not self.problem

    def _write(self, final: str, header: bytes, payload: memoryview) -> None:
        shard = os.path.dirname(final)
        if shard not in self._shards:
            self._make_folders(shard)
        temporary = os.path.join(shard, f".tmp-{os.getpid()}-{os.urandom(6).hex()}")
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(header)
                stream.write(payload)
            os.replace(temporary, final)
        except BaseException:
            _remove(temporary)
            raise

    def _make_folders(self, shard: str) -> None:
        """Make the folders down to ``shard``, each 0700; a new cache folder is marked as a cache."""
        top = os.path.abspath(self.folder)
        for folder in (top, os.path.dirname(self.entries), self.entries, shard):
            try:
                if folder == top:
                    os.makedirs(os.path.dirname(top), exist_ok=True)  # --cache-dir new/folder: like mkdir -p
                os.mkdir(folder, 0o700)
            except FileExistsError:
                continue
            if folder == top:  # what pytest writes: version control and backup tools leave it alone
                for name, text in ((".gitignore", "# created by docharness\n*\n"), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
                    handle = os.open(os.path.join(top, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                    with os.fdopen(handle, "w", encoding="utf-8") as stream:
                        stream.write(text)
        self._shards.add(shard)

    def prune(self) -> None:
        """Remove the least recently used entries until the cache is under ``max_bytes``; never fails.

        Looking at every entry's size costs a stat each, so it is done at most every ``_PRUNE_EVERY``
        seconds (the time of the ``extract/.pruned`` file), as ``git gc --auto`` does.
        """
        folder = os.path.join(os.path.abspath(self.folder), "extract")
        marker = os.path.join(folder, ".pruned")
        try:
            if time.time() - os.stat(marker).st_mtime < _PRUNE_EVERY:
                return
            os.utime(marker)
        except FileNotFoundError:
            try:
                os.close(os.open(marker, os.O_WRONLY | os.O_CREAT, 0o600))
            except OSError:
                pass
        except OSError:
            pass
        prune(folder, self.max_bytes)


def _touch(handle: int) -> None:
    try:
        os.utime(handle)  # keep the entry in the least-recently-used order
    except OSError:  # a cache shared read-only: it is still used
        pass


def prune(folder: str, max_bytes: int) -> None:
    """Bring the entries under ``folder`` (all parser versions) to at most ``max_bytes``.

    The least recently used go first, down to 80% of the bound so that pruning is rare; a
    temporary file older than an hour (a run that died writing it) is removed too.
    """
    entries: list[tuple[float, int, str]] = []
    now = time.time()
    for path, status in _files(folder):
        if os.path.basename(path).startswith(".tmp-"):
            if now - status.st_mtime > _STALE_TEMPORARY:
                _remove(path)
        else:
            entries.append((status.st_mtime, status.st_size, path))
    total = sum(size for _, size, _ in entries)
    if total <= max_bytes:
        return
    for _, size, path in sorted(entries):
        if total <= max_bytes * 0.8:
            break
        _remove(path)
        total -= size
    for version in _scan(folder):  # folders left empty (another run may be filling one: rmdir then fails)
        for shard in _scan(version.path):
            _remove(shard.path, folder=True)
        _remove(version.path, folder=True)


def _scan(folder: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as found:
            return [entry for entry in found if entry.is_dir(follow_symlinks=False)]
    except OSError:
        return []


def _files(folder: str) -> list[tuple[str, os.stat_result]]:
    """Every file two folders below ``folder`` (``<version>/<shard>/<entry>``), with its status."""
    files: list[tuple[str, os.stat_result]] = []
    for version in _scan(folder):
        for shard in _scan(version.path):
            try:
                with os.scandir(shard.path) as found:
                    files.extend((entry.path, entry.stat(follow_symlinks=False)) for entry in found
                                 if entry.is_file(follow_symlinks=False))
            except OSError:  # removed by another run meanwhile
                continue
    return files


def _remove(path: str, folder: bool = False) -> None:
    try:
        os.rmdir(path) if folder else os.unlink(path)
    except OSError:  # gone already, or not empty: another run is using it
        pass


def _decode(blob: bytes, key: str) -> Document | None:
    """The Document in an entry, or ``None`` when the entry is not a whole one written for ``key``."""
    if len(blob) <= _HEADER or not blob.startswith(_MAGIC) or blob[len(_MAGIC):len(_MAGIC) + _KEY] != key.encode():
        return None
    payload = memoryview(blob)[_HEADER:]
    if zlib.crc32(payload) != int.from_bytes(blob[_HEADER - 4:_HEADER], "big"):
        return None
    try:
        document = _ModelUnpickler(io.BytesIO(payload)).load()
    except Exception:  # noqa: BLE001 - any damage to an entry is a miss, never a crash
        return None
    return document if type(document) is Document else None
