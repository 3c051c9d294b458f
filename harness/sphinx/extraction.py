"""``docharness-examples`` parses its source page through the command line's extraction cache.

``docharness_cache_dir`` (conf.py) names the cache folder, relative to conf.py's folder:
``.docharness_cache`` by default, the folder name the command line uses beside
``docharness.toml`` (a project keeping both files in one folder shares one cache); ``""``
parses every page and writes nothing. The folder is made on the first page parsed, so a
project that shows no examples gets none.

Sphinx decides which documents are read (a document whose source page changed is
outdated through the dependency the directive notes); the cache only spares the parse of
a page it has seen before, byte for byte, when Sphinx reads the document again (a fresh
environment, ``-E``, a changed ``conf.py``, an edit beside the directive). A document
shown with an older parser is outdated too: the environment records the parser version
its pages were parsed with, and a new one re-reads the documents that show examples.
Reading in parallel (``-j``) is safe: each reader process writes whole entries only
(``harness.parsers.cache``), and what the environment records is merged.
"""

from __future__ import annotations

from collections.abc import Set
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from harness.model import Document
from harness.parsers.loader import parse_bytes

if TYPE_CHECKING:  # hashlib, pickle, zlib: loaded when a page is parsed
    from harness.parsers.cache import ExtractCache

__all__ = ["parse_page", "setup_extraction"]

logger = logging.getLogger(__name__)

_DOCS = "docharness_examples_docs"  # env: the documents a docharness-examples directive parsed a page for
_VERSION = "docharness_parser_version"  # env: the parser version those pages were parsed with
_CACHES: dict[str, ExtractCache] = {}  # folder -> its cache, one per process (reader processes fork with it)
_FOLDER = [""]  # this build's cache folder, absolute ("": none), set when its configuration is read


def _folder(app: Sphinx, config: Config) -> None:
    """Resolve ``docharness_cache_dir`` against conf.py's folder (``config-inited``)."""
    given = config.docharness_cache_dir
    _FOLDER[0] = str(Path(app.confdir or app.srcdir, given).absolute()) if given else ""


def _cache() -> ExtractCache | None:
    folder = _FOLDER[0]
    if not folder:
        return None
    if folder not in _CACHES:
        from harness.parsers.cache import ExtractCache

        _CACHES[folder] = ExtractCache(folder)
    return _CACHES[folder]


def parse_page(env: BuildEnvironment, data: bytes, path: Path, name: str) -> Document:
    """The Document of a source page the current document shows (read by the path policy), from the cache
    when it holds these bytes, as ``docharness extract`` parses it.

    :param path: the file; ``name`` is its ``Document.path`` (the directive's ``:document-path:``).
    """
    cache = _cache()
    document = parse_bytes(data, path, name, cache)
    docs: set[str] = getattr(env, _DOCS, set())
    docs.add(env.docname)
    setattr(env, _DOCS, docs)
    if not getattr(env, _VERSION, ""):  # the first page parsed in a fresh environment
        from harness.parsers.cache import parser_version

        setattr(env, _VERSION, parser_version())
    if cache is not None and cache.problem:  # the page was parsed all the same; once per build
        logger.warning("docharness: the extraction cache could not be written (%s); every page is parsed "
                       "again next time; set docharness_cache_dir to a folder you can write, or to \"\"",
                       cache.problem, type="docharness", subtype="cache", once=True)
    return document


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, _DOCS, set()).discard(docname)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment) -> None:
    """A parallel reader's documents (``env-merge-info``)."""
    docs: set[str] = getattr(env, _DOCS, set())
    docs.update(getattr(other, _DOCS, set()) & set(docnames))
    setattr(env, _DOCS, docs)
    if not getattr(env, _VERSION, ""):
        setattr(env, _VERSION, getattr(other, _VERSION, ""))


def _outdated(app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str],
              removed: Set[str]) -> list[str]:
    """The documents whose examples were parsed by another parser version (``env-get-outdated``)."""
    docs: set[str] = getattr(env, _DOCS, set())
    if not docs:
        return []
    from harness.parsers.cache import parser_version

    version = parser_version()
    before = getattr(env, _VERSION, "")
    setattr(env, _VERSION, version)
    return sorted(docs - set(removed) - set(changed)) if before and before != version else []


def _prune(app: Sphinx, exception: BaseException | None) -> None:
    """Keep the cache within its bound after a build (at most every few minutes; ``ExtractCache.prune``)."""
    folder = _FOLDER[0]
    if exception is None and folder and Path(folder, "extract").is_dir():
        from harness.parsers.cache import ExtractCache

        ExtractCache(folder).prune()


def setup_extraction(app: Sphinx) -> None:
    """Register ``docharness_cache_dir`` and the event handlers."""
    app.add_config_value("docharness_cache_dir", ".docharness_cache", "", types=frozenset({str}),
                         description="extraction cache folder, relative to conf.py; \"\": no cache")
    app.connect("config-inited", _folder)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("build-finished", _prune)
