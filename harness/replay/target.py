"""Targets at run time: URLs, resolved headers and secrets, and the embedded server.

The configuration names secrets by environment variable; here they are read.
A ``url = "embedded"`` target starts ``harness.server.ReferenceServer`` on a
free loopback port for the run; an unset secret variable then gets a random
per-run token that the server is told to accept. Every secret value is
registered with the run's ``Redactor`` before anything is sent or written.
"""

from __future__ import annotations

import secrets as random_secrets
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, replace
from typing import Any

from harness.config import EMBEDDED, EMBEDDED_RESET, URL, Config, ConfigError, HeaderSpec, SourceRule, TargetConfig
from harness.model import Diagnostic, Level, Request, Span
from harness.replay.safety import changes_state, is_loopback
from harness.report.redact import Redactor, mask_userinfo

__all__ = ["EMBEDDED_RESET", "Target", "Targets", "parse_snippet"]

# the reference server's own wipe: what ``--target embedded`` runs after every test


@dataclass(frozen=True, slots=True)
class Target:
    """One target ready to receive requests.

    :param name: the configured name.
    :param url: the base URL (the embedded server's real address once started).
    :param headers: the target's default headers with secret values filled in.
    :param secret_headers: lower-case names of headers that carry secrets (the source's included).
    :param source_headers: headers of the source rule whose documents use this target,
        sent after (and over) the target's own, but not with reset steps.
    :param timeout: seconds for every request.
    :param verify_tls: verify HTTPS certificates.
    :param allow_writes: may send state-changing requests although not on loopback.
    :param reset: the requests run after every test (already cleared of writes the target refuses).
    :param unavailable: why nothing can be sent (a ``url = { env = ... }`` whose variable is unset);
        its examples are then not run, with this reason.
    :param embedded: it is the built-in reference server, started for this run.
    """

    name: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    secret_headers: frozenset[str] = frozenset()
    source_headers: tuple[tuple[str, str], ...] = ()
    timeout: float = 10.0
    verify_tls: bool = True
    allow_writes: bool = False
    reset: tuple[Request, ...] = ()
    unavailable: str = ""
    embedded: bool = False

    @property
    def label(self) -> str:
        """``name=url``, as reports show the target (a password in the URL masked; ``name=unset``
        when it has no URL)."""
        return f"{self.name}={mask_userinfo(self.url) if self.url else 'unset'}"

    @property
    def writes_allowed(self) -> bool:
        """Whether state-changing requests may be sent (loopback, or an explicit opt-in)."""
        return self.allow_writes or is_loopback(self.url)


def parse_snippet(text: str, config: Config, key: str) -> tuple[Request, ...]:
    """Console text from the configuration as requests; a bad snippet is a ``ConfigError``."""
    from harness.parsers.console import parse_console  # the one console grammar

    line = config.lines.get(key, 0)
    # the configuration's own console text: PATCH is a request line here (console.CONFIG_METHODS)
    requests, diagnostics = parse_console(text.lstrip("\n"), Span(str(config.path), line + 1 if line else 1),
                                          patch=True)
    errors = [d for d in diagnostics if d.level.value == "error"]
    if errors:
        first = errors[0]
        raise ConfigError(f"{key}: {first.message}", str(config.path), first.span.line,
                          first.hint or "write METHOD path lines, each optionally followed by a JSON body")
    return requests


