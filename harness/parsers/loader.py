"""The one place under ``parsers/`` that reads files: discover, read, decode, parse.

Bad files are normal input: a file that cannot be read or decoded, or that
trips a parser bug, becomes a ``Document`` with an error ``Diagnostic``, never
an exception, so one broken page never stops a run.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from harness.model import (
    Diagnostic,
    Document,
    Format,
    Level,
    Span,
)
from harness.parsers import PARSERS, parser_for
from harness.parsers.dialect import AUTO, Dialect
from harness.sourcefiles import OUTPUT_MARKER, Refused, escapes, is_page_name, read_source, source_lines

if TYPE_CHECKING:  # imported only by a command that uses a cache (hashlib, pickle, zlib: start-up time)
    from harness.parsers.cache import ExtractCache

DialectFor = Callable[[Path], Dialect]  # a file's path -> the Elasticsearch rules it is read with (Config.dialect_at)

__all__ = ["Unparsed", "UnreadableFolder", "discover", "document_path", "load", "load_file", "load_files", "look_up",
           "names", "parse_bytes", "parse_unparsed", "source_roots"]


class UnreadableFolder(OSError):
    """A folder under the given paths that cannot be listed (a usage error: its pages would be missed)."""

_FORMATS = {".asciidoc": Format.ASCIIDOC, ".adoc": Format.ASCIIDOC, ".rst": Format.RST, ".html": Format.HTML,
            ".htm": Format.HTML}
_NOT_READ = "(not read)"


def discover(paths: Sequence[str | Path], *, sources: Sequence[str | Path] = ()) -> list[Path]:
    """List the files with a known suffix under ``paths``, sorted and without duplicates.

    Folders are walked recursively (hidden folders and docharness's own output folders, marked
    ``OUTPUT_MARKER``, skipped; symlinked folders not followed); a file named directly is kept only when its suffix is known. A symlinked
    folder whose real path leaves its docs root (see ``source_roots``) is listed itself,
    so that loading it gives a diagnostic saying it was not read.

    :raises FileNotFoundError: when a path does not exist (a usage error).
    :raises UnreadableFolder: when a folder cannot be listed (its pages would be silently missed).
    """
    found: set[Path] = set()
    roots = source_roots(paths, sources)
    for given in paths:
        path = Path(given)
        if path.is_dir():
            if escapes(path, _root_of(path, roots)):
                found.add(path)
            else:
                found.update(_walk(path, roots))
        elif path.is_file():
            if path.suffix.lower() in PARSERS:
                found.add(path)
        else:
            raise FileNotFoundError(f"{given}: no such file or folder")
    return sorted(found, key=lambda p: p.as_posix())


def _walk(folder: Path, roots: tuple[str, ...]) -> Iterator[Path]:
    for current, dirs, files in os.walk(folder, onerror=_unreadable):
        if OUTPUT_MARKER in files:  # docharness's own output (a report, a published site): not documentation
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in dirs:  # os.walk does not follow symlinked folders: name those that leave the root
            child = os.path.join(current, name)
            if os.path.islink(child) and escapes(child, _root_of(child, roots)):
                yield Path(child)
        for name in files:
            if is_page_name(name):
                yield Path(os.path.join(current, name))


def _unreadable(error: OSError) -> None:
    raise UnreadableFolder(f"{error.filename}: cannot read the folder: {error.strerror or error}\n"
                           "  hint: give this user read and execute permission on it, or leave it out of the paths")


def source_roots(paths: Sequence[str | Path], sources: Sequence[str | Path] = ()) -> tuple[str, ...]:
    """The docs roots files under ``paths`` are confined to (absolute, symlinks not resolved).

    Each configured source is a docs root (a folder itself; a file, or a folder that is a symlink: the
    folder holding it). A given path inside none of them is a root of its own, in the same way. A file
    is confined to the innermost root holding it, and read only when its real path lies inside the real
    path of that root: a page of ``docs/`` symlinked to ``../.git/config`` or ``../.env`` beside the
    configuration is not read, though the configuration's folder holds it.
    """
    configured = {_own_root(os.path.abspath(source)) for source in sources}
    roots = set(configured)
    for given in paths:
        absolute = os.path.abspath(given)
        if not any(absolute == root or absolute.startswith(root.rstrip(os.sep) + os.sep) for root in configured):
            roots.add(_own_root(absolute))
    return tuple(sorted(roots))


def _own_root(absolute: str) -> str:
    """The root a path is of its own: a folder itself, a file or a symlinked folder the folder holding it."""
    return absolute if os.path.isdir(absolute) and not os.path.islink(absolute) else os.path.dirname(absolute)


def _root_of(path: str | Path, roots: Sequence[str]) -> str:
    """The innermost root holding ``path`` (lexically), else the path's own folder."""
    absolute = os.path.abspath(path)
    holding = [root for root in roots if absolute.startswith(root.rstrip(os.sep) + os.sep)]
    return max(holding, key=len) if holding else os.path.dirname(absolute)


