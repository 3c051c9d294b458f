"""The plan: which requests run, in which order and phase, for each test item.

Elasticsearch semantics (reference spec §5): one test per non-``continued``
TEST example. Before it: the file's TESTSETUP snippets (their named setups
first), then the test's named setups; then its requests and those of its
``continued`` followers (a follower's named setups pasted where it stands);
after it: the file's TEARDOWN snippets and the named teardowns; the target's
reset steps come last and are added by the runner. Problems found while
planning (unknown setup names, unsupported blocks, error diagnostics inside an
example) become the item's error instead of a crash.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from harness.model import (
    Capture,
    Document,
    Example,
    ExpectedResponse,
    Level,
    Request,
    Retry,
    Role,
    Span,
)
from harness.replay.catch import CATCH_NAMES, is_known_catch
from harness.results import Failure, FailureKind

__all__ = ["METHODS", "PlannedTest", "Step", "plan_document"]

METHODS = frozenset({"GET", "PUT", "POST", "HEAD", "OPTIONS", "DELETE", "PATCH"})
# the paths the Elasticsearch 6.x generator exempts from "is_false: _shards.failures" (7.x: _ml/datafeeds/)
_NO_SHARD_CHECK: tuple[str, ...] = ("_cat", "_xpack/ml/datafeeds/")
# what makes Elasticsearch's runner refuse the whole generated file, so that no test of the page runs there:
# a TESTRESPONSE appended to the setup (or teardown) section ("section [match] not supported"), and a
# warning: expected in that section, which has no "skip: features: warnings" (a warning diagnostic: the
# build itself lets both through)
_FILE_REJECTED = frozenset({"response-in-setup", "warning-in-setup"})


@dataclass(frozen=True, slots=True)
class Step:
    """One request of a test item and what its answer must satisfy.

    :param phase: ``setup``, ``test``, ``teardown`` or ``reset``.
    :param request: the request as parsed (placeholders still unfilled).
    :param origin: where it comes from (``setup:sensor_rollup_job``, ``TESTSETUP line_3``, ``line_42``).
    :param catch: the expected error (last request of a snippet only).
    :param warnings: expected ``Warning`` headers (every request of the snippet).
    :param check_shards: assert ``_shards.failures`` is false afterwards.
    :param expected: responses to match against this request's answer, in page order.
    :param variables: placeholder names the page declared for the request body.
    :param captures: values of this request's answer bound for the document's later requests.
    :param retry: send again until this condition holds.
    :param statuses: the success codes the page's status table documents, for an answer whose expected
        status the page does not state (several 2xx listed: any of them, never another 2xx).
    :param ignore: error statuses a setup or teardown step takes as done (``[teardowns.x] ignore = [409]``).
    """

    phase: str
    request: Request
    origin: str
    catch: str | None = None
    warnings: tuple[str, ...] = ()
    check_shards: bool = False
    expected: tuple[ExpectedResponse, ...] = ()
    variables: tuple[str, ...] = ()
    captures: tuple[Capture, ...] = ()
    retry: Retry | None = None
    statuses: tuple[int, ...] = ()
    ignore: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class PlannedTest:
    """One test item: its head example and every step it runs.

    :param document: the document's path.
    :param example: the head example (name and span of the item).
    :param steps: setup, test and teardown steps, in order (reset steps come from the target).
    :param skip: the skip reason, when the page says not to run it.
    :param problem: why it cannot run at all (an error outcome), or ``None``.
    """

    document: str
    example: Example
    steps: tuple[Step, ...] = ()
    skip: str | None = None
    problem: Failure | None = None

    @property
    def node_id(self) -> str:
        """``document::name``, as pytest and ``-k`` see it."""
        return f"{self.document}::{self.example.name}"


def plan_document(document: Document, *, family: str, setups: Mapping[str, tuple[Request, ...]],
                  teardowns: Mapping[str, tuple[Request, ...]],
                  captures: Mapping[str, tuple[Capture, ...]] | None = None,
                  no_shard_check: tuple[str, ...] = _NO_SHARD_CHECK,
                  ignore: Mapping[str, tuple[int, ...]] | None = None) -> list[PlannedTest]:
    """Every test item of a document, in page order, with its steps.

    :param captures: what a named setup (or teardown) captures from its last answer, by name.
    :param no_shard_check: the path prefixes without the shard-failure check (``Dialect.shard_check_exempt``).
    :param ignore: the error statuses a named setup or teardown takes as done, keyed ``setups.x`` /
        ``teardowns.x`` (``Config.ignore``).
    """
    planner = _Planner(document, family, setups, teardowns, no_shard_check)
    planner.captures = captures or {}
    planner.ignore = ignore or {}
    tests = [planner.test(i, e) for i, e in enumerate(document.examples) if e.role is Role.TEST and not e.continued]
    return tests + planner.stray_errors()


class _Planner:
    def __init__(self, document: Document, family: str, setups: Mapping[str, tuple[Request, ...]],
                 teardowns: Mapping[str, tuple[Request, ...]], no_shard_check: tuple[str, ...]) -> None:
        self.document, self.family, self.setups, self.teardowns = document, family, setups, teardowns
        self.no_shard_check = no_shard_check
        self.errors = [d for d in document.diagnostics if d.level is Level.ERROR or d.code in _FILE_REJECTED]
        self.claimed: set[int] = set()
        self.captures: Mapping[str, tuple[Capture, ...]] = {}
        self.ignore: Mapping[str, tuple[int, ...]] = {}
        # found once: every test of the file runs them
        self.roles = {role: [e for e in document.examples if e.role is role] for role in (Role.SETUP, Role.TEARDOWN)}
        # a cloud page's status table: its 2xx codes bound an answer whose own status the page does not give
        self.statuses = () if family == "elasticsearch" else tuple(sorted(
            {s.code for op in document.operations for s in op.status_codes if 200 <= s.code < 300}))

    def test(self, index: int, head: Example) -> PlannedTest:
        followers = self.followers(index)
        problems: list[Failure] = []
        steps = self.shared(Role.SETUP, "setup", problems)
        sends = any(f.requests for f in followers)  # a test of comments alone sends nothing: said, never passed
        for example in (head, *followers):
            steps += self.named(example.setups, self.setups, "setup", "setup", problems, example)
            if (example is not head or sends) and not example.requests and _only_comments(example.source):
                # the build's grammar reads the comments and no request: the snippet adds nothing, and its
                # responses are matched, as the runner's $body, against the last answer so far
                steps = _matching_last(steps, example.expected, example, problems)
                continue
            steps += self.own_steps(example, problems)
        steps += self.shared(Role.TEARDOWN, "teardown", problems)
        for example in (head, *followers):
            steps += self.named(example.teardowns, self.teardowns, "teardown", "teardown", problems, example)
        problems = self.diagnostic_problems(head, followers) + problems
        return PlannedTest(document=self.document.path, example=head, steps=tuple(steps),
                           skip=head.skip, problem=problems[0] if problems else None)

    def followers(self, index: int) -> list[Example]:
        out = []
        for example in self.document.examples[index + 1:]:
            if example.role is Role.TEST and example.continued:
                out.append(example)
            elif example.role is Role.TEST:
                break
        return out

    def shared(self, role: Role, phase: str, problems: list[Failure]) -> list[Step]:
        """The file's TESTSETUP (or TEARDOWN) snippets: run around every test."""
        steps: list[Step] = []
        for example in self.roles[role]:
            origin = f"{'TESTSETUP' if role is Role.SETUP else 'TEARDOWN'} {example.name}"
            if example.expected:
                problems.append(Failure(FailureKind.INVALID_EXAMPLE, f"a response is matched inside the {origin} "
                                        "section, which the Elasticsearch runner rejects", example.expected[0].span))
            if role is Role.SETUP:
                steps += self.named(example.setups, self.setups, "setup", "setup", problems, example)
            steps += _with_last(example.requests, lambda r, last: Step(
                phase, r, origin, captures=example.captures if last else (), retry=example.retry if last else None))
        return steps

    def named(self, names: Sequence[str], table: Mapping[str, tuple[Request, ...]], kind: str, phase: str,
              problems: list[Failure], example: Example) -> list[Step]:
        steps: list[Step] = []
        for name in names:
            if name not in table:
                known = ", ".join(sorted(table)) or "none configured"
                problems.append(Failure(FailureKind.UNKNOWN_SETUP, f"unknown named {kind} {name!r}"
                                        f"{_did_you_mean(name, table)} (known: {known}); "
                                        f"add it under [{kind}s] in docharness.toml",
                                        _directive_span(example, kind, name)))
                continue
            captured = self.captures.get(name, ()) if kind == "setup" else ()
            ignore = self.ignore.get(f"{kind}s.{name}", ())
            steps += _with_last(table[name], lambda r, last: Step(phase, r, f"{kind}:{name}", ignore=ignore,
                                                                   captures=captured if last else ()))
        return steps

    def own_steps(self, example: Example, problems: list[Failure]) -> list[Step]:
        if not example.requests:
            problems.append(Failure(FailureKind.INVALID_EXAMPLE, f"{example.name} holds no request to send",
                                    example.span))
            return []
        if example.catch is not None and not is_known_catch(example.catch):
            problems.append(Failure(FailureKind.INVALID_EXAMPLE, f"catch value [{example.catch}] not supported"
                                    f"{_did_you_mean(example.catch, CATCH_NAMES)}; use one of "
                                    f"{', '.join(CATCH_NAMES)} or /regex/",
                                    self.catch_span(example)))
        steps = []
        last = len(example.requests) - 1
        for position, request in enumerate(example.requests):
            if request.method.upper() not in METHODS:
                problems.append(Failure(FailureKind.INVALID_EXAMPLE, f"{request.method!r} blocks are not supported "
                                        "by docharness replay; write the request as METHOD path + body",
                                        request.span or example.span))
            at_end = position == last
            steps.append(Step("test", request, example.name, catch=example.catch if at_end else None,
                              warnings=example.warnings, check_shards=self.shard_check(example, request),
                              expected=example.expected if at_end else (), variables=example.variables,
                              captures=example.captures if at_end else (), retry=example.retry if at_end else None,
                              statuses=self.statuses if at_end else ()))
        return steps

    def catch_span(self, example: Example) -> Span:
        """The ``catch:`` value's place: the parser's own ``unknown-catch`` span (columns and all), else its line."""
        line = _directive_span(example, "catch", example.catch or "")
        found = [d.span for d in self.document.diagnostics if d.code == "unknown-catch" and d.span.line == line.line]
        return found[0] if found else line

    def shard_check(self, example: Example, request: Request) -> bool:
        if self.family != "elasticsearch" or example.skip_shard_failures:
            return False
        path = request.path.lstrip("/").split("?")[0]
        return not path.startswith(self.no_shard_check)

    def diagnostic_problems(self, head: Example, followers: Sequence[Example]) -> list[Failure]:
        """Error diagnostics that sit inside this test's snippets make it an error item."""
        out = []
        for index, diagnostic in enumerate(self.errors):
            if diagnostic.code in _FILE_REJECTED:
                self.claimed.add(index)
                out.append(Failure(FailureKind.INVALID_EXAMPLE, "Elasticsearch's runner refuses this whole page, so "
                                   f"none of its tests runs: {diagnostic.message}", diagnostic.span,
                                   expected=diagnostic.hint))
            elif any(_inside(diagnostic.span, e) for e in (head, *followers)):
                self.claimed.add(index)
                out.append(Failure(FailureKind.INVALID_EXAMPLE, diagnostic.message, diagnostic.span,
                                   expected=diagnostic.hint))
        return out

    def stray_errors(self) -> list[PlannedTest]:
        """Error diagnostics outside every test: one error item each, named after its line."""
        out = []
        for index, diagnostic in enumerate(self.errors):
            if index in self.claimed:
                continue
            example = Example(name=f"line_{diagnostic.span.line}", span=diagnostic.span)
            problem = Failure(FailureKind.INVALID_EXAMPLE, diagnostic.message, diagnostic.span, expected=diagnostic.hint)
            out.append(PlannedTest(document=self.document.path, example=example, problem=problem))
        return out