class Targets:
    """The run's targets by name, the embedded server's lifetime and the secrets to redact.

    :param config: the project configuration.
    :param override_url: ``--target URL``: every source goes there. The headers and timeout of
        its configured target are kept; the reset steps only with ``reset_on_override`` (a
        target's wipe belongs to that target), and ``--target embedded`` gets the reference
        server's own wipe.
    :param allow_writes: ``--allow-writes`` for every target.
    :param environ: where secrets are read from (``os.environ`` by the callers).
    :param start_servers: ``False`` for a dry run: the embedded server is not started and
        its URL shows as ``http://embedded``.
    """

    def __init__(self, config: Config, *, override_url: str | None = None, allow_writes: bool = False,
                 environ: Mapping[str, str], start_servers: bool = True) -> None:
        self.config, self.override_url, self.allow_writes, self.environ = config, override_url, allow_writes, environ
        self.start_servers = start_servers
        self.redactor = Redactor()
        # credentials in a target URL (--target http://user:PASS@host) are secrets in every form
        for url in (override_url or "", *(t.url for t in config.targets.values())):
            self.redactor.add_url(url)
        self.notices: list[Diagnostic] = []
        self._stack = ExitStack()
        self._targets: dict[str, Target] = {}
        self._sources: dict[int, _Headers] = {}
        self._generated: dict[str, str] = {}
        self._token: str | None = None
        self._server: Any = None

    def __enter__(self) -> Targets:
        try:
            self.notices.clear()
            effective = {name: self._effective(t) for name, t in self.config.targets.items()}
            own = {name: self._resolve(t.headers, t.url == EMBEDDED, f"target {name!r}", f"header.{name}")
                   for name, t in effective.items()}
            for index, rule in enumerate(self.config.rules):
                target = effective[rule.target or self.config.default_target]
                try:
                    self._sources[index] = self._resolve(rule.headers, target.url == EMBEDDED,
                                                         f"sources entry {index + 1} ({', '.join(rule.paths)})",
                                                         f"source.{index}")
                except ConfigError as missing:  # only an error if one of its documents is replayed
                    self._sources[index] = _Headers(missing=missing)
            for name, target_config in effective.items():
                self._targets[name] = self._ready(self.config.targets[name], target_config, own[name])
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    def close(self) -> None:
        """Stop the embedded server, if one was started."""
        self._stack.close()

    def get(self, name: str) -> Target:
        """The ready target of this name."""
        return self._targets[name]

    def for_source(self, rule: SourceRule) -> Target:
        """The target a source rule's documents go to, carrying that rule's own headers.

        ``ConfigError`` when a secret of the rule is missing from the environment.
        """
        target = self.get(rule.target or self.config.default_target)
        index = next((i for i, r in enumerate(self.config.rules) if r is rule), None)
        extra = self._sources.get(index, _Headers()) if index is not None else _Headers()
        if extra.missing is not None:
            raise extra.missing
        if not extra.values:
            return target
        return replace(target, source_headers=extra.values, secret_headers=target.secret_headers | extra.secret_names)

    @property
    def labels(self) -> tuple[str, ...]:
        """Every target as ``name=url``."""
        return tuple(t.label for t in self._targets.values())

    @property
    def server(self) -> Any:
        """The embedded ``ReferenceServer`` when one was started (tests read ``request_count``)."""
        return self._server

    def _effective(self, target_config: TargetConfig) -> TargetConfig:
        """The configured target with ``--target`` applied (its URL replaced)."""
        if not self.override_url:
            return target_config
        url = self.override_url if self.override_url == EMBEDDED else self.override_url.rstrip("/")
        return replace(target_config, url=url)

    def _resolve(self, specs: tuple[HeaderSpec, ...], embedded: bool, owner: str, line_key: str) -> _Headers:
        """Header values with secrets read from the environment (or made up per run for embedded)."""
        values: list[tuple[str, str]] = []
        secret_names: set[str] = set()
        for spec in specs:
            if not spec.is_secret:
                values.append((spec.name, spec.value))
                continue
            value = self.environ.get(spec.env, "")
            if not value and not embedded:
                raise ConfigError(f"environment variable {spec.env} is not set; {owner} sends it as the "
                                  f"{spec.name} header", str(self.config.path),
                                  self.config.lines.get(f"{line_key}.{spec.name}", 0),
                                  f"export {spec.env}=<value> (it is read from the environment only)")
            # one made-up value per variable, so the embedded server accepts it wherever it is sent
            value = value or self._generated.setdefault(spec.env, random_secrets.token_urlsafe(24))
            if embedded:
                self._token = self._token or value
            self.redactor.add(value)
            values.append((spec.name, value))
            secret_names.add(spec.name.lower())
        return _Headers(tuple(values), frozenset(secret_names))

    def _ready(self, configured: TargetConfig, target_config: TargetConfig, headers: _Headers) -> Target:
        embedded = target_config.url == EMBEDDED
        url = self._start_embedded(self._token) if embedded else target_config.url or self._url_from_env(configured)
        # the embedded server is on loopback, also in a dry run where its URL shows as http://embedded
        allow_writes = target_config.allow_writes or self.allow_writes or embedded
        unavailable = "" if url else (f"target {configured.name!r} has no URL: environment variable "
                                      f"{configured.url_env} is not set")
        reset = self._reset(configured, target_config, url, allow_writes) if url else ()
        return Target(name=target_config.name, url=url, headers=headers.values, secret_headers=headers.secret_names,
                      timeout=target_config.timeout, verify_tls=target_config.verify_tls,
                      allow_writes=allow_writes, reset=reset, unavailable=unavailable,
                      embedded=embedded)

    def _url_from_env(self, configured: TargetConfig) -> str:
        """The URL a ``url = { env = "NAME" }`` target reads at run time; empty when unset."""
        value = self.environ.get(configured.url_env, "").strip()
        if value and not URL.match(value):
            raise ConfigError(f"environment variable {configured.url_env} must hold an http(s) URL for target "
                              f"{configured.name!r}, got {value!r}", str(self.config.path),
                              self.config.lines.get(f"url.{configured.name}", 0),
                              f"export {configured.url_env}=http://127.0.0.1:8081 (or leave it unset: not run)")
        return value.rstrip("/")

    def _reset(self, configured: TargetConfig, effective: TargetConfig, url: str,
               allow_writes: bool) -> tuple[Request, ...]:
        """The target's reset steps as they apply to where its sources really go."""
        name = configured.name
        text = configured.reset
        if self.override_url == EMBEDDED and configured.url != EMBEDDED:
            text = EMBEDDED_RESET  # the wipe of the server that really receives the requests
        elif self.override_url and self.override_url != EMBEDDED and not configured.reset_on_override:
            if text.strip():
                self._notice(Level.INFO, "reset-not-run", f"the reset steps of target {name!r} are not run against "
                             f"--target {url}: they were written for {configured.url}", name,
                             "set reset_on_override = true on the target to run them there too")
            return ()
        reset = parse_snippet(text, self.config, f"reset.{name}") if text.strip() else ()
        writes = [r for r in reset if changes_state(r.method)]
        if writes and not (allow_writes or is_loopback(url)):
            self._notice(Level.WARNING, "reset-not-sent", f"the reset steps of target {name!r} were not sent: "
                         f"{writes[0].method.upper()} changes state and {url} is not on loopback", name,
                         "pass --allow-writes or set allow_writes = true for this target to send them")
            return ()
        return reset

    def _notice(self, level: Level, code: str, message: str, target: str, hint: str) -> None:
        line = self.config.lines.get(f"reset.{target}", 0) or 1
        self.notices.append(Diagnostic(level, code, message, Span(str(self.config.path), line), hint))

    def _start_embedded(self, token: str | None) -> str:
        """One reference server per run, shared by every embedded target."""
        if not self.start_servers:
            return "http://embedded"
        if self._server is None:
            from harness.server import (
                ReferenceServer,  # started only when a target needs it
            )

            self._server = self._stack.enter_context(ReferenceServer(host="127.0.0.1", port=0, token=token))
        return str(self._server.url)


@dataclass(frozen=True, slots=True)
class _Headers:
    """Resolved header values and the lower-case names of those that carry secrets.

    :param missing: why they could not be resolved (a secret not in the environment).
    """

    values: tuple[tuple[str, str], ...] = ()
    secret_names: frozenset[str] = frozenset()
    missing: ConfigError | None = None