def document_path(path: Path, root: Path | None = None) -> str:
    """The path a Document carries: relative to ``root`` (default: cwd), posix separators."""
    base = (root or Path.cwd()).absolute()
    try:
        relative = os.path.relpath(path.absolute(), base)
    except ValueError:  # another drive on Windows: no relative form exists
        relative = str(path.absolute())
    return Path(relative).as_posix()


def load_file(path: Path, root: Path | None = None, roots: Sequence[str | Path] = (),
              dialect: Dialect | DialectFor | None = None, cache: ExtractCache | None = None) -> Document:
    """Read, decode and parse one file; failures become an error Diagnostic.

    :param root: what ``Document.path`` is relative to (default: the current folder).
    :param roots: the docs roots (see ``source_roots``; default: the file's own folder). A file
        whose real path leaves its root is not read: the Document carries an error saying so.
    :param dialect: the Elasticsearch rules AsciiDoc pages are read with, or a function giving them
        for a file's path (``Config.dialect_at``); ``None`` for ``auto``.
    :param cache: where parsed pages are kept by content (``harness.parsers.cache``); the file is
        read and checked by the path policy either way.
    """
    return _load(path, document_path(path, root), tuple(os.path.abspath(r) for r in roots), dialect, cache)


def _load(path: Path, name: str, roots: tuple[str, ...] = (), dialect: Dialect | DialectFor | None = None,
          cache: ExtractCache | None = None) -> Document:
    """``load_file`` for a file whose ``Document.path`` is ``name``."""
    found = look_up(path, name, roots, dialect, cache)
    return found if isinstance(found, Document) else parse_unparsed(found, cache)


@dataclass(frozen=True, slots=True)
class Unparsed:
    """A page read by the path policy and not found in the cache: everything its parse needs, so that a
    worker process parses it without reading the file again.

    :param key: its cache entry's key (``""`` without a cache).
    """

    path: Path
    name: str
    fmt: Format
    data: bytes
    rules: Dialect | None
    key: str


def look_up(path: Path, name: str, roots: tuple[str, ...], dialect: Dialect | DialectFor | None,
            cache: ExtractCache | None = None) -> Document | Unparsed:
    """Read a page by the path policy: its Document when it is refused or found in ``cache``, else what
    ``parse_unparsed`` needs (the one read of the page)."""
    fmt = _FORMATS.get(path.suffix.lower(), Format.ASCIIDOC)
    data = _read(path, name, fmt, _root_of(path, roots))
    if isinstance(data, Document):
        return data
    return _cached(data, path, name, fmt, _rules(path, fmt, dialect), cache)


def _cached(data: bytes, path: Path, name: str, fmt: Format, rules: Dialect | None,
            cache: ExtractCache | None) -> Document | Unparsed:
    key = ""
    if cache is not None:
        key = cache.key(name, data, rules)
        cached = cache.get(key, name)
        if cached is not None:
            return cached
    return Unparsed(path, name, fmt, data, rules, key)


def parse_unparsed(page: Unparsed, cache: ExtractCache | None = None) -> Document:
    """Parse a page ``look_up`` read and store it in ``cache``.

    With the automatic collector paused (``load``), the parse's garbage cycles are freed here (a
    page taken from the cache leaves none: unpickling makes no cycles), and what survives is set
    aside from later collections until ``load`` returns.
    """
    try:
        document = _parse(page.data, page.path, page.name, page.fmt, page.rules)
        if cache is not None and page.key and not any(d.code in _NOT_CACHED for d in document.diagnostics):
            cache.put(page.key, document)
        return document
    finally:
        if not gc.isenabled():
            # only this file's objects are scanned; then everything left is frozen (gc.freeze), so the
            # next files' collections never rescan the Documents kept so far: each object is scanned
            # once, where a collection of the middle generation every 100 files scanned it again
            # (about 5% of the parse). ``load`` unfreezes them before it returns.
            gc.collect(0)
            gc.freeze()


