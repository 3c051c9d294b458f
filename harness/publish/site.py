"""Writes the generated sources and runs the Sphinx build of the site.

Writing keeps Sphinx's incremental rebuild useful: a file is rewritten only
when its text changed (so its mtime, which Sphinx compares, moves only then),
and generated files that no longer belong to the site are removed — but only
files carrying the generator's mark, never anything a person put there. The
change cache (``manifest``) spares rendering and re-reading unchanged pages;
a small change is built in one process, with the compiled templates kept.
"""

from __future__ import annotations

import gc
import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.model import Document
from harness.publish.manifest import MANIFEST_NAME, Deferred, Manifest, SourceText, text_key
from harness.publish.siteconf import SiteOptions
from harness.publish.sources import GENERATED_MARK, Placement, plan_sources
from harness.report.atomic import write_atomically
from harness.results import RunResult

__all__ = ["WriteStats", "BuildReport", "PublishError", "write_sources", "build_html", "publish"]

_MANAGED_SUFFIXES = (".rst", ".json", ".py")
# at most this many rewritten files count as a writer's small edit (see build_html)
SMALL_CHANGE = 40
# at most this many rewritten files are built by one process even when -j asks for more: Sphinx
# reads in parallel whatever the number of changed pages, and each reading process sends the
# whole environment back pickled (about 1 s at 2,000 pages), far more than reading a few pages
SERIAL_CHANGE = 8