def _only_comments(source: str) -> bool:
    """Whether a snippet's text is ``# comment`` lines (and blank lines) alone: what the build's console
    grammar reads without a request and without an error (a lone ``#`` is no comment to it)."""
    lines = [line for line in source.split("\n") if line.strip()]
    return bool(lines) and all(line.startswith("#") and len(line) > 1 for line in lines)


def _matching_last(steps: list[Step], expected: Sequence[ExpectedResponse], example: Example,
                   problems: list[Failure]) -> list[Step]:
    """``steps`` with ``expected`` added to the last one's responses (the runner's ``$body`` is the last
    answer); a problem when there is no test request before them to answer."""
    if not expected:
        return steps
    if not steps or steps[-1].phase != "test":
        problems.append(Failure(FailureKind.INVALID_EXAMPLE, f"the response after {example.name} has no request "
                                "of this test before it to answer", expected[0].span or example.span))
        return steps
    last = steps[-1]
    return [*steps[:-1], replace(last, expected=(*last.expected, *expected))]


def _with_last(requests: Sequence[Request], make: Callable[[Request, bool], Step]) -> list[Step]:
    """One step per request; ``make`` is told which request is the last (it gets the captures)."""
    return [make(r, i == len(requests) - 1) for i, r in enumerate(requests)]


def _directive_span(example: Example, key: str, value: str) -> Span:
    """The directive line that says ``key:value`` (``setup:a,b``, ``catch:x``), else the block."""
    for directive in example.directives:
        for item in re.findall(rf"(?:^|\s){key}:(\S+)", directive.args):
            if value == item or value in item.split(","):
                return directive.span
    # a /regex/ catch may hold spaces: any directive naming the key and the value
    loose = [d for d in example.directives if f"{key}:" in d.args and value in d.args]
    return loose[0].span if loose else example.span


def _did_you_mean(value: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest known name, or ``""``."""
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _inside(span: Span, example: Example) -> bool:
    last = max([example.span.last_line, *(d.span.last_line for d in example.directives),
                *(e.span.last_line for e in example.expected if e.span)])
    return span.path == example.span.path and example.span.line <= span.line <= last
