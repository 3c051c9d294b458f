"""What a command needs before it knows whether it has a project config: its name, where it is, its error.

``extract`` without a ``docharness.toml`` reads no TOML and builds no config types: it looks for the
file here and imports ``harness.config`` (tomllib, the config dataclasses) only when one is found.
``harness.config`` re-exports all three.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["CONFIG_NAME", "ConfigError", "find_config"]

CONFIG_NAME = "docharness.toml"


class ConfigError(Exception):
    """A configuration file that cannot be used, said with its place and a fix.

    :param message: what is wrong.
    :param path: the configuration file.
    :param line: the 1-based line, or 0 when unknown.
    :param hint: what to do about it.
    """

    def __init__(self, message: str, path: str, line: int = 0, hint: str = "") -> None:
        self.message, self.path, self.line, self.hint = message, path, line, hint
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}" + (f"\n  hint: {hint}" if hint else ""))


def find_config(start: Path) -> Path | None:
    """The nearest ``docharness.toml`` in ``start`` (a file's folder or a folder) or above it."""
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None
