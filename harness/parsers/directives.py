"""The one directive language (``// TEST[...]``, ``// TESTRESPONSE[...]`` ...), for every format.

A format module strips its comment marker (``//``, ``..``, ``<!-- -->``) and
hands the rest here. The grammar is Elasticsearch's: the argument text is
tokenised by repeated regex matches that must each start where the previous one
ended, so items are separated by at most one space (see the reference, §3.2).
Where that framework silently drops a malformed line, ``near_miss`` says so.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from harness.model import Diagnostic, Level, MatchPolicy, Span, Substitution
from harness.parsers.json_paths import path_error

__all__ = [
    "CATCH_STATUS",
    "CATCH_VALUES",
    "NAMES",
    "NON_JSON_SUBSTITUTIONS",
    "ResponseArgs",
    "TestArgs",
    "is_catch_regex",
    "is_known_catch",
    "match_directive",
    "merged_response_args",
    "merged_test_args",
    "near_miss",
    "near_miss_name",
    "parse_response_args",
    "parse_response_args_at",
    "parse_test_args",
    "parse_test_args_at",
]

NAMES = ("CONSOLE", "NOTCONSOLE", "TEST", "TESTRESPONSE", "TESTSETUP", "TEARDOWN", "AUTOSENSE", "CAPTURE", "RETRY")

# CAPTURE and RETRY (docharness's own, for live clusters) are parsed by ``live_directives``. ASCII: the
# build's \s is Java's, so "//\u00a0CONSOLE" is prose there (near_miss names the character)
_DIRECTIVE = re.compile(
    r"\s*(?:(AUTOSENSE|CONSOLE|NOTCONSOLE|TESTSETUP|TEARDOWN)|(TESTRESPONSE|TEST|CAPTURE|RETRY)(?:\[(.+)\])?)\s*",
    re.ASCII)

_SCHAR = r"(?:\\/|[^/])"
_SUBSTITUTION = rf"s/(?P<pattern>{_SCHAR}+)/(?P<replacement>{_SCHAR}*)/"
_SKIP = r"skip:(?P<skip>[^\]]+)"
_TEST_SYNTAX = re.compile(
    rf"(?:catch:\s*(?P<catch>(?:/[^/]+/)|[^ \]]+)|{_SUBSTITUTION}|{_SKIP}|(?P<continued>continued)"
    r"|setup:(?P<setup>[^ \]]+)|teardown:(?P<teardown>[^ \]]+)|warning:(?P<warning>.+)"
    r"|(?P<skip_shard_failures>skip_shard_failures)) ?", re.ASCII)
_RESPONSE_SYNTAX = re.compile(rf"(?:{_SUBSTITUTION}|(?P<non_json>non_json|_cat)|{_SKIP}"
                              r"|volatile:(?P<volatile>[^ ]+)|(?P<policy>exact|subset|shape)(?= |$)) ?")

# What TESTRESPONSE[non_json] appends, as written in the build (Java replacement syntax).
NON_JSON_SUBSTITUTIONS: tuple[tuple[str, str], ...] = (
    ("^", "/"), (r"\n$", r"\\s*/"), ("( +)", r"$1\\s+"), (r"\n", r"\\s*\n "))

# The runner's catch table (reference §9.3); anything else but a /regex/ is "catch value [x] not supported".
# Replay's catch check (harness.replay.catch) reads the same table.
CATCH_STATUS: dict[str, int] = {"bad_request": 400, "unauthorized": 401, "forbidden": 403, "missing": 404,
                                "request_timeout": 408, "conflict": 409, "unavailable": 503}
CATCH_VALUES = (*CATCH_STATUS, "request", "param")
_CATCH_BY_STATUS = {str(status): name for name, status in CATCH_STATUS.items()}


def is_catch_regex(value: str) -> bool:
    """A ``catch:/regex/`` value (matched against the error)."""
    return len(value) > 2 and value.startswith("/") and value.endswith("/")


def is_known_catch(value: str) -> bool:
    """Whether Elasticsearch's runner supports this catch value."""
    return value in CATCH_VALUES or is_catch_regex(value)
