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

import os
import re
from pathlib import Path
from typing import Any

from harness.config_file import CONFIG_NAME, find_config
from harness.config_keys import UnknownKey, check_keys
from harness.config_types import (
    DEFAULT_TIMEOUT,
    Config,
    ConfigError,
    HeaderSpec,
    PublishSettings,
    SourceRule,
    TargetConfig,
)
from harness.model import Capture, FormPart, MatchPolicy, Span
from harness.parsers.dialect import RULES, Dialect, dialect_from_table, rules_for, unconverted_from_table
from harness.parsers.json_paths import path_error
from harness.parsers.live_directives import valid_source

__all__ = [
    "CONFIG_NAME",
    "EMBEDDED",
    "Config",
    "PublishSettings",
    "ConfigError",
    "HeaderSpec",
    "SourceRule",
    "TargetConfig",
    "embedded_config",
    "find_config",
    "load_config",
    "parse_config",
]

# the reference server's wipe, run after every test on an embedded target
EMBEDDED_RESET = "POST /_reference/reset\n"
EMBEDDED = "embedded"
FAMILIES = ("elasticsearch", "cloud")
URL = re.compile(r"https?://[^/\s]+")


def embedded_config(path: Path) -> Config:
    """The configuration used when no file exists: everything to the embedded server."""
    target = TargetConfig(name="reference", url=EMBEDDED, reset=EMBEDDED_RESET)
    return Config(path=path, targets={"reference": target})


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
    import tomllib  # here: a run without a configuration file (extract of a folder) starts without it

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        raise ConfigError(f"invalid TOML: {exc}", str(path), int(found.group(1)) if found else 0,
                          hint="fix the TOML syntax at that line") from exc
    reader = _Reader(text, str(path))
    try:
        check_keys(data, text, reader.line_of)  # a misspelt key is an error, never ignored
    except UnknownKey as exc:
        raise ConfigError(exc.message, str(path), exc.line, exc.hint) from exc
    return reader.config(data, path)


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
        elasticsearch, unconverted = self.elasticsearch(self.table(data, "elasticsearch"))
        lines = self.snippet_lines(data, targets, rules)
        lines["expected_unconverted"] = self.line_of("expected_unconverted")
        return Config(path=path, sources=tuple(sources), default_target=default, targets=targets, rules=rules,
                      variables=self.strings(data, "variables"), setups=setups[0], teardowns=teardowns[0],
                      lines=lines, multipart={**setups[1], **teardowns[1]},
                      captures={**setups[2], **teardowns[2]}, ignore={**setups[3], **teardowns[3]},
                      elasticsearch=elasticsearch,
                      expected_unconverted=unconverted, publish=self.publish(self.table(data, "publish")),
                      cache_dir=self.string(main, "cache_dir", "docharness", ""))

    def snippets(self, data: dict[str, Any], key: str, path: Path) -> tuple[
            dict[str, str], dict[str, tuple[FormPart, ...]], dict[str, tuple[Capture, ...]], dict[str, tuple[int, ...]]]:
        """``[setups]`` / ``[teardowns]``: console text, or a table with ``console``, ``multipart``, ``capture``,
        ``ignore``."""
        texts: dict[str, str] = {}
        parts: dict[str, tuple[FormPart, ...]] = {}
        captures: dict[str, tuple[Capture, ...]] = {}
        ignored: dict[str, tuple[int, ...]] = {}
        for name, value in self.table(data, key).items():
            if not isinstance(value, dict):
                texts[name] = self.strings({key: {name: value}}, key)[name]
                continue
            where = f"{key}.{name}"
            line = self.line_of(name, self.line_of(key)) or self.line_of(where)
            unknown = set(value) - {"console", "multipart", "capture", "ignore"}
            if unknown or not isinstance(value.get("console"), str):
                raise ConfigError(f"[{where}] takes console = \"...\", and optionally multipart, capture and ignore"
                                  + (f"; unknown: {', '.join(sorted(unknown))}" if unknown else ""), self.path, line,
                                  f'write [{where}] with console = "POST /path" and multipart = {{ field = '
                                  '{ file = "relative/path" } }')
            texts[name] = value["console"]
            parts[where] = tuple(self.form_part(where, k, v, path) for k, v in self.table(value, "multipart").items())
            span = Span(str(path), line or 1)
            captures[where] = tuple(self.capture(where, k, v, span) for k, v in self.table(value, "capture").items())
            if "ignore" in value:
                ignored[where] = self.statuses(where, value["ignore"], line)
        return texts, parts, captures, ignored

    def statuses(self, where: str, value: Any, line: int) -> tuple[int, ...]:
        """``ignore = [409]``: error statuses (400-599) the named snippet's requests take as done."""
        if isinstance(value, list) and value and all(type(v) is int and 400 <= v <= 599 for v in value):
            return tuple(value)
        raise ConfigError(f"{where}.ignore must be a list of error statuses (400-599), got {value!r}", self.path,
                          self.line_of("ignore", max(line - 1, 0)) or line,
                          "write ignore = [409] (the statuses that mean there is nothing left to do)")

    def form_part(self, where: str, name: str, value: Any, path: Path) -> FormPart:
        if isinstance(value, str):
            return FormPart(name, value=value)
        if isinstance(value, dict) and isinstance(value.get("file"), str) and value["file"] and set(value) <= {
                "file", "content_type"} and isinstance(value.get("content_type", ""), str):
            # absolute but not resolved: the path policy checks at upload time that no symlink leads out
            return FormPart(name, file=os.path.abspath(path.parent / value["file"]),
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

    def elasticsearch(self, table: dict[str, Any]) -> tuple[Dialect, tuple[str, ...] | None]:
        """The ``[elasticsearch]`` table: the dialect and the expected-unconverted pages."""
        try:
            return dialect_from_table(table), unconverted_from_table(table)
        except ValueError as exc:
            key, message, hint = exc.args
            raise self.fail(message, key, hint) from None

    def publish(self, table: dict[str, Any]) -> PublishSettings:
        options = table.get("theme_options", {})
        if not isinstance(options, dict) or not all(isinstance(v, (str, int, float, bool)) for v in options.values()):
            raise self.fail("publish.theme_options must be a table of strings, numbers and booleans",
                            "theme_options", 'write theme_options = { sidebar_width = "20em" }')
        notes = table.get("writer_notes", False)
        if not isinstance(notes, bool):
            raise self.fail("publish.writer_notes must be true or false", "writer_notes", "write writer_notes = true")
        return PublishSettings(source_url=self.string(table, "source_url", "publish", ""),
                               theme=self.string(table, "theme", "publish", ""),
                               theme_options=tuple(sorted(options.items())), writer_notes=notes)

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
        return TargetConfig(name=name, url=url.rstrip("/"), timeout=float(timeout), verify_tls=flags["verify_tls"],
                            headers=headers, reset=self.string(table, "reset", where, ""),
                            allow_writes=flags["allow_writes"], reset_on_override=flags["reset_on_override"],
                            url_env=url_env)

    def url(self, table: dict[str, Any], where: str) -> tuple[str, str]:
        """``url``: ``"embedded"``, an http(s) URL, or ``{ env = "NAME" }``; (the URL, the variable)."""
        value = table.get("url", "")
        if isinstance(value, dict) and set(value) == {"env"} and re.fullmatch(r"[A-Za-z_]\w*", str(value["env"])):
            return "", str(value["env"])
        if isinstance(value, str) and (value == EMBEDDED or URL.match(value)):
            return value, ""
        raise self.fail(f"{where}.url must be 'embedded', an http(s) URL or {{ env = NAME }} naming one environment"
                        f" variable, got {value!r}", "url", 'url = "embedded", "https://host:9200" or { env = "FLINK_URL" }')

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
        rules = self.string(table, "rules", where, "")
        try:
            rules = rules_for(rules) if rules else ""
        except ValueError:
            raise self.fail(f"{where}.rules {rules!r} names no known rule set", "rules",
                            f'write rules = "8.x" (one of {", ".join(RULES)}, or a version such as 6.3.2)') from None
        return SourceRule(paths=tuple(paths), family=family, match=MatchPolicy(match), target=target, headers=headers,
                          rules=rules, volatile=tuple(volatile))
