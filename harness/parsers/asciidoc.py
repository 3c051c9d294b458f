"""AsciiDoc pages with Elasticsearch's ``// CONSOLE`` / ``// TEST[...]`` directives.

The line scanner is Elasticsearch's (reference §2): each line is tested in the
build's order (testenv, fence, source line, directives, content, ``+``,
anything else emits the pending snippet). It only finds code blocks and the
directive text attached to them; the directive grammar lives in
``directives``, the build's emit and generator rules in ``snippets``, the page
metadata in ``asciidoc_meta``. Where the build silently drops something (a
malformed directive line, adjacent blocks, a blank line before a directive) a
warning or a hint says so.
"""

from __future__ import annotations

import functools
import operator
import re
from itertools import compress, count, repeat

from harness.model import Diagnostic, Document, Example, Format, Level, Role, Span
from harness.parsers.asciidoc_meta import OUTLINE_MARKS, page_metadata
from harness.parsers.dialect import AUTO, Dialect, unsupported_items
from harness.parsers import java_text
from harness.parsers.java_text import WHITESPACE
from harness.parsers.directives import match_directive, parse_response_args_at, parse_test_args_at
from harness.parsers.live_directives import parse_capture_args, parse_retry_args
from harness.parsers.near_miss import near_miss, near_miss_name
from harness.parsers.prose import asciidoc_caption, asciidoc_notices, page_lines
from harness.parsers.references import ASCIIDOC_REFERENCE_MARKS, asciidoc_references
from harness.parsers.repeated_keys import repeated_key_warnings
from harness.parsers.snippets import Snippet, attach_source_lines, build_examples

__all__ = ["FENCE", "SOURCE_LINE", "parse_asciidoc", "source_line"]

TESTENV = re.compile(r'\[testenv="([^"]+)"\]\s*', re.ASCII)  # Java's \s: ASCII whitespace only
TESTENVS = ("basic", "gold", "platinum")
FENCE = re.compile(r"-{4,}\s*", re.ASCII)
SOURCE_LINE = re.compile(r'\["?source"?(?:\.[^,]+)?,\s*"?([-\w]+)"?(,((?!id=).)*(id="?([-\w]+)"?)?(.*))?].*', re.ASCII)
CALLOUT = re.compile(r"<\d+>")
# SOURCE_LINE in linear steps (see source_line): the regex backtracks quadratically on long lines
_SOURCE_PREFIX = re.compile(r'\["?source"?(?:\.[^,]+)?,\s*"?([-\w]+)"?', re.ASCII)
_SOURCE_ID = re.compile(r'id="?([-\w]+)"?', re.ASCII)
_SPECIAL = frozenset("-[/")  # the first characters of every line that can change the scanner's state
_MARKS = _SPECIAL | OUTLINE_MARKS  # ... and of every line the page outline looks at
_REFERRING_MARKS = _MARKS | ASCIIDOC_REFERENCE_MARKS  # ... and, on a page that has any, include::/image:: lines
_FIRST = operator.itemgetter(slice(None, 1))  # a line's first character, "" for an empty line
_SOURCE_START = ("[source", '["source')  # what every SOURCE_LINE starts with: a cheap test before the regex
_STYLED_SOURCE = re.compile(r'\["?source"?\.')  # [source.merge.styled,x]: the 8.x Java parser's form


def source_line(line: str) -> tuple[str, str | None] | None:
    """``(language, id or None)`` when ``SOURCE_LINE`` fully matches ``line`` (its groups 1 and 5), else
    ``None``, in linear time: what follows the language decides. A ']' right after it matches; after a
    ',' any later ']' does, and the first ``id=`` names the snippet when a ']' follows it."""
    if len(line) < 256:  # short: the regex itself is quicker, and cannot backtrack for long
        return _short_source_line(line)
    found = _SOURCE_PREFIX.match(line)
    if found is None:
        return None
    rest = line[found.end():]
    if rest.startswith("]"):
        return found.group(1), None
    if not rest.startswith(",") or "]" not in rest[1:]:
        return None
    at = rest.find("id=", 1)
    named = _SOURCE_ID.match(rest, at) if at >= 0 else None
    return found.group(1), named.group(1) if named and "]" in rest[named.end():] else None


@functools.lru_cache(maxsize=4096)  # short lines only (bounded memory); [source,js] ... repeat from block to block
def _short_source_line(line: str) -> tuple[str, str | None] | None:
    whole = SOURCE_LINE.fullmatch(line)
    return (whole.group(1), whole.group(5)) if whole else None