# The item keywords, for "did you mean" on arguments that match no item (value placeholders after the colon).
_TEST_KEYWORDS = {"continued": "", "skip_shard_failures": "", "catch:": "NAME", "skip:": "REASON", "setup:": "NAME",
                  "teardown:": "NAME", "warning:": "TEXT"}
_RESPONSE_KEYWORDS = {"non_json": "", "skip:": "REASON", "volatile:": "$.PATH", "exact": "", "subset": "",
                      "shape": ""}

_TEST_ITEMS = "s/pattern/replacement/, catch:NAME, skip:REASON, continued, setup:A,B, teardown:A,B, " \
              "warning:TEXT, skip_shard_failures"
_RESPONSE_ITEMS = "s/pattern/replacement/, non_json, exact, subset, shape, volatile:$.A,$.B[*].C, skip:REASON"


@dataclass(frozen=True, slots=True)
class TestArgs:
    """What a ``TEST[...]`` line says, items in the order written.

    :param setups: named setups (``setup:a,b``; the last ``setup:`` of a line wins).
    :param teardowns: named teardowns (``teardown:a,b``).
    :param continued: ``continued``.
    :param skip: the skip reason (greedy to the closing bracket), or ``None``.
    :param catch: the catch value (name or ``/regex/``), or ``None``.
    :param warnings: expected warning texts (``warning:`` is greedy to the end).
    :param skip_shard_failures: ``skip_shard_failures``.
    :param substitutions: ``s/.../.../`` items in declaration order.
    """

    __test__ = False  # not a pytest test class despite the name

    setups: tuple[str, ...] = ()
    teardowns: tuple[str, ...] = ()
    continued: bool = False
    skip: str | None = None
    catch: str | None = None
    warnings: tuple[str, ...] = ()
    skip_shard_failures: bool = False
    substitutions: tuple[Substitution, ...] = ()


@dataclass(frozen=True, slots=True)
class ResponseArgs:
    """What a ``TESTRESPONSE[...]`` line says.

    :param substitutions: ``s/.../.../`` items and, at its place, the four ``non_json`` ones.
    :param non_json: ``non_json`` (or the older ``_cat``).
    :param skip: the skip reason, or ``None``.
    :param policy: ``exact``, ``subset`` or ``shape`` (``non_json`` included), or ``None``.
    :param volatile: ``volatile:$.a,$.b[*].c`` JSON paths whose values are not compared.
    """

    substitutions: tuple[Substitution, ...] = ()
    non_json: bool = False
    skip: str | None = None
    policy: MatchPolicy | None = None
    volatile: tuple[str, ...] = ()


def merged_test_args(lines: Sequence[TestArgs]) -> TestArgs:
    """Several ``TEST[...]`` lines of one block, as the build reads them (reference §3.2): lists
    (warnings, substitutions) accumulate in order, single values (setup, teardown, skip, catch) take the
    last line that gives one, flags are set by any line."""
    if len(lines) < 2:
        return lines[0] if lines else TestArgs()
    merged = TestArgs()
    for args in lines:
        merged = TestArgs(
            setups=args.setups or merged.setups, teardowns=args.teardowns or merged.teardowns,
            continued=merged.continued or args.continued,
            skip=args.skip if args.skip is not None else merged.skip,
            catch=args.catch if args.catch is not None else merged.catch,
            warnings=merged.warnings + args.warnings,
            skip_shard_failures=merged.skip_shard_failures or args.skip_shard_failures,
            substitutions=merged.substitutions + args.substitutions)
    return merged


