"""The configuration's data: ``Config`` and its parts, plain frozen data read by ``harness.config``.

Kept apart from the reader so each module stays one thing: what a configuration
says (here) and how ``docharness.toml`` is checked into it (``harness.config``).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

from harness.config_file import ConfigError
from harness.model import Capture, FormPart, MatchPolicy
from harness.parsers.dialect import AUTO, Dialect

__all__ = ["Config", "ConfigError", "HeaderSpec", "PublishSettings", "SourceRule", "TargetConfig", "DEFAULT_TIMEOUT"]

DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class HeaderSpec:
    """One default request header of a target: a literal value or a secret's variable name.

    :param name: the header name (``X-Auth-Token``).
    :param value: the literal value, for headers that are not secret.
    :param env: the environment variable holding a secret value.
    """

    name: str
    value: str = ""
    env: str = ""

    @property
    def is_secret(self) -> bool:
        """Whether the value comes from the environment."""
        return bool(self.env)


@dataclass(frozen=True, slots=True)
class TargetConfig:
    """Where examples are sent: one configured target.

    :param name: the table name under ``[targets]``.
    :param url: base URL, or ``embedded`` for the in-process reference server.
    :param timeout: seconds for every request (connect and read, and the whole body).
    :param verify_tls: verify HTTPS certificates.
    :param headers: default headers sent with every request.
    :param reset: console text run after every test (the target's wipe).
    :param allow_writes: send state-changing requests even when the target is not on loopback.
    :param reset_on_override: keep running ``reset`` when ``--target URL`` sends this target's
        sources elsewhere (the wipe was written for this target, so by default it is not sent).
    :param url_env: ``url = { env = "NAME" }``: the URL is read from NAME at run time (unset: not run).
    """

    name: str
    url: str
    timeout: float = DEFAULT_TIMEOUT
    verify_tls: bool = True
    headers: tuple[HeaderSpec, ...] = ()
    reset: str = ""
    allow_writes: bool = False
    reset_on_override: bool = False
    url_env: str = ""


@dataclass(frozen=True, slots=True)
class SourceRule:
    """Which documents a family, match policy and target apply to.

    :param paths: glob patterns relative to the config folder (``elasticsearch/**``).
    :param family: ``elasticsearch`` (error_trace, shard checks, warnings) or ``cloud``.
    :param match: the policy for examples whose page does not name one.
    :param target: the target name, or ``""`` for the default target.
    :param headers: headers sent with these sources' requests only (a cloud API's token), after
        and over the target's own.
    :param volatile: JSON paths whose values are never compared (``$.jobs[*].start-time``).
    :param rules: the Elasticsearch docs-test rules these pages are read with (``6.3``, ``6.8``,
        ``7.x``, ``8.x``, ``auto``), or ``""`` for the ``[elasticsearch]`` table's.
    """

    paths: tuple[str, ...]
    family: str = "elasticsearch"
    match: MatchPolicy = MatchPolicy.EXACT
    target: str = ""
    headers: tuple[HeaderSpec, ...] = ()
    volatile: tuple[str, ...] = ()
    rules: str = ""

    def covers(self, relative_path: str) -> bool:
        """Whether a path relative to the config folder matches one of the globs."""
        return any(_glob_match(relative_path, pattern) for pattern in self.paths)


@dataclass(frozen=True, slots=True)
class PublishSettings:
    """How ``publish`` and ``run`` build the site: the ``[publish]`` table.

    :param source_url: link template of every source ``file:line`` (``{path}``, ``{line}``);
        ``""`` shows them as text, never as a link into the builder's file system.
    :param theme: the Sphinx HTML theme (``""``: Sphinx's default, alabaster).
    :param theme_options: that theme's ``html_theme_options`` (strings, numbers, booleans).
    :param writer_notes: also show each page's notes for writers on the page itself (they are
        always on the site's "Notes for writers" page).
    """

    source_url: str = ""
    theme: str = ""
    theme_options: tuple[tuple[str, str | int | float | bool], ...] = ()
    writer_notes: bool = False


@dataclass(frozen=True, slots=True)
class Config:
    """The whole project configuration.

    :param path: the configuration file.
    :param sources: the folders and files under test, relative to the config folder.
    :param default_target: the target for sources that name none.
    :param targets: the targets by name.
    :param rules: source rules, first match wins.
    :param variables: placeholder values by name.
    :param setups: named setups as console text.
    :param teardowns: named teardowns as console text.
    :param multipart: the form fields a table-form setup or teardown uploads, keyed ``setups.x`` /
        ``teardowns.x`` (``[setups.x] multipart = {...}``; file paths resolved from the config folder).
    :param captures: what a table-form setup or teardown captures from its last answer, keyed the same way.
    :param ignore: the error statuses a table-form setup or teardown takes as done, keyed the same way
        (``ignore = [409]``, as Elasticsearch's client ``ignore``: a cancel of a job that has already ended).
    :param publish: the ``[publish]`` settings of the site.
    :param lines: where things start in the file, for error messages: ``setups.x``,
        ``teardowns.x``, ``reset.target``, ``header.target.Name``, ``source.N.Name`` (the
        header ``Name`` of the ``N``-th ``[[sources]]`` entry, 0-based), ``expected_unconverted``.
    :param elasticsearch: the ``[elasticsearch]`` table: docs-test rules and attribute values.
    :param expected_unconverted: pages (relative to this folder) allowed to hold ``js``/``curl``
        snippets that are neither CONSOLE nor NOTCONSOLE; ``None`` when the check is off.
    :param cache_dir: ``[docharness] cache_dir``: the extraction cache's folder as written (relative
        to this file's folder); ``""`` for the default, ``.docharness_cache`` beside this file.
    """

    path: Path
    sources: tuple[str, ...] = (".",)
    default_target: str = "reference"
    targets: dict[str, TargetConfig] = field(default_factory=dict)
    rules: tuple[SourceRule, ...] = ()
    variables: dict[str, str] = field(default_factory=dict)
    setups: dict[str, str] = field(default_factory=dict)
    teardowns: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    multipart: dict[str, tuple[FormPart, ...]] = field(default_factory=dict)
    captures: dict[str, tuple[Capture, ...]] = field(default_factory=dict)
    ignore: dict[str, tuple[int, ...]] = field(default_factory=dict)
    elasticsearch: Dialect = AUTO
    expected_unconverted: tuple[str, ...] | None = None
    publish: PublishSettings = PublishSettings()
    cache_dir: str = ""

    @property
    def root(self) -> Path:
        """The folder relative paths are taken from."""
        return self.path.parent

    def rule_for(self, relative_path: str) -> SourceRule:
        """The first source rule covering a document path (relative to the config folder)."""
        for rule in self.rules:
            if rule.covers(relative_path):
                return rule
        return SourceRule(paths=("**",))

    def target_for(self, relative_path: str) -> TargetConfig:
        """The target a document goes to: its rule's target, else the default one."""
        name = self.rule_for(relative_path).target or self.default_target
        return self.targets[name]

    def dialect_for(self, relative_path: str) -> Dialect:
        """The rules and attribute values for a document path (relative to the config folder)."""
        rules = self.rule_for(relative_path).rules
        if not rules or rules == self.elasticsearch.rules:
            return self.elasticsearch
        return dataclasses.replace(self.elasticsearch, rules=rules)

    def dialect_at(self, path: Path) -> Dialect:
        """``dialect_for`` a file given by its path (absolute, or relative to the current folder)."""
        try:
            # as written, as rule_for sees it in replay: a symlinked page is not read under another folder's rules
            relative = Path(os.path.abspath(path)).relative_to(os.path.abspath(self.root)).as_posix()
        except ValueError:  # outside the config folder: the table's own rules
            return self.elasticsearch
        return self.dialect_for(relative)

    def source_paths(self) -> list[Path]:
        """The sources under test as paths (each one listed outside the configuration's folder is a
        docs root of its own: a page whose real path leaves it is not read)."""
        return [self.root / s for s in self.sources]


def _glob_match(path: str, pattern: str) -> bool:
    """Glob with ``**`` spanning folders; ``folder/**`` covers everything below ``folder``."""
    if pattern.endswith("/**") and (path == pattern[:-3] or path.startswith(pattern[:-2])):
        return True
    return fnmatch.fnmatchcase(path, pattern)
