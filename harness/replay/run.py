"""A whole replay: documents planned, their tests run in order, one ``RunResult`` back.

``Replay`` is the session object shared by the command line and the pytest
plugin: it starts the targets (the embedded reference server when configured),
parses the named setups once, plans each document and keeps one runner (one
connection) per document. ``run`` drives it over many documents with ``-k``
selection, ``-x`` and Ctrl-C handling, reporting progress through a callback —
replay never prints.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from harness.config import Config, ConfigError, SourceRule, load_config
from harness.model import Diagnostic, Document, Level, Request
from harness.parsers.source_lines import is_page_credential
from harness.replay.captures import Captured, declared_names, is_secret_name
from harness.replay.execute import DocumentRunner
from harness.replay.plan import PlannedTest, plan_document
from harness.replay.target import Target, Targets, parse_snippet
from harness.replay.variables import Variables
from harness.results import ExampleResult, Outcome, RunResult

__all__ = ["ENV_PREFIX", "Replay", "Replays", "document_diagnostics", "not_run", "page_credentials", "run",
           "run_diagnostics", "variable_values"]

ENV_PREFIX = "DOCHARNESS_VAR_"


def variable_values(config: Config, environ: Mapping[str, str], given: Mapping[str, str]) -> dict[str, str]:
    """Placeholder values: ``[variables]``, then ``DOCHARNESS_VAR_<NAME>`` variables, then ``--var NAME=VALUE``."""
    values = dict(config.variables)
    values.update({k[len(ENV_PREFIX):].lower(): v for k, v in environ.items() if k.startswith(ENV_PREFIX)
                   and len(k) > len(ENV_PREFIX)})
    values.update(given)
    return values


class Replay:
    """Targets, setups and per-document runners for one replay session.

    :param config: the project configuration.
    :param target_url: ``--target URL`` (or ``embedded``), overriding the configured targets.
    :param allow_writes: send state-changing requests to non-loopback targets.
    :param environ: where secrets are read (default ``os.environ``).
    :param document_root: the folder ``Document.path`` is relative to (default: the cwd).
    :param dry_run: plan only: no embedded server is started.
    :param variables: ``--var NAME=VALUE`` values, over the configured and environment ones.
    """

    def __init__(self, config: Config, *, target_url: str | None = None, allow_writes: bool = False,
                 environ: Mapping[str, str] | None = None, document_root: Path | None = None,
                 dry_run: bool = False, variables: Mapping[str, str] | None = None) -> None:
        self.config = config
        self.document_root = (document_root or Path.cwd()).resolve()
        environ = os.environ if environ is None else environ
        self.targets = Targets(config, override_url=target_url, allow_writes=allow_writes,
                               environ=environ, start_servers=not dry_run)
        values = variable_values(config, environ, variables or {})
        self.variables = Variables(values)
        for name, value in values.items():  # a variable named like a secret is one, as a capture is
            if is_secret_name(name):
                self.targets.redactor.add(value)
        self._runners: dict[str, DocumentRunner] = {}
        self._started = False
        # the run's own warnings, gathered from each document's runner when it is done (a teardown that did
        # not succeed): shown after the results, and kept in RunResult.diagnostics after the targets' notices
        self.notices: list[Diagnostic] = []
        self.setups = {n: self._named("setups", n, t) for n, t in config.setups.items()}
        self.teardowns = {n: self._named("teardowns", n, t) for n, t in config.teardowns.items()}
        # what table-form setups capture, by setup name (teardowns capture nothing anyone could use)
        self.captures = {key.split(".", 1)[1]: c for key, c in config.captures.items() if key.startswith("setups.")}

    def _named(self, table: str, name: str, text: str) -> tuple[Request, ...]:
        """A named setup's requests; a table-form setup's multipart fields go with its last request."""
        key = f"{table}.{name}"
        requests = parse_snippet(text, self.config, key)
        parts = self.config.multipart.get(key, ())
        if not parts:
            return requests
        if not requests or requests[-1].body is not None:
            raise ConfigError(f"[{key}] multipart needs a console request line without a body",
                              str(self.config.path), self.config.lines.get(key, 0),
                              'write console = "POST /path" and put the fields in multipart = {...}')
        return (*requests[:-1], replace(requests[-1], multipart=parts))

    def __enter__(self) -> Replay:
        self.start()
        return self

    def start(self) -> None:
        """Read secrets and start the embedded server (once); ``ConfigError`` when a secret is missing."""
        if not self._started:
            self.targets.__enter__()
            self._started = True

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every connection and stop the embedded server."""
        for runner in self._runners.values():
            runner.close()
            self.notices += runner.notices
        self._runners.clear()
        self.targets.close()
        self._started = False

    def _relative(self, document: Document) -> str:
        path = (self.document_root / document.path).resolve()
        try:
            return path.relative_to(self.config.root.resolve()).as_posix()
        except ValueError:
            return document.path

    def rule(self, document: Document) -> SourceRule:
        """The source rule (family, match policy, target) covering a document."""
        return self.config.rule_for(self._relative(document))

    def target(self, document: Document) -> Target:
        """The ready target a document goes to, with its source's own headers."""
        self.start()
        return self.targets.for_source(self.rule(document))

    def plan(self, document: Document) -> list[PlannedTest]:
        """The document's test items with their steps."""
        return plan_document(document, family=self.rule(document).family, setups=self.setups,
                             teardowns=self.teardowns, captures=self.captures, ignore=self.config.ignore,
                             no_shard_check=self.config.dialect_for(self._relative(document)).shard_check_exempt)

    def runner(self, document: Document) -> DocumentRunner:
        """The document's runner: one session, tests in order."""
        self.start()
        if document.path not in self._runners:
            for value in page_credentials(document):  # never sent; masked wherever a report quotes the page
                self.targets.redactor.add(value)
            rule = self.rule(document)
            dialect = self.config.dialect_for(self._relative(document))
            self._runners[document.path] = DocumentRunner(
                self.target(document), family=rule.family, policy=rule.match, variables=self.variables,
                redactor=self.targets.redactor, captured=Captured(declared_names(document, (
                    c for e in document.examples for name in e.setups for c in self.captures.get(name, ())))),
                volatile=rule.volatile, ignored_warnings=dialect.ignored_warnings)
        return self._runners[document.path]

    def finish(self, document: Document) -> None:
        """Close the document's connection."""
        runner = self._runners.pop(document.path, None)
        if runner is not None:
            runner.close()
            self.notices += runner.notices