def merged_response_args(lines: Sequence[ResponseArgs]) -> ResponseArgs:
    """Several ``TESTRESPONSE[...]`` lines of one block: substitutions and volatile paths accumulate in
    order, the skip reason and the policy take the last line that gives one, ``non_json`` is set by any."""
    if len(lines) < 2:
        return lines[0] if lines else ResponseArgs()
    merged = ResponseArgs()
    for args in lines:
        merged = ResponseArgs(
            substitutions=merged.substitutions + args.substitutions, non_json=merged.non_json or args.non_json,
            skip=args.skip if args.skip is not None else merged.skip,
            policy=args.policy if args.policy is not None else merged.policy,
            volatile=merged.volatile + args.volatile)
    return merged


_Answer = TypeVar("_Answer")


def _remembered(function: Callable[[str], _Answer]) -> Callable[[str], _Answer]:
    """``function`` with its answers to the last 4,096 short texts kept: directive lines repeat across
    pages, and the answer depends on the text only. A long text is never kept, so a hostile page of
    huge directive lines cannot make the cache hold megabytes."""
    cached = functools.lru_cache(maxsize=4096)(function)

    @functools.wraps(function)
    def answer(text: str) -> _Answer:
        return cached(text) if len(text) <= 1024 else function(text)

    return answer


@_remembered
def match_directive(line: str) -> tuple[str, str] | None:
    """Recognise a directive with its comment marker removed: ``"TEST[setup:x]"`` -> ``("TEST", "setup:x")``.

    The whole text must match, as the build's ``matches()`` requires; anything
    else (``TEST [x]``, ``TEST[]``, text after ``]``) is ``None``.
    """
    found = _DIRECTIVE.fullmatch(line)
    if found is None:
        return None
    if found.group(1):
        return found.group(1), ""
    return found.group(2), found.group(3) or ""


# A parsed argument text, independent of where it sits: substitutions and diagnostics carry
# column offsets from the text's first character. Directive texts repeat a lot across pages
# (``TEST[continued]``, ``TESTRESPONSE[s/"took": 12/"took": $body.took/]``), so each one is
# tokenised once and only its spans are made per occurrence.
_SubTemplate = tuple[str, str, int, int]  # pattern, replacement, first and last column offset
_DiagTemplate = tuple[Level, str, str, int, int, str]  # level, code, message, first, last, hint


def _tokens(args: str, syntax: re.Pattern[str], what: str,
            items: str) -> tuple[list[re.Match[str]], list[_DiagTemplate]]:
    """Split ``args`` into contiguous matches of ``syntax``; report gaps as the build does."""
    keywords = _TEST_KEYWORDS if what == "TEST" else _RESPONSE_KEYWORDS
    matches: list[re.Match[str]] = []
    offset = 0
    for found in syntax.finditer(args):
        if found.start() != offset:
            gap = args[offset:found.start()]
            return matches, [_bad_args(offset, found.start(), f"extra content {gap!r} between {what} items",
                                       _did_you_mean(gap, keywords) + "separate items with exactly one space")]
        matches.append(found)
        offset = found.end()
    if offset == 0:
        return [], [_bad_args(0, len(args), f"{what} arguments {args!r} match no known item",
                              _did_you_mean(args, keywords) + f"known: {items}")]
    if offset != len(args):
        return matches, [_bad_args(offset, len(args), f"extra content {args[offset:]!r} after the {what} items",
                                   _did_you_mean(args[offset:], keywords)
                                   + f"known: {items}; separate items with exactly one space")]
    return matches, []


_ITEM_WORD = re.compile(r"\s*([A-Za-z_]+)(:?)([^ \]]*)")


def _did_you_mean(text: str, keywords: dict[str, str]) -> str:
    """``"did you mean `continued`? "`` for a misspelt item keyword at the start of ``text``, else ``""``."""
    found = _ITEM_WORD.match(text)
    if found is None:
        return ""
    word, colon, value = found.groups()
    close = difflib.get_close_matches(word.lower() + colon, keywords, n=1, cutoff=0.6)
    if not close or (close[0] == word + colon and not value):  # nothing close, or right but incomplete
        return ""
    keyword = close[0]
    if keyword.endswith(":"):
        value = value or keywords[keyword]
        return f"did you mean `{keyword}{value}`? "
    return f"did you mean `{keyword}`? "