class _Scanner:
    """The per-file state of Elasticsearch's line scanner."""

    def __init__(self, path: str, dialect: Dialect = AUTO) -> None:
        self.path = path
        self.dialect = dialect
        self.plus = dialect.since("6.4")  # a "+" line keeps a closed snippet pending (after 6.3)
        self.console_forms = dialect.console_forms  # read on every source line: asked once
        self.testenvs: list[tuple[int, str]] = []  # (line, value) of every [testenv=...] in force
        self.snippet: Snippet | None = None
        self.done: list[Snippet] = []
        self.diagnostics: list[Diagnostic] = []
        self.last_language: str | None = None
        self.last_language_line = 0
        self.pending_name: str | None = None
        self.testenv: str | None = None
        self.emitted_by_blank: tuple[Snippet, int] | None = None  # (snippet, blank line) for the pairing hint

    def problem(self, level: Level, code: str, message: str, line: int, hint: str = "", column: int = 1) -> None:
        self.diagnostics.append(Diagnostic(level, code, message, Span(self.path, line, column), hint))

    def emit(self, line: int, blank: bool) -> None:
        if self.snippet is None:
            return
        if not self.snippet.end:
            self.problem(Level.WARNING, "unclosed-block", f"the code block opened at line {self.snippet.start} "
                         "is never closed", self.snippet.start, "close it with a line of four or more '-'")
            self.snippet.end = line
        self.done.append(self.snippet)
        self.emitted_by_blank = (self.snippet, line) if blank else None
        self.snippet = None

    def scan_all(self, lines: list[str], special: list[int]) -> None:
        """Scan every line, testing each in the build's order (testenv, fence, source line, directives,
        content, ``+``, anything else emits the pending snippet). Only the ``special`` lines (starting
        with ``-``, ``[`` or ``/``) can be a fence, a source line or a directive; the runs of other
        lines between them are handled in bulk (speed)."""
        start = 0
        for index in special:
            # outside a block, with no pairing hint pending, plain lines change nothing
            if index > start and (self.snippet is not None or self.emitted_by_blank is not None):
                self.plain_run(lines, start, index)
            start = number = index + 1
            line = lines[index]
            first = line[0]  # the tests below can only match lines starting with their own character
            if first == "-":
                if line.startswith("----") and (line == "----" or FENCE.fullmatch(line)):
                    self.fence(number)
                    continue
                if line.startswith("----"):
                    self.dashes(number, line)
            elif first == "[":
                if self.bracket(number, line):
                    continue
            elif line.startswith("//") and self.directive(number, line):
                continue
            self.text(number, line)
        if len(lines) > start:
            self.plain_run(lines, start, len(lines))

    def plain_run(self, lines: list[str], start: int, stop: int) -> None:
        """Lines ``start..stop-1`` (0-based), none of which can change state except by emitting."""
        while start < stop:
            snippet = self.snippet
            if snippet is None:
                if self.emitted_by_blank is not None and any(not line.isspace() for line in lines[start:stop] if line):
                    self.emitted_by_blank = None
                return
            if not snippet.end:
                chunk = lines[start:stop]
                joined = "".join(chunk)
                if "<" in joined:  # only then can a line hold a callout
                    chunk = [CALLOUT.sub("", line) for line in chunk]
                # the build deletes trailing \s+ (Java's: ASCII), so a no-break space stays; str.rstrip()
                # strips the same where no character is whitespace to Python alone (and costs less)
                if joined.isascii() and not java_text.python_only_space(joined):
                    snippet.lines.extend(map(str.rstrip, chunk))
                else:
                    snippet.lines.extend(map(str.rstrip, chunk, repeat(WHITESPACE)))
                return
            line = lines[start]
            if line.strip() != "+" or not self.plus:
                self.emit(start + 1, blank=not line.strip())
            start += 1

    def bracket(self, number: int, line: str) -> bool:
        """A ``[`` line: testenv and source line tests; ``False`` when it is text for the block."""
        if line.startswith('[testenv="') and (env := TESTENV.fullmatch(line)):
            self.set_testenv(env.group(1), number)
        if line.startswith(_SOURCE_START) and (source := source_line(line)):
            if not self.console_forms and "-" in source[0]:
                return False  # before late 7.x a language is \w+: [source,console-result] is no source line
            if self.dialect.rules not in ("auto", "8.x") and _STYLED_SOURCE.match(line):
                return False  # [source.merge.styled,x] is a source line for the 8.x Java parser only
            self.last_language, self.last_language_line = source[0], number
            self.pending_name = source[1] if self.console_forms else None
            return True
        return False

    def text(self, number: int, line: str) -> None:
        """A line that is none of the build's markers: block content, a ``+``, or the end of a snippet."""
        snippet = self.snippet
        if snippet is None:
            if line.strip():
                self.emitted_by_blank = None
            return
        if not snippet.end:
            snippet.lines.append(CALLOUT.sub("", line).rstrip(WHITESPACE))
        elif line.strip() != "+" or not self.plus:
            self.emit(number, blank=not line.strip())

    def set_testenv(self, value: str, number: int) -> None:
        """A ``[testenv=...]`` line; its value is checked where a test is generated under it (``snippets``)."""
        if not self.dialect.testenv:
            self.problem(Level.WARNING, "ignored-testenv", f"[testenv=...] has no effect under the "
                         f"{self.dialect.rules} rules: the test is not marked as needing X-Pack", number,
                         "testenv exists from 6.4 to 7.x only: remove the line, or configure the rules of "
                         "the version the docs are built with")
            return
        self.testenv = value
        self.testenvs.append((number, value))

    def dashes(self, number: int, line: str) -> None:
        """A line of dashes that is no fence: said when a character the eye takes for a space made it so."""
        space = java_text.unusual_space(line)
        if space is not None and FENCE.fullmatch(java_text.plain_spaces(line)):
            self.problem(Level.WARNING, "not-a-fence", f"this line of dashes ends in {space}, which is no space to "
                         "Elasticsearch's build (Java's \\s is ASCII), so it neither opens nor closes a code block",
                         number, "delete the character after the dashes")

    def fence(self, number: int) -> None:
        if self.snippet is None:
            language = self.last_language if self.last_language_line == number - 1 else None
            self.snippet = Snippet(self.path, number, 0, language, self.pending_name, testenv=self.testenv)
            self.pending_name = None
            return
        if self.snippet.end:
            self.problem(Level.WARNING, "adjacent-blocks", f"this fence re-closes the code block of line "
                         f"{self.snippet.start}: a block right after another one's directives is not a new block",
                         number, "put a blank line before the next block's [source,...] line")
        self.snippet.end = number

    def directive(self, number: int, line: str) -> bool:
        """Handle a ``//`` line; ``False`` when it is not a directive (then it is text)."""
        text = line[2:]
        found = match_directive(text)
        if found is None:
            if near_miss_name(text) is not None:  # only then is a warning (and its span) made
                miss = near_miss(text, Span(self.path, number, 3))
                if miss is not None:
                    self.diagnostics.append(miss)
            return False
        name, args = found
        if name == "TEARDOWN" and not self.dialect.since("6.4"):
            self.problem(Level.WARNING, "malformed-directive", "// TEARDOWN is not a directive under the 6.3 rules, "
                         "so the line is plain text", number, "make the snippet a TESTSETUP or a TEST, or "
                         "configure the rules of a later version for this source")
            return False
        if name == "AUTOSENSE":
            self.problem(Level.ERROR, "autosense", "AUTOSENSE has been replaced by CONSOLE", number,
                         "write // CONSOLE instead")
            return True
        snippet = self.snippet
        if snippet is None:
            self.unpaired(name, number)
            return True
        snippet.marks.append((name, args, number))
        self.attach(snippet, name, args, number, line.index("[") + 2 if args else 1)
        if args and self.dialect.rules != "auto":
            self.version_items(name, args, number, line.index("[") + 2)
        return True

    def version_items(self, name: str, args: str, number: int, column: int) -> None:
        """Errors for directive items the configured version's grammar does not have."""
        for item, offset, when in unsupported_items(self.dialect, name, args):
            where = Span(self.path, number, column + offset, number, column + offset + len(item) - 1)
            self.diagnostics.append(Diagnostic(
                Level.ERROR, "bad-directive-args", f"{name}[{item}] is not part of the {self.dialect.rules} "
                f"{name} syntax (it exists {when}), so Elasticsearch's build rejects this line", where,
                "remove the item, or configure the rules of the version the docs are built with"))

    def attach(self, snippet: Snippet, name: str, args: str, number: int, column: int) -> None:
        """Apply a directive (on line ``number``, its arguments from ``column``) to its snippet."""
        if name == "TEST":
            snippet.test = True
            if args:
                test_args, problems = parse_test_args_at(args, self.path, number, column)
                self.diagnostics.extend(problems)
                snippet.test_args.append(test_args)
                snippet.substitutions.extend(test_args.substitutions)
        elif name == "TESTRESPONSE":
            snippet.response = True
            if args:
                response_args, problems = parse_response_args_at(args, self.path, number, column)
                self.diagnostics.extend(problems)
                snippet.response_args.append(response_args)
                snippet.substitutions.extend(response_args.substitutions)
        elif name in ("CONSOLE", "NOTCONSOLE"):
            if snippet.console is not None:
                self.problem(Level.ERROR, "console-twice", "Can't be both CONSOLE and NOTCONSOLE", number,
                             "keep one CONSOLE or NOTCONSOLE line per snippet")
            snippet.console = name == "CONSOLE"
        elif name == "TESTSETUP":
            snippet.testsetup = True
        elif name == "TEARDOWN":
            snippet.teardown = True
        elif name == "CAPTURE":
            captures, problems = parse_capture_args(args, self.path, number, column)
            self.diagnostics.extend(problems)
            snippet.captures.extend(captures)
        else:  # RETRY
            retry, problems = parse_retry_args(args, self.path, number, column)
            self.diagnostics.extend(problems)
            snippet.retry = retry or snippet.retry

    def unpaired(self, name: str, number: int) -> None:
        hint = "put the directive on the line right after the closing fence of its code block"
        if self.emitted_by_blank is not None:
            previous, blank = self.emitted_by_blank
            hint = (f"did you mean the code block of line {previous.start}? remove the blank line {blank} "
                    "between its closing fence and this directive")
        self.problem(Level.ERROR, "unpaired-directive", f"{name} not paired with a snippet", number, hint)


