"""Helpers for replay tests that point ``--target`` at a reference server started by the test."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import fault_servers as fs

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


def replay_page(folder: Path, name: str, page: str, config: Callable[[str], str],
                answer: fs.Behaviour) -> tuple[int, list[dict[str, Any]]]:
    """Replay one page against a loopback server that answers every request with ``answer``.

    The page is written to ``folder / name`` beside a docharness.toml made by ``config`` from the
    server's URL; the caller has made ``folder`` the working directory. Returns the exit status and
    the results file's results.
    """
    from harness.cli import main

    (folder / name).write_text(page, encoding="utf-8")
    with fs.fault_server(answer) as server:
        (folder / "docharness.toml").write_text(config(server.url), encoding="utf-8")
        code = main(["replay", "--no-cache", "--report", "results.json"])
    return code, json.loads((folder / "results.json").read_text(encoding="utf-8"))["results"]