class Replays:
    """Replay sessions keyed by configuration file, for runs spanning several projects (pytest).

    :param target_url: ``--target URL`` for every session, or ``None``.
    :param allow_writes: send state-changing requests to non-loopback targets.
    :param document_root: the folder ``Document.path`` is relative to.
    """

    def __init__(self, *, target_url: str | None, allow_writes: bool, document_root: Path,
                 variables: Mapping[str, str] | None = None) -> None:
        self.target_url, self.allow_writes, self.document_root = target_url, allow_writes, document_root
        self.variables = variables or {}
        self.sessions: dict[Path, Replay] = {}

    def for_config(self, config_path: Path) -> Replay:
        """The session of one configuration file (``ConfigError`` when it cannot be used)."""
        if config_path not in self.sessions:
            self.sessions[config_path] = Replay(load_config(config_path), target_url=self.target_url,
                                                allow_writes=self.allow_writes, document_root=self.document_root,
                                                variables=self.variables)
        return self.sessions[config_path]

    def close(self) -> None:
        """Close every session."""
        for session in self.sessions.values():
            session.close()


def page_credentials(document: Document) -> set[str]:
    """The credential values a page writes into its requests (``is_page_credential``): a failure shows the page's
    line, so the run's redactor masks them by value, as it masks the run's own secrets."""
    return {value.strip() for example in document.examples for request in example.requests
            for name, value in request.headers if is_page_credential(name, value)}


def not_run(test: PlannedTest, reason: str) -> ExampleResult:
    """The result of a test the run ended before."""
    return ExampleResult(document=test.document, name=test.example.name, span=test.example.span,
                         outcome=Outcome.NOT_RUN, reason=reason)


@functools.cache
def _version() -> str:
    try:
        return metadata.version("docharness")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def document_diagnostics(documents: Sequence[Document]) -> tuple[Diagnostic, ...]:
    """The documents' warnings and errors, in document and page order (info is left to extract)."""
    return tuple(d for document in documents for d in document.diagnostics if d.level is not Level.INFO)


def run_diagnostics(documents: Sequence[Document], replay: Replay) -> tuple[Diagnostic, ...]:
    """What ``RunResult.diagnostics`` holds: the documents' warnings and errors, the targets' notices, then the
    run's own (a teardown that did not succeed)."""
    return document_diagnostics(documents) + tuple(replay.targets.notices) + tuple(replay.notices)


def run(documents: Sequence[Document], replay: Replay, *, select: Callable[[str], bool] | None = None,
        exitfirst: bool = False, on_result: Callable[[ExampleResult], None] | None = None,
        on_document: Callable[[Document, list[ExampleResult]], None] | None = None) -> RunResult:
    """Replay every selected test of ``documents``; a Ctrl-C returns the partial result.

    ``ConfigError`` before anything is sent when a document's source needs a secret that is not set.
    """
    started = _now()
    for document in documents:  # a secret these documents need but the environment lacks: say so first
        replay.target(document)
    results: list[ExampleResult] = []
    plans = [(d, [t for t in replay.plan(d) if select is None or select(t.node_id)]) for d in documents]
    stop_reason = ""
    complete = True
    for document, tests in plans:
        done: list[ExampleResult] = []
        try:
            for test in tests:
                if stop_reason:
                    done.append(not_run(test, stop_reason))
                    continue
                result = replay.runner(document).run(test)
                done.append(result)
                if on_result is not None:
                    on_result(result)
                if exitfirst and result.outcome in (Outcome.FAILED, Outcome.ERROR):
                    stop_reason = f"not run: -x stopped the run after {result.node_id}"
        except KeyboardInterrupt:
            stop_reason, complete = "not run: the run was interrupted", False
            done += [not_run(t, stop_reason) for t in tests[len(done):]]
        finally:
            replay.finish(document)
        results += done
        if on_document is not None and tests:
            on_document(document, done)
    return RunResult(results=tuple(results), targets=replay.targets.labels, started=started, finished=_now(),
                     complete=complete, tool_version=_version(), diagnostics=run_diagnostics(documents, replay))