def testenv_problems(testenvs: list[tuple[int, str]], examples: tuple[Example, ...], path: str) -> list[Diagnostic]:
    """``Unsupported testEnv``: an error where a test is generated under the value (the build checks it
    only when it writes a test's skip block), a warning on a page that generates none under it."""
    out: list[Diagnostic] = []
    for index, (line, value) in enumerate(testenvs):
        if value in TESTENVS:
            continue
        stop = testenvs[index + 1][0] if index + 1 < len(testenvs) else float("inf")
        tests = [e.span.line for e in examples if e.role is Role.TEST and not e.continued and line < e.span.line < stop]
        span, hint = Span(path, line, 11, line, 10 + len(value)), f"use one of {', '.join(TESTENVS)}"
        if tests:
            out.append(Diagnostic(Level.ERROR, "unsupported-testenv", f"Unsupported testEnv: {value}", span,
                                  hint + f" (the test of line {tests[0]} is generated under it)"))
        else:
            out.append(Diagnostic(Level.WARNING, "unsupported-testenv", f"Unsupported testEnv: {value}; no test is "
                                  "generated under it, so Elasticsearch's build lets it pass", span,
                                  hint + "; a test added below it would fail the build"))
    return out


def parse_asciidoc(text: str, path: str, dialect: Dialect = AUTO) -> Document:
    """Parse an AsciiDoc page into a Document: metadata, examples, diagnostics, captions and notices.

    The captions and notices (``harness.parsers.prose``) are read here, from the lines already split,
    as each Example is made, instead of by the registry's ``with_prose`` afterwards (a second split
    of the page and a second copy of every Example).

    :param text: the page's text.
    :param path: the source path (posix separators), used in every span.
    :param dialect: the Elasticsearch version whose docs-test rules and attribute values apply.
    """
    lines = java_text.lines(text)  # a lone CR ends a line too, as in the build's line reader
    # another file a page points to (include::, image::) is said, never read: looked for only on a page naming one
    refers = "include::" in text or "image::" in text
    # the lines starting with a mark, in one pass for the scanner, the outline and the references (in C: map
    # and compress)
    marks = _REFERRING_MARKS if refers else _MARKS
    marked = list(compress(count(), map(marks.__contains__, map(_FIRST, lines))))
    scanner = _Scanner(path, dialect)
    scanner.scan_all(lines, [i for i in marked if lines[i][0] in _SPECIAL])
    scanner.emit(len(lines), blank=False)
    shown = page_lines(text, lines)  # the lines of ``text.splitlines()``, as prose reads every format
    examples, problems = build_examples(scanner.done, path, dialect,
                                        lambda fence: asciidoc_caption(shown, fence) if fence <= len(shown) else "")
    problems += testenv_problems(scanner.testenvs, examples, path) + repeated_key_warnings(examples)
    meta = page_metadata(lines, path, [i for i in marked if lines[i][0] in OUTLINE_MARKS])
    diagnostics = scanner.diagnostics + problems + meta.diagnostics
    if refers:
        diagnostics += asciidoc_references(lines, path, marked)
    return Document(path=path, format=Format.ASCIIDOC, title=meta.title, description=meta.description,
                    operations=meta.operations, examples=examples,
                    diagnostics=attach_source_lines(diagnostics, lines),
                    notices=tuple(asciidoc_notices(shown, path, text, newline_split=shown is lines)))