@dataclass(slots=True)
class WriteStats:
    """What ``write_sources`` did: relative paths written, left alone and removed."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class BuildReport:
    """The outcome of one Sphinx build.

    :param ok: the build finished with status 0.
    :param index: the built site's ``index.html``.
    :param warnings: Sphinx's warning lines, in order.
    :param error: why the build failed, when it did.
    """

    ok: bool
    index: Path
    warnings: tuple[str, ...] = ()
    error: str = ""


def _is_generated(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8") as stream:
            head = stream.read(400)
    except (OSError, UnicodeDecodeError):
        return False
    return GENERATED_MARK in head


def write_sources(files: Mapping[str, SourceText], root: Path, manifest: Path | None = None) -> WriteStats:
    """Make ``root`` hold exactly ``files`` (relative posix path -> text) among generated files.

    With a ``manifest`` file (the change cache, see ``harness.publish.manifest``), a file whose
    inputs and size and mtime are what the last call recorded is neither rendered nor read.
    """
    stats = WriteStats()
    root.mkdir(parents=True, exist_ok=True)
    cache = Manifest(manifest)
    for relative, source in sorted(files.items()):
        target = root / relative
        if relative.startswith("/") or ".." in relative.split("/"):
            raise ValueError(f"generated file {relative!r} would land outside {root}")
        key = source.key if isinstance(source, Deferred) else text_key(source)
        if cache.unchanged(relative, key, target):
            stats.unchanged.append(relative)
            continue
        text = source.render() if isinstance(source, Deferred) else source
        try:
            current = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current == text:
            stats.unchanged.append(relative)
        else:
            write_atomically(target, text)
            stats.written.append(relative)
        cache.record(relative, key, target)
    for relative in _stale_generated(root, set(files)):
        (root / relative).unlink()
        stats.removed.append(relative)
    cache.keep_only(files)
    cache.save()
    return stats


def _stale_generated(root: Path, wanted: set[str]) -> list[str]:
    """Generated files under ``root`` (outside ``_build``) that are not in ``wanted``, in path order."""
    if "_build" in root.parts:
        return []
    found: list[str] = []
    # os.walk rather than Path.rglob: a big site has thousands of files and only the
    # unwanted ones need a Path; symlinked folders are not followed, as with rglob
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if name != "_build"]
        prefix = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        for name in names:
            relative = prefix + name
            if (relative not in wanted and os.path.splitext(name)[1] in _MANAGED_SUFFIXES
                    and (root / relative).is_file() and _is_generated(root / relative)):
                found.append(relative)
    return sorted(found, key=lambda relative: relative.split("/"))


def build_html(source_dir: Path, html_dir: Path, doctree_dir: Path, *, jobs: int = 1,
               overrides: Mapping[str, object] | None = None, small_change: bool = False) -> BuildReport:
    """Build ``source_dir`` into HTML under ``html_dir`` in-process, quietly.

    Doctrees are kept in ``doctree_dir`` (outside the site, which gets deployed) so the next
    build is incremental. ``small_change`` says only a few pages changed: the cyclic GC then
    stays off for the whole build (the garbage of a few pages is small).
    """
    from sphinx.application import Sphinx  # heavy: only when a build is asked for
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace

    warnings = io.StringIO()
    index = html_dir / "index.html"
    # Loading an existing environment creates a large, long-lived heap (every page's toc and
    # domain data); the cyclic GC would rescan it again and again while the build allocates.
    # So the load runs without GC and the loaded heap is frozen out of later collections; for a
    # small change GC stays off throughout: an incremental rebuild of a 2,000-page site drops
    # from about 8 s to about 4 s.
    collecting = gc.isenabled()
    frozen_before = gc.get_freeze_count()  # a caller's frozen objects stay frozen (see loader.load)
    gc.disable()
    # docutils_namespace: the nodes, directives and roles a build registers are docutils-global;
    # left registered, the next build in this process warns about each of them (as sphinx-build does)
    try:
        with docutils_namespace():
            app = Sphinx(str(source_dir), str(source_dir), str(html_dir), str(doctree_dir), "html",
                         confoverrides=dict(overrides or {}), status=None, warning=warnings,
                         freshenv=False, parallel=jobs)
            gc.freeze()
            if collecting and not small_change:
                gc.enable()
            _cache_compiled_templates(app.builder, doctree_dir)
            app.build()
    except (SphinxError, OSError, ValueError) as exc:
        return BuildReport(False, index, _lines(warnings), f"{type(exc).__name__}: {exc}")
    finally:
        if not frozen_before:
            gc.unfreeze()
        if collecting:
            gc.enable()
    ok = app.statuscode == 0 and index.is_file()
    return BuildReport(ok, index, _lines(warnings), "" if ok else "the Sphinx build reported errors")


def _cache_compiled_templates(builder: object, doctree_dir: Path) -> None:
    """Keep the theme's compiled page templates with the doctrees for the next build.

    Every build compiled the layout templates again (about 0.1 s); Jinja's bytecode cache
    checks each template's source before using its cached code, so the pages are the same.
    """
    import jinja2

    environment = getattr(getattr(builder, "templates", None), "environment", None)
    if isinstance(environment, jinja2.Environment) and environment.bytecode_cache is None:
        folder = doctree_dir / "templates"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return  # only a cache: templates are compiled as before
        environment.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))


def _lines(stream: io.StringIO) -> tuple[str, ...]:
    return tuple(line for line in stream.getvalue().splitlines() if line.strip())


class PublishError(Exception):
    """The Sphinx build of the site failed; carries the build report for the message."""

    def __init__(self, report: BuildReport) -> None:
        self.report = report
        shown = "\n".join(report.warnings[-20:])
        super().__init__(f"the Sphinx build failed: {report.error}" + (f"\n{shown}" if shown else ""))


def publish(documents: Sequence[Document], run: RunResult | None, out_dir: Path, *,
            placements: Mapping[str, Placement] | None = None, source_url: str = "", jobs: int = 1,
            options: SiteOptions = SiteOptions()) -> BuildReport:
    """Generate the sources under ``out_dir/site-src`` and build HTML under ``out_dir/site``.

    Sphinx's doctrees (its incremental-build state) stay in ``out_dir/site-doctrees``.

    :raises PublishError: when Sphinx fails; the report's warnings say why.
    """
    files = plan_sources(documents, run, placements, options=options)
    # the change cache lives with Sphinx's own incremental state, outside the deployed site
    stats = write_sources(files, out_dir / "site-src", out_dir / "site-doctrees" / MANIFEST_NAME)
    changes = len(stats.written) + len(stats.removed)
    overrides = {"docharness_source_url": source_url}
    stamp, stamp_file = _build_stamp(overrides), out_dir / "site-doctrees" / BUILD_STAMP
    index = out_dir / "site" / "index.html"
    if not changes and index.is_file() and _read(stamp_file) == stamp:
        # nothing Sphinx reads has changed since its last good build: even its index pages
        # (genindex, search, routing table), which it rewrites on every build, stay as they are
        return BuildReport(True, index)
    stamp_file.unlink(missing_ok=True)
    report = build_html(out_dir / "site-src", out_dir / "site", out_dir / "site-doctrees",
                        jobs=1 if changes <= SERIAL_CHANGE else jobs,
                        overrides=overrides, small_change=changes <= SMALL_CHANGE)
    if not report.ok:
        raise PublishError(report)
    write_atomically(stamp_file, stamp)
    return report


BUILD_STAMP = "docharness-build.txt"


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _build_stamp(overrides: Mapping[str, object]) -> str:
    """What a good build was made with besides its sources: Sphinx, the extension and its settings."""
    import hashlib
    from importlib import metadata

    digest = hashlib.sha256(repr(sorted(overrides.items())).encode("utf-8"))
    for name in ("sphinx", "sphinxcontrib-httpdomain", "sphinx-copybutton"):
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=none".encode())
    folder = Path(__file__).resolve().parents[1] / "sphinx"  # the extension (read, not imported)
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".js", ".css", ".html"):
            digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return digest.hexdigest() + "\n"