def parse_bytes(data: bytes, path: Path, name: str, cache: ExtractCache | None = None,
                rules: Dialect | None = None) -> Document:
    """A page another reader took by the path policy (``sourcefiles.read_source``: the Sphinx extension)
    decoded and parsed as ``load`` parses it, through ``cache``.

    :param path: the file (its suffix picks the parser when ``name``'s does not).
    :param name: its ``Document.path``.
    :param rules: the Elasticsearch rules an AsciiDoc page is read with (``None``: ``auto``).
    """
    fmt = _FORMATS.get(path.suffix.lower(), Format.ASCIIDOC)
    found = _cached(data, path, name, fmt, _rules(path, fmt, rules), cache)
    return found if isinstance(found, Document) else parse_unparsed(found, cache)


# what may not happen again on the same page: a parser crash (out of memory, recursion) or a missing parser
_NOT_CACHED = frozenset({"parser-crash", "parser-unavailable"})


def _rules(path: Path, fmt: Format, dialect: Dialect | DialectFor | None) -> Dialect | None:
    """The Elasticsearch rules an AsciiDoc page is read with, or ``None`` (``auto``, or another format)."""
    if fmt is not Format.ASCIIDOC or dialect is None:
        return None
    rules = dialect(path) if callable(dialect) else dialect
    return None if rules == AUTO else rules


def _read(path: Path, name: str, fmt: Format, top: str) -> bytes | Document:
    """The page's bytes, read by the path policy, or a Document saying why it was not read."""
    # the offending line is "(not read)": a renderer must not go and read it either
    try:
        data = read_source(path, top, page=True)
    except Refused as exc:
        # a folder is asked about only when refused (a stat per page saved): discover lists a symlinked
        # folder that leaves the root, and read_source refuses it for that before seeing it is a folder
        if exc.code == "outside-docs-root" and os.path.isdir(path):
            return _broken(name, fmt, "outside-docs-root", f"folder not read: its real path "
                           f"{os.path.realpath(path)} is outside the docs root {os.path.realpath(top)}; nothing "
                           "under it was read", 1, "move the pages into the docs tree, or point the symlink inside it",
                           source_line=_NOT_READ)
        return _broken(name, fmt, exc.code, f"page not read: {exc}", 1,
                       "a page must be a regular file inside the docs tree: replace the symlink with the page",
                       source_line=_NOT_READ)
    except OSError as exc:
        return _broken(name, fmt, "unreadable-file", f"cannot read the file: {exc.strerror or exc}", 1,
                       "check the file's permissions, or leave it out of the paths given")
    return data


def _parse(data: bytes, path: Path, name: str, fmt: Format, rules: Dialect | None) -> Document:
    """Decode and parse a page's bytes; failures become an error Diagnostic."""
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:  # what "utf-8-sig" decodes (a codec written in Python), by the C "utf-8" decoder past the BOM
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start + bom
        # lines as the page's parser splits them (an AsciiDoc page's as Java's line reader: a lone CR ends
        # one, a form feed none), columns in characters; the text before the bad byte decodes, and the
        # NUL stands for the bad byte, so the last line is the one it sits on
        before = source_lines(name, data[:start].decode("utf-8") + "\0")
        line, column = len(before), len(before[-1])
        shown = source_lines(name, data.decode("utf-8", errors="replace"))[line - 1]
        return _broken(name, fmt, "not-utf8", f"the file is not valid UTF-8 (byte 0x{data[start]:02x})", line,
                       "save the page as UTF-8", column, shown)
    parse_format = parser_for(name) or parser_for(path.name)
    if parse_format is None:
        return _broken(name, fmt, "unknown-format", "no parser for this file type", 1, "")
    try:  # the registry's function adds captions and notices; only AsciiDoc has rules (``_rules``)
        return parse_format(text, name) if rules is None else parse_format(text, name, rules)
    except NotImplementedError as exc:
        return _broken(name, fmt, "parser-unavailable", str(exc), 1, "this format is not supported yet")
    except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the run; report it where it happened
        return _broken(name, fmt, "parser-crash", f"internal parser error: {type(exc).__name__}: {exc}", 1,
                       "please report this page to the docharness maintainers")


