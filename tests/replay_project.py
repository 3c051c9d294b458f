"""Helpers for replay tests that point ``--target`` at a reference server started by the test."""

from __future__ import annotations

from dataclasses import replace

from harness.config import Config


def resetting(config: Config) -> Config:
    """``config`` with ``reset_on_override = true`` on every target.

    The session's reference server is reached through ``--target URL``, which by default
    leaves the configured reset steps behind; these tests replay against a reference server,
    so its wipe (``POST /_reference/reset``) is the right one to keep.
    """
    targets = {name: replace(target, reset_on_override=True) for name, target in config.targets.items()}
    return replace(config, targets=targets)
