"""Parallel loading: the loader's per-file function run over a process pool.

docutils and lxml parsing is CPU-bound and holds the GIL, so a large tree only
extracts faster with processes. Each worker runs ``loader.load_file`` (the one
place that reads files); Documents come back pickled, in the same sorted order
``loader.load`` gives, so the result is identical to a serial load.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from harness.model import (
    Diagnostic,
    Directive,
    Document,
    Example,
    ExpectedResponse,
    ObjectTable,
    Operation,
    Parameter,
    Request,
    Span,
    StatusCode,
    Substitution,
    field_values,
)
from harness.parsers import parser_for
from harness.parsers.loader import (
    POOL_MIN_FILES,
    DialectFor,
    cached_documents,
    discover,
    load_file,
    load_files,
    source_roots,
)

if TYPE_CHECKING:
    from harness.parsers.cache import ExtractCache

__all__ = ["default_jobs", "load_parallel", "parse_parallel"]

# below this many files a pool's start-up costs more than it saves
_MIN_FILES_PER_JOB = 4


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _warm_parsers(files: list[Path]) -> None:
    """Import each needed parser (docutils, lxml) once here, so forked workers inherit it."""
    for suffix in sorted({path.suffix.lower() for path in files}):
        parse = parser_for(f"warm{suffix}")
        if parse is not None:
            try:
                parse("", f"warm{suffix}")
            except NotImplementedError:  # a format without a parser yet: load_file reports it
                pass


def load_parallel(paths: Sequence[str | Path], root: Path | None = None, jobs: int | None = None,
                  docs_root: Path | None = None) -> list[Document]:
    """Discover and parse every known file under ``paths`` with ``jobs`` worker processes.

    :param paths: files and folders, as for ``loader.load``.
    :param root: what ``Document.path`` is relative to (default: the current folder).
    :param jobs: worker processes; ``None`` means one per available CPU, ``1`` loads in-process.
    :raises FileNotFoundError: when a given path does not exist.
    """
    return parse_parallel(discover(paths, docs_root=docs_root), root, jobs, source_roots(paths, docs_root))


def parse_parallel(files: list[Path], root: Path | None = None, jobs: int | None = None,
                   roots: tuple[str, ...] = (), dialect: DialectFor | None = None,
                   cache: ExtractCache | None = None) -> list[Document]:
    """``loader.load_files`` over already discovered ``files``, with ``jobs`` worker processes.

    :param roots: the docs roots the files are confined to (``loader.source_roots``).
    :param cache: pages found in it are taken from it here; only the others go to the workers,
        which store what they parse.
    """
    if cache is None:
        return _parse_parallel(files, root, jobs, roots, dialect, None)
    found = cached_documents(files, root, roots, dialect, cache)
    missing = [path for path, document in zip(files, found) if document is None]
    # a few changed pages are parsed here: starting workers for them would cost more than it saves
    if len(missing) >= POOL_MIN_FILES:
        parsed = iter(_parse_parallel(missing, root, jobs, roots, dialect, cache if cache.writable() else None))
    else:
        parsed = iter(load_files(missing, root, roots, dialect, cache))
    return [document if document is not None else next(parsed) for document in found]


def _parse_parallel(files: list[Path], root: Path | None, jobs: int | None, roots: tuple[str, ...],
                    dialect: DialectFor | None, cache: ExtractCache | None) -> list[Document]:
    workers = min(jobs or default_jobs(), max(len(files) // _MIN_FILES_PER_JOB, 1))
    if workers <= 1:
        return load_files(files, root, roots, dialect, cache)
    read = partial(load_file, root=root.absolute() if root else Path.cwd(), roots=roots, dialect=dialect,
                   cache=cache)
    _register_model_reducers()
    _warm_parsers(files)
    # a few chunks per worker: big enough to amortise pickling, small enough to balance uneven pages
    chunk = max(len(files) // (workers * 8), 1)
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(read, files, chunksize=chunk))
    except BrokenProcessPool:  # a worker died (out of memory, killed): finish in-process
        return load_files(files, root, roots, dialect, cache)


def _register_model_reducers() -> None:
    """Pickle the model's dataclasses for worker results as ``(class, field values)``.

    A frozen slotted dataclass pickles through dataclasses' Python ``__getstate__`` /
    ``__setstate__`` (measured: about 70% of the parse time again); a reducer calling the class with
    its field values builds the very same objects at half the cost. Only multiprocessing's own
    pickler uses these reducers; workers started by fork inherit them (others pickle the default way).
    """
    # imported here: only a parallel load needs it (import time)
    from multiprocessing.reduction import ForkingPickler

    for cls in (Span, Diagnostic, Parameter, ObjectTable, StatusCode, Operation, Request, Substitution, Directive,
                ExpectedResponse, Example, Document):
        ForkingPickler.register(cls, functools.partial(_reduce, cls, field_values(cls)))


def _reduce(cls: type, values: Callable[[object], tuple[object, ...]], obj: object) -> tuple[type, tuple[object, ...]]:
    return cls, values(obj)
