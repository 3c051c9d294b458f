"""`docharness publish`: extract the documents and build the unified, verified reference.

``docharness publish [--results FILE] [--out DIR] [PATH...]`` parses the
configured sources (or the given paths), reads a replay's results when there
are some, and builds Sphinx sources under ``OUT/site-src`` and HTML under
``OUT/site``. ``build()`` is also the last step of ``docharness run``.
Exit codes: 0 built, 1 the Sphinx build failed, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from harness.commands.cache_options import add_cache_arguments, cache_note, extraction_cache
from harness.config import CONFIG_NAME, Config, ConfigError, PublishSettings, find_config, load_config
from harness.model import Document, from_json
from harness.parsers.loader import load
from harness.parsers.source_lines import without_page_credentials
from harness.publish import BuildReport, Placement, PublishError, publish
from harness.report.atomic import OutputError
from harness.report.redact import Redactor
from harness.publish.identity import align_results, document_identity, without_stale
from harness.publish.siteconf import SiteOptions
from harness.results import RunResult
from harness.sourcefiles import mark_output

__all__ = ["add_arguments", "run", "build"]

DEFAULT_CONFIG = Path("docs_src") / CONFIG_NAME
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="documents or folders (default: the sources of docs_src/docharness.toml)")
    parser.add_argument("--results", type=Path, metavar="FILE",
                        help="a replay's results.json (default: OUT/results.json when it exists)")
    parser.add_argument("--out", type=Path, default=Path("generated"), metavar="DIR",
                        help="base folder: Sphinx sources in DIR/site-src, HTML in DIR/site (default: generated)")
    parser.add_argument("--config", type=Path, metavar="FILE", help=f"the configuration (default: {DEFAULT_CONFIG})")
    parser.add_argument("--source-url", default="", metavar="TEMPLATE",
                        help="link template for source lines, with {path} and {line} "
                             "(default: [publish] source_url of the config, else no link)")
    parser.add_argument("-j", "--jobs", type=int, default=1, metavar="N", help="parallel Sphinx processes")
    add_cache_arguments(parser)


def _config(args: argparse.Namespace) -> Config | None:
    if args.config is not None:
        return load_config(args.config)
    found = find_config(Path(args.paths[0])) if args.paths else (DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None)
    return load_config(found) if found else None


def _placement(path: str, root: Path, config: Config | None, resolved_root: Path | None = None) -> Placement:
    """Family from the config's [[sources]] rules (else the first folder); auth as replay sends it.

    The code tabs carry the secret headers replay would send for this page, the target's and
    its source's, as variable references (never values).
    """
    shown = document_identity(path, root, resolved_root)
    first = shown.strip("/").split("/", 1)
    family = first[0] if len(first) > 1 else "other"
    auth: tuple[tuple[str, str], ...] = ()
    if config is not None:
        rule = config.rule_for(shown)
        # a configured rule names the family; rule_for's catch-all does not (identity, not a second glob match)
        family = rule.family if any(rule is r for r in config.rules) else family
        target = config.targets.get(rule.target or config.default_target)
        headers = (*(target.headers if target is not None else ()), *rule.headers)
        auth = tuple((h.name, h.env) for h in headers if h.is_secret)
    return Placement(family=family, source_path=shown, auth_headers=auth)


def build(documents: Sequence[Document], results: RunResult | None, out_dir: Path, *,
          config: Config | None = None, source_root: Path | None = None, source_url: str = "",
          jobs: int = 1) -> Path:
    """Build the site for ``documents`` under ``out_dir`` (sources in ``site-src``, HTML in ``site``).

    Families and auth headers come from ``config`` (the one the caller loaded); without it, from
    ``source_root/docharness.toml`` when there is one, else from each document path's first
    folder. Document paths are relative to ``source_root`` (default: the config's folder, else
    the working folder). Returns the built ``index.html``.

    :raises PublishError: when the Sphinx build fails.
    """
    root = source_root or (config.root if config else Path.cwd())
    if config is None and (root / CONFIG_NAME).is_file():
        try:
            config = load_config(root / CONFIG_NAME)
        except ConfigError:
            config = None  # families then come from folders
    return _publish(documents, results, out_dir, root, config, source_url, jobs).index


def _publish(documents: Sequence[Document], results: RunResult | None, out_dir: Path, root: Path,
             config: Config | None, source_url: str, jobs: int) -> BuildReport:
    resolved_root = root.resolve()
    # a results file from elsewhere may still carry a password in a target URL: never publish it
    results = Redactor().data(results) if results is not None else None
    if results is not None:
        results, unmatched = align_results(results, documents, root)
        if unmatched:
            listed = ", ".join(unmatched[:3]) + (f" and {len(unmatched) - 3} more" if len(unmatched) > 3 else "")
            print(f"docharness publish: warning: the results of {len(unmatched)} document(s) match no published "
                  f"page: {listed}\n  hint: publish the sources that were replayed, with the same "
                  "docharness.toml (--config)", file=sys.stderr)
        results, stale = without_stale(results, documents)
        if stale:
            print(f"docharness publish: warning: {len(stale)} result(s) were recorded for requests or responses "
                  f"the pages no longer have ({', '.join(stale[:3])}{' ...' if len(stale) > 3 else ''}); they show as not run\n"
                  "  hint: replay the pages again before publishing", file=sys.stderr)
    documents = [without_page_credentials(d) for d in documents]  # the page's example credentials: never published
    placements = {d.path: _placement(d.path, root, config, resolved_root) for d in documents}
    # never a file:// link into the builder's machine: the site gets published elsewhere
    settings = config.publish if config is not None else PublishSettings()
    options = SiteOptions(theme=settings.theme, theme_options=settings.theme_options,
                          writer_notes=settings.writer_notes)
    return publish(documents, results, out_dir, placements=placements, source_url=source_url or settings.source_url,
                   jobs=jobs, options=options)


def _common_folder(paths: Sequence[Path]) -> Path:
    """Without a configuration, document paths are relative to the folder the given paths share."""
    common = Path(os.path.commonpath([p.resolve() for p in paths]))
    return common if common.is_dir() else common.parent


def _results(args: argparse.Namespace) -> RunResult | None:
    path = args.results if args.results is not None else args.out / "results.json"
    if args.results is None and not path.is_file():
        return None
    return from_json(RunResult, path.read_text(encoding="utf-8"))


def run(args: argparse.Namespace) -> int:
    try:
        config = _config(args)
        paths = [Path(p) for p in args.paths] or (config.source_paths() if config else [])
    except ConfigError as exc:
        print(f"docharness publish: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not paths:
        print(f"docharness publish: no documents: give PATH... or create {DEFAULT_CONFIG}", file=sys.stderr)
        return EXIT_USAGE
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"docharness publish: no such file or folder: {missing[0]}", file=sys.stderr)
        return EXIT_USAGE
    root = config.root if config else _common_folder(paths)
    try:
        results = _results(args)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        print(f"docharness publish: cannot read the results {args.results}: {exc}\n"
              "  hint: pass a results.json written by `docharness replay`", file=sys.stderr)
        return EXIT_USAGE
    try:
        mark_output(args.out, paths)  # before reading: a previous site under the sources is not a page
        cache = extraction_cache(args, config)
        documents = load(paths, root=root, sources=config.source_paths() if config else (),
                         dialect=config.dialect_at if config else None, cache=cache)
        cache_note(cache)
    except OSError as exc:  # a folder that cannot be listed
        print(f"docharness publish: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = _publish(documents, results, args.out, root, config, args.source_url, args.jobs)
    except PublishError as exc:
        print(f"docharness publish: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OutputError as exc:  # a generated file that cannot be written (no space left, a folder in the way)
        print(f"docharness publish: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if report.warnings:
        shown = "\n  ".join(report.warnings[:10])
        print(f"docharness publish: {len(report.warnings)} Sphinx warning(s):\n  {shown}", file=sys.stderr)
    print(report.index)
    return EXIT_OK
