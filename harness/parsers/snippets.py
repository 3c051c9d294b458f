"""From code blocks with directives to Examples: Elasticsearch's emit checks and generator rules.

A format scanner collects ``Snippet`` records (a code block, its language and
the directives attached to it). ``build_examples`` then does, per file and in
page order, what the build's emit step and generator do (reference §2.2, §4,
§5.3, §3.5-3.7): substitutions, the language and JSON checks, classification
into test / setup / teardown / response / nothing, and the placement rules
(continued, TESTSETUP first, TEARDOWN after it, responses after a test). Every
build error becomes an error Diagnostic; what the build lets through but the
runner would reject becomes a warning.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.model import (
    BodyKind,
    Capture,
    Diagnostic,
    Directive,
    Example,
    ExpectedResponse,
    Level,
    MatchPolicy,
    Retry,
    Role,
    Span,
    Substitution,
)
from harness.parsers.console import parse_console_detail
from harness.parsers.dialect import AUTO, Dialect, startyaml_problems
from harness.parsers.directives import ResponseArgs, TestArgs, merged_test_args
from harness.parsers.lenient_json import munge_response, quote_stash_tokens, response_json_error
from harness.parsers.source_lines import attach_source_lines
from harness.parsers.substitutions import (
    apply_substitutions,
    default_substitutions,
    uses_defaults,
)

# munge_response and quote_stash_tokens live in lenient_json (with the JSON reading they prepare): named here too
__all__ = ["Snippet", "attach_source_lines", "build_examples", "munge_response", "quote_stash_tokens"]

BAD_LANGUAGES = ("json", "javascript")
_ROLE, _EXPECTED = 2, 6  # where Example's role and expected sit in a draft (its field order)
# Examples and responses are built from positional arguments (speed): fail at import, not with
# shuffled fields, if the model's field order ever changes.
if [f.name for f in dataclasses.fields(Example)][:21] != [
        "name", "span", "role", "language", "source", "requests", "expected", "setups", "teardowns", "continued",
        "skip", "catch", "warnings", "skip_shard_failures", "substitutions", "directives", "testenv", "variables",
        "captures", "retry", "caption"] or [
        f.name for f in dataclasses.fields(ExpectedResponse)][:9] != [
        "source", "body", "body_kind", "status", "match", "skip", "substitutions", "span", "volatile"]:
    raise ImportError("harness.model's Example or ExpectedResponse fields changed order: update snippets.py")


@dataclass(slots=True, init=False)  # __init__ written out below
class Snippet:
    """A code block a format scanner found, and the directives attached to it.

    :param path: the source path.
    :param start: the opening fence line.
    :param end: the closing fence line (``0`` while still open).
    :param language: the block's language, or ``None`` when none was given.
    :param name: the ``id=`` name, or ``None``.
    :param lines: content lines, callouts stripped.
    :param console: ``True`` for CONSOLE, ``False`` for NOTCONSOLE, ``None`` for neither.
    :param test_args: one entry per ``TEST`` line.
    :param response_args: one entry per ``TESTRESPONSE`` line.
    :param substitutions: every ``s/.../.../`` of the block, in declaration order.
    :param marks: the directive lines as found: (name, args, line); their ``Directive`` values are made
        when an Example keeps them (``directives``), not for every block.
    :param testenv: the file's ``testenv`` in force.
    """

    path: str
    start: int
    end: int = 0
    language: str | None = None
    name: str | None = None
    lines: list[str] = field(default_factory=list)
    console: bool | None = None
    test: bool = False
    response: bool = False
    testsetup: bool = False
    teardown: bool = False
    test_args: list[TestArgs] = field(default_factory=list)
    response_args: list[ResponseArgs] = field(default_factory=list)
    substitutions: list[Substitution] = field(default_factory=list)
    marks: list[tuple[str, str, int]] = field(default_factory=list)
    testenv: str | None = None
    response_kind: BodyKind | None = None  # set by the JSON check, so responses are parsed once
    block_span: Span | None = None
    captures: list[Capture] = field(default_factory=list)  # CAPTURE[...] items, in page order
    retry: Retry | None = None  # RETRY[...]

    def __init__(self, path: str, start: int, end: int = 0, language: str | None = None, name: str | None = None,
                 testenv: str | None = None) -> None:
        """The block's place, language, name and testenv; everything else starts empty. Written out: the
        generated one calls a factory for each of the six lists, and a page makes a Snippet per block."""
        self.path, self.start, self.end, self.language, self.name, self.testenv = (
            path, start, end, language, name, testenv)
        self.lines, self.test_args, self.response_args, self.substitutions, self.marks, self.captures = (
            [], [], [], [], [], [])
        self.console = self.response_kind = self.block_span = self.retry = None
        self.test = self.response = self.testsetup = self.teardown = False

    @property
    def span(self) -> Span:
        """The block, opening to closing fence (made once: spans are compared and hashed, never mutated)."""
        if self.block_span is None or self.block_span.last_line != max(self.end, self.start):
            self.block_span = Span(self.path, self.start, 1, max(self.end, self.start), 0)
        return self.block_span

    @property
    def source_line_span(self) -> Span:
        """The ``[source,...]`` line (a snippet with a language always has it right above its fence)."""
        return Span(self.path, max(self.start - 1, 1), 1) if self.language is not None else self.span

    @property
    def directives(self) -> tuple[Directive, ...]:
        """The directive lines as found, each with its place."""
        return tuple(Directive(name, args, Span(self.path, line, 1)) for name, args, line in self.marks)

    def directive_span(self, *names: str, containing: str = "") -> Span:
        """The first attached directive line with one of ``names`` (and ``containing`` in its args)."""
        for name, args, line in self.marks:
            if name in names and containing in args:
                return Span(self.path, line, 1)
        return self.span

    @property
    def contents_span(self) -> Span:
        """Where the content lines sit (the fence line itself when the block has none)."""
        first = self.start + 1 if self.end > self.start + 1 else self.start
        return Span(self.path, first, 1, max(self.end - 1, first), 0)


@dataclass(slots=True)
class _FileState:
    """What the generator remembers within one file."""

    drafts: list[list[Any]] = field(default_factory=list)  # Example arguments in field order, built at the end
    previous: int | None = None  # index of the last test, setup or teardown draft
    names: set[str] = field(default_factory=set)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    modern: bool = False  # the file uses [source,console] / console-result
    dialect: Dialect = AUTO
    caption: Callable[[int], str] = lambda fence: ""  # the prose introducing the block whose fence is on a line

    def error(self, code: str, message: str, span: Span, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(Level.ERROR, code, message, span, hint))

    def warn(self, code: str, message: str, span: Span, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(Level.WARNING, code, message, span, hint))


def build_examples(snippets: Sequence[Snippet], path: str, dialect: Dialect = AUTO,
                   caption: Callable[[int], str] | None = None) -> tuple[tuple[Example, ...], list[Diagnostic]]:
    """Turn one file's snippets (page order) into Examples, with the build's checks as Diagnostics.

    :param dialect: the Elasticsearch version whose rules and attribute values apply.
    :param caption: gives each Example's caption from its opening fence's line (none: no captions).
    """
    state = _FileState(modern=any(s.language in ("console", "console-result") for s in snippets), dialect=dialect)
    if caption is not None:
        state.caption = caption
    defaults: tuple[Substitution, ...] = ()
    for snippet in snippets:
        source = "\n".join(snippet.lines) + "\n" if snippet.lines else ""
        # the defaults change nothing unless one matches: one search instead of five regex passes
        if uses_defaults(source):
            defaults = defaults or default_substitutions(path, None if dialect is AUTO else dialect.attributes())
            subs = defaults + tuple(snippet.substitutions)
        else:
            subs = tuple(snippet.substitutions)
        if subs:
            contents, problems = apply_substitutions(source, subs)
            state.diagnostics.extend(problems)
        else:
            contents = source
        drafts = len(state.drafts)
        if _emit_checks(snippet, contents, state):
            _classify(snippet, source, contents, state)
            if dialect.candidates and is_candidate(snippet, contents):
                state.diagnostics.append(Diagnostic(
                    Level.INFO, "unconverted-snippet", f"this {snippet.language} snippet looks like a request but is "
                    "neither CONSOLE nor NOTCONSOLE", snippet.span, "mark it // CONSOLE (a test) or // NOTCONSOLE"))
        if (snippet.captures or snippet.retry) and len(state.drafts) == drafts:
            name = "CAPTURE" if snippet.captures else "RETRY"
            state.warn("misplaced-directive", f"{name} on a block that is not a request snippet has no effect",
                       snippet.directive_span(name), "put it right after the request snippet whose answer it reads")
    for draft in state.drafts:
        draft[_EXPECTED] = tuple(draft[_EXPECTED])
    return tuple(Example(*draft) for draft in state.drafts), state.diagnostics


def _emit_checks(snippet: Snippet, contents: str, state: _FileState) -> bool:
    """The build's emit-time checks; ``False`` when the snippet cannot be used at all."""
    if snippet.language is None:
        if snippet.marks:
            state.error("missing-language", "Snippet missing a language: Elasticsearch's build requires one "
                        "on every code block it tests", snippet.span,
                        "write [source,js] (or [source,console]) on the line directly above the opening fence")
            return False
        state.warn("missing-language", "code block without a language: Elasticsearch's build fails with "
                   "\"Snippet missing a language\"", snippet.span,
                   "write [source,js] (or [source,txt] for a plain listing) directly above the opening fence")
        return False
    if snippet.language in ("sh", "shell") and snippet.console is False and "curl" not in contents:
        state.error("needless-notconsole", "No need for NOTCONSOLE if snippet doesn't contain `curl`",
                    snippet.directive_span("NOTCONSOLE"), "remove the // NOTCONSOLE line")
    if snippet.response and snippet.language in ("js", "console-result") and _response_skip(snippet) is None:
        _json_check(snippet, contents, state)
    return True