def _bad_args(start: int, end: int, message: str, hint: str) -> _DiagTemplate:
    return Level.ERROR, "bad-directive-args", message, start, max(end - 1, start), hint


def _place(subs: tuple[_SubTemplate, ...], problems: tuple[_DiagTemplate, ...], path: str, line: int,
           column: int) -> tuple[tuple[Substitution, ...], list[Diagnostic]]:
    """Turn a template's substitutions and diagnostics into model values for text at ``path:line:column``."""
    made: dict[tuple[int, int], Span] = {}  # equal offsets share one Span, as the four non_json items always did

    def placed(first: int, last: int) -> Span:
        where = made.get((first, last))
        if where is None:
            where = made[first, last] = Span(path, line, column + first, line, column + last)
        return where

    return (tuple(Substitution(pattern, replacement, placed(first, last))
                  for pattern, replacement, first, last in subs),
            [Diagnostic(level, code, message, placed(first, last), hint)
             for level, code, message, first, last, hint in problems])


def _substitution(found: re.Match[str]) -> _SubTemplate:
    return found.group("pattern"), found.group("replacement"), found.start(), found.end() - 1


def parse_test_args(args: str, span: Span) -> tuple[TestArgs, list[Diagnostic]]:
    """Parse the text between ``TEST[`` and its last ``]``.

    :param args: the argument text.
    :param span: where ``args`` sits: its line and the column of its first character.
    """
    return parse_test_args_at(args, span.path, span.line, span.column)


def parse_test_args_at(args: str, path: str, line: int, column: int) -> tuple[TestArgs, list[Diagnostic]]:
    """``parse_test_args`` for text at ``path:line:column`` (no Span is made when none is needed)."""
    parsed, subs, problems = _test_template(args)
    if not subs and not problems:
        return parsed, []
    placed, diagnostics = _place(subs, problems, path, line, column)
    return TestArgs(parsed.setups, parsed.teardowns, parsed.continued, parsed.skip, parsed.catch, parsed.warnings,
                    parsed.skip_shard_failures, placed), diagnostics


@_remembered
def _test_template(args: str) -> tuple[TestArgs, tuple[_SubTemplate, ...], tuple[_DiagTemplate, ...]]:
    """``parse_test_args`` without a place: the values, and the substitutions and problems to place."""
    matches, diagnostics = _tokens(args, _TEST_SYNTAX, "TEST", _TEST_ITEMS)
    setups: tuple[str, ...] = ()
    teardowns: tuple[str, ...] = ()
    skip = catch = None
    continued = shard = False
    warnings: list[str] = []
    subs: list[_SubTemplate] = []
    for found in matches:
        kind = found.lastgroup
        if kind == "replacement":
            subs.append(_substitution(found))
        elif kind == "setup":
            setups = tuple(n for n in found.group("setup").split(",") if n)
        elif kind == "teardown":
            teardowns = tuple(n for n in found.group("teardown").split(",") if n)
        elif kind == "skip":
            skip = found.group("skip")
            diagnostics.extend(_skip_warnings(skip, found))
        elif kind == "catch":
            catch = found.group("catch")
            diagnostics.extend(_catch_warnings(catch, found))
        elif kind == "warning":
            warnings.append(found.group("warning"))
        continued = continued or kind == "continued"
        shard = shard or kind == "skip_shard_failures"
    return (TestArgs(setups, teardowns, continued, skip, catch, tuple(warnings), shard), tuple(subs),
            tuple(diagnostics))


def _catch_warnings(value: str, found: re.Match[str]) -> list[_DiagTemplate]:
    """The runner throws "catch value [x] not supported" for anything but its table and a ``/regex/``."""
    if is_known_catch(value):
        return []
    close = _CATCH_BY_STATUS.get(value) or next(iter(difflib.get_close_matches(value.lower(), CATCH_VALUES, 1, 0.6)),
                                                None)
    hint = (f"did you mean `catch:{close}`?" if close
            else f"use one of {', '.join(CATCH_VALUES)}, or a /regex/ matched against the error")
    return [(Level.WARNING, "unknown-catch", f"catch value [{value}] is not supported by Elasticsearch's runner",
             found.start(), found.end("catch") - 1, hint)]


