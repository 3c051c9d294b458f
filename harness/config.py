"""The project configuration: ``docharness.toml`` read into plain frozen data.

One TOML file in ``docs_src/`` says which target serves which sources, the
variables that fill placeholders, how secrets come in (environment-variable
names only, never values), the match policy per source, named setups and
teardowns (console snippets, parsed later with the one console grammar), and
each target's reset steps. Loading never touches the network or the
environment: secrets are resolved by replay at run time.

A bad file raises ``ConfigError`` carrying the file, the line when one can be
found, and what to do; the command line turns it into exit status 2.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.model import Capture, FormPart, MatchPolicy, Span
from harness.parsers.json_paths import path_error
from harness.parsers.live_directives import valid_source

__all__ = [
    "CONFIG_NAME",
    "EMBEDDED",
    "Config",
    "ConfigError",
    "HeaderSpec",
    "SourceRule",
    "TargetConfig",
    "embedded_config",
    "find_config",
    "load_config",
    "parse_config",
]

CONFIG_NAME = "docharness.toml"
# the reference server's wipe, run after every test on an embedded target
EMBEDDED_RESET = "POST /_reference/reset\n"
EMBEDDED = "embedded"
FAMILIES = ("elasticsearch", "cloud")
DEFAULT_TIMEOUT = 10.0
URL = re.compile(r"https?://[^/\s]+")


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
    """

    paths: tuple[str, ...]
    family: str = "elasticsearch"
    match: MatchPolicy = MatchPolicy.EXACT
    target: str = ""
    headers: tuple[HeaderSpec, ...] = ()
    volatile: tuple[str, ...] = ()

    def covers(self, relative_path: str) -> bool:
        """Whether a path relative to the config folder matches one of the globs."""
        return any(_glob_match(relative_path, pattern) for pattern in self.paths)


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
    :param lines: where things start in the file, for error messages: ``setups.x``,
        ``teardowns.x``, ``reset.target``, ``header.target.Name``, ``source.N.Name`` (the
        header ``Name`` of the ``N``-th ``[[sources]]`` entry, 0-based).
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

    def source_paths(self) -> list[Path]:
        """The sources under test as paths."""
        return [self.root / s for s in self.sources]


def embedded_config(path: Path) -> Config:
    """The configuration used when no file exists: everything to the embedded server."""
    target = TargetConfig(name="reference", url=EMBEDDED, reset=EMBEDDED_RESET)
    return Config(path=path, targets={"reference": target})


def find_config(start: Path) -> Path | None:
    """The nearest ``docharness.toml`` in ``start`` (a file's folder or a folder) or above it."""
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path) -> Config:
    """Read and check one configuration file; raise ``ConfigError`` when it cannot be used."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the configuration: {exc}", str(path),
                          hint="check the path and that the file is UTF-8 text") from exc
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> Config:
    """Build a ``Config`` from TOML text; ``path`` places errors and relative paths."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        raise ConfigError(f"invalid TOML: {exc}", str(path), int(found.group(1)) if found else 0,
                          hint="fix the TOML syntax at that line") from exc
    return _Reader(text, str(path)).config(data, path)