def is_candidate(snippet: Snippet, contents: str) -> bool:
    """A console candidate (reference §8): neither CONSOLE nor NOTCONSOLE, not a response, and ``js``
    or a ``sh``/``shell`` snippet holding ``curl``."""
    return snippet.console is None and not snippet.response and (
        snippet.language == "js" or snippet.language in ("sh", "shell") and "curl" in contents)


def _json_check(snippet: Snippet, contents: str, state: _FileState) -> None:
    # a block with no line at all is "null" to the build (valid); blank lines are text its JSON reader refuses
    exc, leniencies = response_json_error(contents) if snippet.lines else (None, ())
    snippet.response_kind = BodyKind.TEXT if exc else BodyKind.JSON
    # only what the page's own text says (trailing commas have always been tolerated quietly); an
    # escape a substitution wrote, such as a $body path's "\\.", is right as it is
    shown: list[tuple[str, int]] = []
    for text, what in leniencies:
        at = next((i for i, line in enumerate(snippet.lines) if text in line), -1) if text != "," else -1
        if at >= 0:
            shown.append((what, at))
    if shown:
        state.warn("lenient-json-response", f"the response is not strict JSON: {'; '.join(w for w, _ in shown)}; "
                   "Elasticsearch's build reads it, but other JSON readers do not",
                   Span(snippet.path, snippet.start + 1 + shown[0][1], 1), "write strict JSON")
    if exc is not None:
        lineno = getattr(exc, "lineno", 1)
        line = min(snippet.start + lineno, max(snippet.end - 1, snippet.start + 1))
        message = f"Invalid json in the response: {exc.args[0] if exc.args else exc}"
        hint = "substitute placeholders such as ... away with TESTRESPONSE[s/.../.../], or add TESTRESPONSE[skip:reason]"
        if contents.lstrip().startswith("HTTP/"):  # a whole HTTP message, status line and headers too
            message += " (it is written as an HTTP message: the build reads the status line and headers as JSON)"
            hint = "show only the body: the status and headers of a test response are not compared"
        if state.dialect.json_check:
            state.error("invalid-json-response", message, Span(snippet.path, line, 1), hint)
        else:  # the 8.x build does not check, but its runner cannot read the response
            state.warn("invalid-json-response", message + " (the 8.x build lets it pass; its runner fails the test)",
                       Span(snippet.path, line, 1), hint)


