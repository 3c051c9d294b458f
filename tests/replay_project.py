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


def cloud_config(url: str, suffix: str, match: str, *, target_extra: str = "") -> str:
    """A docharness.toml replaying the cloud pages ``*.<suffix>`` of its folder against ``url``.

    :param match: the family's match policy (``exact``, ``subset``, ``shape``).
    :param target_extra: TOML lines added to ``[targets.t]`` (a timeout, a headers table).
    """
    return (f'[docharness]\nsources = ["."]\ndefault_target = "t"\n\n[targets.t]\nurl = "{url}"\n{target_extra}\n'
            f'[variables]\nproject_id = "p1"\n\n'
            f'[[sources]]\npaths = ["*.{suffix}"]\nfamily = "cloud"\nmatch = "{match}"\n')