def _broken(path: str, fmt: Format, code: str, message: str, line: int, hint: str, column: int = 1,
            source_line: str = "") -> Document:
    span = Span(path, line, column, line, column)
    diagnostic = Diagnostic(Level.ERROR, code, message, span, hint, source_line)
    return Document(path=path, format=fmt, diagnostics=(diagnostic,))


Jobs = int | Literal["auto"] | None

# Below this many files, starting worker processes costs more than the parallel parse saves.
POOL_MIN_FILES = 64


def load(paths: Sequence[str | Path], *, root: Path | None = None, jobs: Jobs = None,
         sources: Sequence[str | Path] = (), dialect: DialectFor | None = None,
         cache: ExtractCache | None = None) -> list[Document]:
    """Discover and parse every known file under ``paths``, in sorted path order.

    :param paths: files and folders.
    :param root: what ``Document.path`` is relative to (default: the current folder).
    :param sources: the configuration's sources (``Config.source_paths``): given paths inside one are
        confined to it (see ``source_roots``); a page whose real path leaves its root is not read (an
        error Diagnostic).
    :param dialect: gives the Elasticsearch rules each file is read with (``Config.dialect_at``);
        ``None`` reads every page with ``auto``.
    :param jobs: ``None`` or ``1`` parses in this process; ``N > 1`` uses up to N worker processes and
        ``"auto"`` one per available CPU, when there are at least ``POOL_MIN_FILES`` files (the result
        is the same, in the same order).
    :param cache: keeps each parsed page by content: an unchanged page is not parsed again (the
        result is the same; every file is still read through the path policy). Pruned afterwards.
    :raises FileNotFoundError: when a given path does not exist.
    :raises ValueError: when ``jobs`` is neither ``None``, ``"auto"`` nor a positive number.
    """
    if jobs is not None and jobs != "auto" and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ValueError(f"jobs must be a positive number or 'auto', not {jobs!r}")
    files = discover(paths, sources=sources)
    roots = source_roots(paths, sources)
    # The automatic collector would rescan every Document kept so far again and again (~15% of
    # the time). It is paused instead, and ``parse_unparsed`` collects the youngest generation after
    # each file: that frees the reference cycles a parse leaves (docutils doctrees are cycles) and
    # scans only that file's objects, so memory stays flat and the cost linear; the survivors are
    # frozen out of later collections until the end. Forked workers inherit the paused collector
    # and collect the same way (and exit with their objects frozen).
    paused = gc.isenabled()
    # a caller that froze objects itself (a test session, an embedding tool) owns the frozen set:
    # gc.unfreeze has no "only ours", so then what this load freezes stays frozen with the rest
    # and the caller's own unfreeze releases it
    frozen_before = gc.get_freeze_count()
    gc.disable()
    try:
        if jobs not in (None, 1) and len(files) >= POOL_MIN_FILES:
            # imported here: the pool is built on this module
            from harness.parsers.pool import parse_parallel

            return parse_parallel(files, root, None if jobs == "auto" else jobs, roots, dialect, cache)
        return load_files(files, root, roots, dialect, cache)
    finally:
        if not frozen_before:
            gc.unfreeze()  # back to the oldest generation: a later full collection sees them again
        if paused:
            gc.enable()
        if cache is not None and cache.misses:
            cache.prune()


def load_files(files: list[Path], root: Path | None, roots: tuple[str, ...] = (),
               dialect: DialectFor | None = None, cache: ExtractCache | None = None) -> list[Document]:
    """``load_file`` over ``files``, with each ``Document.path`` worked out by one prefix test when it can."""
    return [_load(path, name, roots, dialect, cache) for path, name in zip(files, names(files, root))]


def names(files: list[Path], root: Path | None) -> list[str]:
    """Each file's ``Document.path``, by one prefix test when it can (what ``document_path`` gives)."""
    base = os.path.abspath(root or Path.cwd())
    prefix = base.rstrip("/") + "/"
    names: list[str] = []
    for path in files:
        absolute = os.path.abspath(path)
        fast = os.sep == "/" and absolute.startswith(prefix)
        names.append(absolute[len(prefix):] if fast else document_path(path, root))
    return names