def _response_skip(snippet: Snippet) -> str | None:
    for args in reversed(snippet.response_args):  # the last skip: wins
        if args.skip is not None:
            return args.skip
    return None


def _classify(snippet: Snippet, source: str, contents: str, state: _FileState) -> None:
    """The generator's ``handleSnippet``: decide what the snippet is, check where it may be."""
    if snippet.language in BAD_LANGUAGES:
        state.error("bad-language", f"Use `js` instead of `{snippet.language}`", snippet.source_line_span,
                    f"write [source,js] instead of [source,{snippet.language}]")
        return
    if snippet.testsetup:
        if state.previous is not None:
            state.error("testsetup-not-first", "TESTSETUP wasn't first: it can only be used in the first "
                        "test snippet of a document", snippet.directive_span("TESTSETUP"),
                        "move this snippet above every other test")
        _add_test(snippet, source, contents, state, Role.SETUP)
    elif snippet.teardown:
        prev = state.drafts[state.previous][_ROLE] if state.previous is not None else None
        if prev not in (None, Role.SETUP):
            state.error("teardown-misplaced", "TEARDOWN must follow test setup or be first",
                        snippet.directive_span("TEARDOWN"),
                        "move the TEARDOWN snippet right after the TESTSETUP snippet (or first)")
        _add_test(snippet, source, contents, state, Role.TEARDOWN)
    elif snippet.response or snippet.language == "console-result" and state.dialect.console_forms:
        _add_response(snippet, source, contents, state)
    elif snippet.language == "js" and snippet.console is True and (
            state.dialect.strict_console or state.modern and state.dialect.rules == "auto"):
        why = "this page uses the 7.x forms" if state.modern else f"the {state.dialect.rules} rules"
        state.error("console-directive", "Use `[source,console]` instead of `// CONSOLE`",
                    snippet.directive_span("CONSOLE"), f"{why}: write [source,console] and drop // CONSOLE")
    elif snippet.test or snippet.console is True or snippet.language == "console" and state.dialect.console_forms:
        _add_test(snippet, source, contents, state, Role.TEST)