def _skip_warnings(reason: str, found: re.Match[str]) -> list[_DiagTemplate]:
    first, last = found.start(), found.end() - 1
    if reason.startswith("setup:"):
        return [(Level.WARNING, "skip-looks-like-setup",
                 f"TEST[skip:{reason}] skips the test with the reason {reason!r}; it runs no setup", first, last,
                 f"did you mean TEST[{reason}]? keep skip: if skipping is intended")]
    swallowed = _SWALLOWED.search(reason)
    if swallowed:
        return [(Level.WARNING, "greedy-skip",
                 (f"skip: runs to the closing bracket, so {swallowed.group(1)!r} is part of the reason "
                  f"{reason!r}, not an item"), first, last, "put skip: last on its line")]
    return []


def parse_response_args(args: str, span: Span) -> tuple[ResponseArgs, list[Diagnostic]]:
    """Parse the text between ``TESTRESPONSE[`` and its last ``]`` (see ``parse_test_args``)."""
    return parse_response_args_at(args, span.path, span.line, span.column)


def parse_response_args_at(args: str, path: str, line: int, column: int) -> tuple[ResponseArgs, list[Diagnostic]]:
    """``parse_response_args`` for text at ``path:line:column`` (see ``parse_test_args_at``)."""
    parsed, subs, problems = _response_template(args)
    if not subs and not problems:
        return parsed, []
    placed, diagnostics = _place(subs, problems, path, line, column)
    return ResponseArgs(placed, parsed.non_json, parsed.skip, parsed.policy, parsed.volatile), diagnostics


@_remembered
def _response_template(args: str) -> tuple[ResponseArgs, tuple[_SubTemplate, ...], tuple[_DiagTemplate, ...]]:
    """``parse_response_args`` without a place (see ``_test_template``)."""
    matches, diagnostics = _tokens(args, _RESPONSE_SYNTAX, "TESTRESPONSE", _RESPONSE_ITEMS)
    subs: list[_SubTemplate] = []
    non_json = False
    skip = None
    policy: MatchPolicy | None = None
    volatile: list[str] = []
    for found in matches:
        kind = found.lastgroup
        if kind == "replacement":
            subs.append(_substitution(found))
        elif kind == "non_json":
            non_json, policy = True, MatchPolicy.NON_JSON
            subs.extend((p, r, found.start(), found.end() - 1) for p, r in NON_JSON_SUBSTITUTIONS)
        elif kind == "skip":
            skip = found.group("skip")
        elif kind == "policy":
            policy = MatchPolicy(found.group("policy"))
        elif kind == "volatile":
            volatile += [p for p in found.group("volatile").split(",") if p]
            diagnostics += [(Level.ERROR, "bad-volatile", f"volatile path {problem}", found.start(), found.end() - 1,
                             "write volatile:$.now,$.jobs[*].start-time (JSON paths from the body's root $)")
                            for problem in map(path_error, found.group("volatile").split(",")) if problem]
    return ResponseArgs((), non_json, skip, policy, tuple(volatile)), tuple(subs), tuple(diagnostics)


_SWALLOWED = re.compile(r" (continued|setup:|catch:|warning:|teardown:|skip_shard_failures|s/)")


def near_miss(text: str, span: Span) -> Diagnostic | None:
    """A warning for a comment that looks like a directive but is not one (``harness.parsers.near_miss``)."""
    from harness.parsers import near_miss as rules  # it builds on this module's grammar

    return rules.near_miss(text, span)


def near_miss_name(text: str) -> str | None:
    """The directive name a comment text nearly is, or ``None`` (``harness.parsers.near_miss``)."""
    from harness.parsers import near_miss as rules

    return rules.near_miss_name(text)
