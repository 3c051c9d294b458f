"""``--cache-dir DIR`` / ``--no-cache``: which extraction cache a command parses pages with.

The folder is, first to apply: ``--cache-dir``; the config's ``[docharness] cache_dir`` (relative
to the config file); ``.docharness_cache`` beside the config file; ``.docharness_cache`` in the
current folder when there is no config file. ``--no-cache`` parses every page.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a cache is made: ``--no-cache`` and ``--help`` need none of it
    from harness.config import Config  # and the config only when there is a config file
    from harness.parsers.cache import ExtractCache

__all__ = ["DEFAULT_FOLDER", "add_cache_arguments", "cache_note", "extraction_cache"]

DEFAULT_FOLDER = ".docharness_cache"


def add_cache_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``--cache-dir`` and ``--no-cache``."""
    parser.add_argument("--cache-dir", type=Path, default=None, metavar="DIR",
                        help="keep parsed pages here, by content, so an unchanged page is not parsed again "
                        f"(default: [docharness] cache_dir of the config, else {DEFAULT_FOLDER} beside the config "
                        "or in the current folder)")
    parser.add_argument("--no-cache", action="store_true", help="parse every page; read and write no cache")


def extraction_cache(args: argparse.Namespace, config: Config | None) -> ExtractCache | None:
    """The cache the command's options and config choose, or ``None`` with ``--no-cache``."""
    if getattr(args, "no_cache", False):
        return None
    from harness.parsers.cache import ExtractCache

    explicit: Path | None = getattr(args, "cache_dir", None)
    if explicit is not None:
        return ExtractCache(explicit)
    if config is not None and config.path.is_file():
        return ExtractCache(config.root / (config.cache_dir or DEFAULT_FOLDER))
    return ExtractCache(Path(DEFAULT_FOLDER))


def cache_note(cache: ExtractCache | None) -> None:
    """Say on stderr when the cache could not be written (the pages were parsed all the same)."""
    if cache is not None and cache.problem:
        print(f"docharness: note: the extraction cache could not be written ({cache.problem}); every page "
              "is parsed again next time\n  hint: use --cache-dir DIR with a folder you can write, or --no-cache",
              file=sys.stderr)