def _add_test(snippet: Snippet, source: str, contents: str, state: _FileState, role: Role) -> None:
    args = merged_test_args(snippet.test_args)  # several TEST lines: lists accumulate, the last value wins
    name = snippet.name or f"line_{snippet.start}"
    if snippet.name is not None and name in state.names:
        state.error("duplicate-name", f"Duplicated snippet name '{name}'", snippet.source_line_span,
                    "give every id= a unique name")
    state.names.add(name)
    if args.continued:
        role = _check_continued(snippet, args, state, role)
    if args.warnings and role is not Role.TEST:
        state.warn("warning-in-setup", f"warning: on a {role.value} snippet breaks Elasticsearch's runner",
                   snippet.directive_span("TEST", containing="warning:"), "expect warnings only on test snippets")
    if role is Role.SETUP and args.setups and not state.dialect.since("6.4"):
        state.warn("setup-ignored", "TEST[setup:...] on a TESTSETUP snippet is ignored by the 6.3 build",
                   snippet.directive_span("TEST", containing="setup:"), "run the named setup from each test instead")
        args = dataclasses.replace(args, setups=())
    # a skipped test is never sent, so the runner never reads its bodies
    parsed = parse_console_detail(contents, snippet.contents_span, check_bodies=args.skip is None,
                                  substituted=contents != source)
    state.diagnostics += [*parsed.diagnostics, *startyaml_problems(state.dialect, parsed.requests)]
    catch = args.catch
    if catch is not None and not parsed.ends_with_request:
        catch = None  # the build gives it to no request: replay runs the test as the build does
        if not any(d.level is Level.ERROR for d in parsed.diagnostics):
            state.warn("lost-catch", f"catch:{args.catch} is lost: the snippet ends with a comment or a yaml block, "
                       "so no request gets it", snippet.directive_span("TEST", containing="catch:"),
                       "move the trailing # comment above the last request")
    state.drafts.append([  # Example's fields, in order (positional arguments are the cheapest to pass)
        name, snippet.span, role, snippet.language or "", source, parsed.requests, [], args.setups, args.teardowns,
        args.continued, args.skip, catch, args.warnings, args.skip_shard_failures,
        tuple(snippet.substitutions), snippet.directives, snippet.testenv, (), tuple(snippet.captures),
        snippet.retry, state.caption(snippet.start)])
    state.previous = len(state.drafts) - 1