class _Reader:
    """Checks the decoded TOML table by table, pointing errors at the key's line."""

    def __init__(self, text: str, path: str) -> None:
        self.lines = text.splitlines()
        self.path = path

    def fail(self, message: str, key: str, hint: str) -> ConfigError:
        return ConfigError(message, self.path, self.line_of(key), hint)

    def line_of(self, key: str, after: int = 0) -> int:
        """The first line after line ``after`` that defines ``key`` (tomllib gives no positions)."""
        pattern = re.compile(rf"^\s*(\[+\s*)?[\"']?{re.escape(key)}[\"']?\s*(=|\]|\.)")
        for number, line in enumerate(self.lines[after:], start=after + 1):
            if pattern.search(line):
                return number
        return 0

    def line_mentioning(self, text: str) -> int:
        """The first line holding ``text`` (an inline table's key such as ``headers = { Name = ... }``)."""
        return next((number for number, line in enumerate(self.lines, start=1) if text in line), 0)

    def config(self, data: dict[str, Any], path: Path) -> Config:
        main = self.table(data, "docharness")
        targets = {name: self.target(name, value) for name, value in self.table(data, "targets").items()}
        if not targets:
            targets = dict(embedded_config(path).targets)
        default = self.string(main, "default_target", "docharness", next(iter(targets)))
        if default not in targets:
            raise self.fail(f"default_target {default!r} is not a configured target", "default_target",
                            f"add a [targets.{default}] table or use one of: {', '.join(sorted(targets))}")
        rules = tuple(self.rule(i, r, targets) for i, r in enumerate(self.array(data, "sources")))
        sources = main.get("sources", ["."])
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            raise self.fail("docharness.sources must be a list of paths", "sources",
                            'write sources = ["folder", ...] relative to this file')
        setups, teardowns = self.snippets(data, "setups", path), self.snippets(data, "teardowns", path)
        return Config(path=path, sources=tuple(sources), default_target=default, targets=targets, rules=rules,
                      variables=self.strings(data, "variables"), setups=setups[0], teardowns=teardowns[0],
                      lines=self.snippet_lines(data, targets, rules), multipart={**setups[1], **teardowns[1]},
                      captures={**setups[2], **teardowns[2]})

    def snippets(self, data: dict[str, Any], key: str, path: Path) -> tuple[
            dict[str, str], dict[str, tuple[FormPart, ...]], dict[str, tuple[Capture, ...]]]:
        """``[setups]`` / ``[teardowns]``: console text, or a table with ``console``, ``multipart``, ``capture``."""
        texts: dict[str, str] = {}
        parts: dict[str, tuple[FormPart, ...]] = {}
        captures: dict[str, tuple[Capture, ...]] = {}
        for name, value in self.table(data, key).items():
            if not isinstance(value, dict):
                texts[name] = self.strings({key: {name: value}}, key)[name]
                continue
            where = f"{key}.{name}"
            line = self.line_of(name, self.line_of(key)) or self.line_of(where)
            unknown = set(value) - {"console", "multipart", "capture"}
            if unknown or not isinstance(value.get("console"), str):
                raise ConfigError(f"[{where}] takes console = \"...\", and optionally multipart and capture"
                                  + (f"; unknown: {', '.join(sorted(unknown))}" if unknown else ""), self.path, line,
                                  f'write [{where}] with console = "POST /path" and multipart = {{ field = '
                                  '{ file = "relative/path" } }')
            texts[name] = value["console"]
            parts[where] = tuple(self.form_part(where, k, v, path) for k, v in self.table(value, "multipart").items())
            span = Span(str(path), line or 1)
            captures[where] = tuple(self.capture(where, k, v, span) for k, v in self.table(value, "capture").items())
        return texts, parts, captures

    def form_part(self, where: str, name: str, value: Any, path: Path) -> FormPart:
        if isinstance(value, str):
            return FormPart(name, value=value)
        if isinstance(value, dict) and isinstance(value.get("file"), str) and value["file"] and set(value) <= {
                "file", "content_type"} and isinstance(value.get("content_type", ""), str):
            return FormPart(name, file=str((path.parent / value["file"]).resolve()),
                            content_type=value.get("content_type", ""))
        raise ConfigError(f"{where}.multipart.{name} must be a string or {{ file = \"...\", content_type = \"...\" }}",
                          self.path, self.line_mentioning(f"{name} ="), f'write {name} = {{ file = '
                          '"relative/to/this/config.jar", content_type = "application/octet-stream" }')

    def capture(self, where: str, name: str, value: Any, line: Span) -> Capture:
        if isinstance(value, str) and valid_source(value):
            return Capture(name, value, line)
        raise ConfigError(f"{where}.capture.{name} must be $body.path or $header.Name, got {value!r}", self.path,
                          self.line_mentioning(f"{name} ="),
                          f'write {name} = "$body.filename" (list positions are numbers: "$body.files.0.id")')

    def snippet_lines(self, data: dict[str, Any], targets: dict[str, TargetConfig],
                      rules: tuple[SourceRule, ...]) -> dict[str, int]:
        """Where each console snippet of the file starts, keyed ``setups.x`` / ``teardowns.x`` / ``reset.t``."""
        # a key is looked up after its own table's header: two targets both have a `reset`, and a
        # setup and a teardown may share a name
        lines = {f"{table}.{name}": self.line_of(name, self.line_of(table)) or self.line_of(f"{table}.{name}")
                 for table in ("setups", "teardowns") for name in self.table(data, table)}
        for name, target in targets.items():
            start = self.line_of(f"targets.{name}")
            lines[f"reset.{name}"], lines[f"url.{name}"] = self.line_of("reset", start), self.line_of("url", start)
            headers = self.line_of(f"targets.{name}.headers", start) or start
            lines.update({f"header.{name}.{h.name}": self.line_of(h.name, headers) for h in target.headers})
        lines.update({f"source.{index}.{h.name}": self.line_of(h.name) or self.line_mentioning(h.name)
                      for index, rule in enumerate(rules) for h in rule.headers})
        return lines

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(f"[{key}] must be a table", key, f"write it as a [{key}] section")
        return value

    def array(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(f"{key} must be an array of tables", key, f"write each entry as [[{key}]]")
        return value

    def strings(self, data: dict[str, Any], key: str) -> dict[str, str]:
        table = self.table(data, key)
        for name, value in table.items():
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                raise self.fail(f"[{key}] {name} must be a string", name, f'write {name} = "..."')
        return {name: str(value) for name, value in table.items()}

    def string(self, table: dict[str, Any], key: str, where: str, default: str) -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            raise self.fail(f"{where}.{key} must be a string", key, f'write {key} = "..."')
        return value

    def target(self, name: str, table: Any) -> TargetConfig:
        where = f"targets.{name}"
        if not isinstance(table, dict):
            raise self.fail(f"[{where}] must be a table", name, f"write [{where}] with url = ...")
        url, url_env = self.url(table, where)
        timeout = table.get("timeout", DEFAULT_TIMEOUT)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise self.fail(f"{where}.timeout must be a positive number of seconds", "timeout", "write timeout = 10.0")
        flags = {}
        for key, default in (("verify_tls", True), ("allow_writes", False), ("reset_on_override", False)):
            flags[key] = table.get(key, default)
            if not isinstance(flags[key], bool):
                raise self.fail(f"{where}.{key} must be true or false", key, f"write {key} = {str(default).lower()}")
        headers = tuple(self.header(where, k, v) for k, v in self.table(table, "headers").items())
        return TargetConfig(name=name, url=url.rstrip("/"), url_env=url_env, timeout=float(timeout),
                            verify_tls=flags["verify_tls"], headers=headers, reset=self.string(table, "reset", where, ""),
                            allow_writes=flags["allow_writes"], reset_on_override=flags["reset_on_override"])

    def url(self, table: dict[str, Any], where: str) -> tuple[str, str]:  # (the URL, or the variable it is read from)
        value = table.get("url", "")
        if isinstance(value, dict) and set(value) == {"env"} and re.fullmatch(r"[A-Za-z_]\w*", str(value["env"])):
            return "", str(value["env"])
        if isinstance(value, str) and (value == EMBEDDED or URL.match(value)):
            return value, ""
        raise self.fail(f"{where}.url must be 'embedded' or an http(s) URL (or {{ env = NAME }}, one environment "
                        f"variable), got {value!r}", "url", 'url = "embedded", "https://host:9200" or { env = "X_URL" }')

    def header(self, where: str, name: str, value: Any) -> HeaderSpec:
        if isinstance(value, str):
            return HeaderSpec(name=name, value=value)
        if isinstance(value, dict) and set(value) == {"env"} and isinstance(value["env"], str) and value["env"]:
            return HeaderSpec(name=name, env=value["env"])
        raise ConfigError(f"{where}.headers.{name} must be a string or {{ env = \"VARIABLE\" }}", self.path,
                          self.line_of(name) or self.line_mentioning(f"{name} ="),
                          f'secrets come from the environment only: {name} = {{ env = "DOCHARNESS_TOKEN" }}')

    def rule(self, index: int, table: dict[str, Any], targets: dict[str, TargetConfig]) -> SourceRule:
        where = f"sources[{index}]"
        paths = table.get("paths")
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
            raise self.fail(f"{where}.paths must be a non-empty list of globs", "paths", 'write paths = ["folder/**"]')
        family = self.string(table, "family", where, "elasticsearch")
        if family not in FAMILIES:
            raise self.fail(f"{where}.family {family!r} is unknown", "family", f"use one of: {', '.join(FAMILIES)}")
        match = self.string(table, "match", where, "exact")
        policies = [p.value for p in MatchPolicy]
        if match not in policies:
            raise self.fail(f"{where}.match {match!r} is unknown", "match", f"use one of: {', '.join(policies)}")
        target = self.string(table, "target", where, "")
        if target and target not in targets:
            raise self.fail(f"{where}.target {target!r} is not a configured target", "target",
                            f"add [targets.{target}] or use one of: {', '.join(sorted(targets))}")
        headers = tuple(self.header(where, k, v) for k, v in self.table(table, "headers").items())
        volatile = table.get("volatile", [])
        problems = [path_error(v) if isinstance(v, str) else f"{v!r} is not a string" for v in volatile] \
            if isinstance(volatile, list) else ["it is not a list"]
        if any(problems):
            raise self.fail(f"{where}.volatile: {next(p for p in problems if p)}", "volatile",
                            'write volatile = ["$.jobs[*].start-time", "$.now"]')
        return SourceRule(paths=tuple(paths), family=family, match=MatchPolicy(match), target=target, headers=headers,
                          volatile=tuple(volatile))


def _glob_match(path: str, pattern: str) -> bool:
    """Glob with ``**`` spanning folders; ``folder/**`` covers everything below ``folder``."""
    if pattern.endswith("/**") and (path == pattern[:-3] or path.startswith(pattern[:-2])):
        return True
    return fnmatch.fnmatchcase(path, pattern)
