"""Parallel loading: the loader's per-file function run over a process pool.

docutils and lxml parsing is CPU-bound and holds the GIL, so a large tree only
extracts faster with processes. Each worker runs ``loader.load_file`` (the one
place that reads files), or with a cache ``loader.parse_unparsed`` on pages this
process read and did not find in it; Documents come back pickled, in the same sorted order
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
from typing import TYPE_CHECKING, TypeVar

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
    Unparsed,
    discover,
    load_file,
    load_files,
    look_up,
    names,
    parse_unparsed,
    source_roots,
)

if TYPE_CHECKING:
    from harness.parsers.cache import ExtractCache

__all__ = ["default_jobs", "load_parallel", "parse_parallel"]

# below this many files a pool's start-up costs more than it saves
_MIN_FILES_PER_JOB = 4
_Item = TypeVar("_Item", Path, Unparsed)


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
                  sources: Sequence[str | Path] = ()) -> list[Document]:
    """Discover and parse every known file under ``paths`` with ``jobs`` worker processes.

    :param paths: files and folders, as for ``loader.load``.
    :param root: what ``Document.path`` is relative to (default: the current folder).
    :param jobs: worker processes; ``None`` means one per available CPU, ``1`` loads in-process.
    :raises FileNotFoundError: when a given path does not exist.
    """
    return parse_parallel(discover(paths, sources=sources), root, jobs, source_roots(paths, sources))


def parse_parallel(files: list[Path], root: Path | None = None, jobs: int | None = None,
                   roots: tuple[str, ...] = (), dialect: DialectFor | None = None,
                   cache: ExtractCache | None = None) -> list[Document]:
    """``loader.load_files`` over already discovered ``files``, with ``jobs`` worker processes.

    :param roots: the docs roots the files are confined to (``loader.source_roots``).
    :param cache: every page is read and looked up in it here, once; the workers get the bytes of
        the pages it lacks, parse them and store them.
    """
    if cache is None:  # the workers read the pages, in parallel
        read = partial(load_file, root=root.absolute() if root else Path.cwd(), roots=roots, dialect=dialect)
        return _map(read, files, jobs, files, lambda: load_files(files, root, roots, dialect))
    found = [look_up(path, name, roots, dialect, cache) for path, name in zip(files, names(files, root))]
    unparsed = [page for page in found if isinstance(page, Unparsed)]
    # a few changed pages are parsed here: starting workers for them would cost more than it saves
    if len(unparsed) >= POOL_MIN_FILES:
        parse = partial(parse_unparsed, cache=cache if cache.writable() else None)
        parsed = iter(_map(parse, unparsed, jobs, [page.path for page in unparsed],
                           lambda: [parse_unparsed(page, cache) for page in unparsed]))
    else:
        parsed = iter([parse_unparsed(page, cache) for page in unparsed])
    return [next(parsed) if isinstance(page, Unparsed) else page for page in found]


def _map(function: Callable[[_Item], Document], items: list[_Item], jobs: int | None, files: list[Path],
         serial: Callable[[], list[Document]]) -> list[Document]:
    """``function`` over ``items`` in worker processes, in order; ``serial()`` when one worker would do, or
    when a worker died (out of memory, killed)."""
    workers = min(jobs or default_jobs(), max(len(items) // _MIN_FILES_PER_JOB, 1))
    if workers <= 1:
        return serial()
    _register_model_reducers()
    _warm_parsers(files)
    # a few chunks per worker: big enough to amortise pickling, small enough to balance uneven pages
    chunk = max(len(items) // (workers * 8), 1)
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(function, items, chunksize=chunk))
    except BrokenProcessPool:
        return serial()


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