def _check_continued(snippet: Snippet, args: TestArgs, state: _FileState, role: Role) -> Role:
    """The placement errors of ``continued``; the role the snippet takes (8.x: after a TEARDOWN, teardown)."""
    previous = state.drafts[state.previous][_ROLE] if state.previous is not None else None
    if previous is None:
        state.error("continued-first", "// TEST[continued] cannot be on first snippet in a file",
                    snippet.directive_span("TEST", containing="continued"),
                    "remove continued, or move this snippet after the test it continues")
    elif previous is Role.TEARDOWN and state.dialect.rules == "8.x":
        # the Java port's check for this is dead (it tests for TESTSETUP twice): the requests join the teardown
        state.warn("continued-after-teardown", "// TEST[continued] right after // TEARDOWN: the 8.x build "
                   "appends these requests to the TEARDOWN section, so they run after every test of the page",
                   snippet.directive_span("TEST", containing="continued"),
                   "drop continued to make it a test of its own, or write // TEARDOWN on it if it is teardown")
        role = Role.TEARDOWN
    elif previous is not Role.TEST:
        which = "TESTSETUP" if previous is Role.SETUP else "TEARDOWN"
        state.error("continued-after-setup", f"// TEST[continued] cannot immediately follow // {which}",
                    snippet.directive_span("TEST", containing="continued"),
                    "put a test snippet between them, or drop continued")
    if args.skip is not None:
        state.error("continued-skipped", "Continued snippets can't be skipped",
                    snippet.directive_span("TEST", containing="skip:"),
                    "drop skip: here; skipping the test it continues skips this snippet too")
    return role


def _add_response(snippet: Snippet, source: str, contents: str, state: _FileState) -> None:
    if state.previous is None:
        state.error("response-without-test", "TESTRESPONSE has no preceding test in this file",
                    snippet.directive_span("TESTRESPONSE"),
                    "put the response right after the request snippet it answers")
        return
    target = state.drafts[state.previous]
    if target[_ROLE] is not Role.TEST:
        state.error("response-in-setup", f"a TESTRESPONSE right after a {target[_ROLE].value} snippet cannot be "
                    "matched (the runner rejects it)", snippet.directive_span("TESTRESPONSE"),
                    "attach responses to test snippets only")
        return
    given = snippet.response_args  # most responses have no TESTRESPONSE[...] items
    non_json = any(a.non_json for a in given) if given else False
    kind = BodyKind.TEXT if non_json else snippet.response_kind or _response_kind(contents)
    body = contents if contents.strip() else None
    if not snippet.lines and not non_json:
        # no line between the fences: the build generates "$body: null" (Groovy's contents are "null", the Java
        # port's are empty), which only an answer without a body meets; compared, never skipped
        body, kind = "null", BodyKind.JSON
    policies = [a.policy for a in given if a.policy is not None] if given else ()
    expected = ExpectedResponse(
        source, body, kind, None,
        MatchPolicy.NON_JSON if non_json else policies[-1] if policies else None,
        _response_skip(snippet), tuple(snippet.substitutions), snippet.span,
        tuple(p for a in given for p in a.volatile) if given else ())
    target[_EXPECTED].append(expected)


def _response_kind(contents: str) -> BodyKind:
    return BodyKind.JSON if contents.strip() and response_json_error(contents)[0] is None else BodyKind.TEXT

