"""Pairing campaign: is every response paired with the request its page wrote it for?

Usage::

    python benchmarks/pairing_campaign.py              # docs_src, the corpus sample, two generated pages
    python benchmarks/pairing_campaign.py -k otc-rst   # only pages whose path holds the text
    python benchmarks/pairing_campaign.py --no-corpus  # without /work/shared/corpus-sample
    python benchmarks/pairing_campaign.py --plant      # a known pairing defect planted: must be found

``benchmarks/mutation_campaign.py`` proves that a check fails when the *answer* changes; it trusts the
parser's pairing of responses with requests. This campaign tests that pairing. For every page of
``docs_src``, of ``/work/shared/corpus-sample`` when present (es6 AsciiDoc, otc-rst, otc-html) and of
two pages written here (numbered requests and responses with a failing request; a walk-through), the
parser's pairing as extracted is the baseline. The page's text is cut into units (headings, code blocks
with the directive comments after them, the rest), each block named by its place on the page as
written (``u7``; a request ``u7/0``, the first of that block), so a block is followed wherever a
mutation moves it. The page is then changed the way real pages differ, one mutation per parse, at
every baseline pair:

cloud pages (RST, HTML): an extra request block with no response after the request; a response with
no request after or before the response; a second response labelled "Example response 2", or
labelled with an error status and error-shaped; the response section moved before the request
section; the response block moved before its request; an unrelated JSON schema block (under its own
heading, or bare after the request); a curl command of another operation after the request; a
"Response Parameters" section between; the sections renamed ("Request Example", "Example Requests",
"Response Example", "Example Responses", and "Request" / "Response" sub-headings or bold labels under
one "Example" heading).

AsciiDoc pages: prose, an unmarked snippet, another CONSOLE snippet or a ``TEST[continued]`` snippet
between the request and its ``// TESTRESPONSE``; a ``TEST[continued]`` snippet of ``# comments`` only there
(no request: the response still answers the request before it, the runner's ``$body`` being the last
answer); a second TESTRESPONSE; a copy of the response right after the TESTSETUP snippet (the runner refuses
the whole page: no pair may remain); the response moved before its
request, or to the top of the page (no test before it); its directive separated from its block by a
blank line; the whole page in the late 7.x forms (``[source,console]``, ``[source,console-result]``); the whole page with
lone-CR line ends (Java's line reader ends a line there); a no-break space after ``//`` in the TESTRESPONSE
line (no directive to the build: the pair is lost, which a warning must say). What
the pairing must then be is Elasticsearch's rule (a TESTRESPONSE belongs to the most recent test snippet
of the file, reference section 3.4), written here independently of the parser. An AsciiDoc page's pairs
as found are the ones replay matches (``plan_document``), not only the parser's.

A block inserted by a mutation carries a unique mark (``pairing-N``). The cloud rules the project's
truth set holds (benchmarks/truth) are the author's pairing too: a page's one example response answers
every call of its operation (an inserted variant may take it), and as many responses as calls pair by
position. Verdicts: a pair the page's author did not write (a ``wrong-pair``) is always a defect; a baseline pair that a mutation which
should not change the pairing loses is a defect (``lost-pair``); one that an ambiguous mutation
loses is fine when the parser warns at the request or the response (file:line), else a defect
(``silent-loss``). Prints the mutations run and the defects per pattern and format, each defect
with ``file:line``, the mutation and the pair, and exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.config import load_config  # noqa: E402
from harness.model import Document, Example, ExpectedResponse, Format, Level, Request, Role  # noqa: E402
from harness.parsers import parser_for  # noqa: E402
from harness.parsers.dialect import AUTO, Dialect  # noqa: E402
from harness.replay.plan import plan_document  # noqa: E402

CORPUS = Path("/work/shared/corpus-sample")
Key = tuple[str, ...]


# ------------------------------------------------------------------------------------------ units

@dataclass(frozen=True)
class Unit:
    """A piece of a page's text: a heading, a code block (with the directive comments after it) or other."""

    kind: str  # heading | code | other
    text: str
    title: str = ""  # a heading's text
    level: str = ""  # a heading's markup (RST underline character, HTML tag, AsciiDoc '=' run)
    uid: str = ""  # which block this is: ``u<index>`` on the page as written, the mark of an inserted one


_RST_UNDER = re.compile(r"^([=\-~^\"'`#*+<>:.])\1{2,}\s*$")
_RST_CODE = re.compile(r"^(\s*(?:[-*+]\s+|#\.\s+|\d+\.\s+)?)\.\. (?:code-block|code|sourcecode)::")
_RST_DIRECTIVE = re.compile(r"^\s*\.\. (?:TEST|TESTRESPONSE|CONSOLE|NOTCONSOLE|TESTSETUP|TEARDOWN|CAPTURE|RETRY)\b")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def rst_units(text: str) -> list[Unit]:
    lines = text.splitlines(keepends=True)
    marks: list[tuple[int, int, str, str, str]] = []  # start, end (exclusive), kind, title, level
    i = 0
    while i < len(lines):
        line = lines[i]
        if i + 1 < len(lines) and line.strip() and not line[0].isspace() and _RST_UNDER.match(lines[i + 1]) \
                and len(lines[i + 1].strip()) >= len(line.strip()) - 2:
            marks.append((i, i + 2, "heading", line.strip(), lines[i + 1].strip()[0]))
            i += 2
            continue
        literal = line.rstrip().endswith("::") and not line.lstrip().startswith("..")
        code = _RST_CODE.match(line)
        if code or literal:
            base = len(code[1]) if code else _indent(line)
            j = i + 1
            while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > (base if code else _indent(line))):
                j += 1
            while j > i + 1 and not lines[j - 1].strip():
                j -= 1
            if not code and not any(_indent(x) > base for x in lines[i + 1:j] if x.strip()):
                i += 1
                continue
            k = j  # the directive comments after the block belong to it
            while k < len(lines) and (_RST_DIRECTIVE.match(lines[k]) or not lines[k].strip() and k + 1 < len(lines)
                                      and _RST_DIRECTIVE.match(lines[k + 1])):
                k += 1
            marks.append((i, k, "code", "", ""))
            i = k
            continue
        i += 1
    return _cut(lines, marks)


def _cut(pieces: list[str], marks: list[tuple[int, int, str, str, str]]) -> list[Unit]:
    """Units covering ``pieces`` (lines or characters): the marked ones, the rest between as ``other``;
    each marked unit keeps the blank space after it."""
    units: list[Unit] = []
    at = 0
    for number, (start, end, kind, title, level) in enumerate(marks):
        limit = marks[number + 1][0] if number + 1 < len(marks) else len(pieces)
        while end < limit and not pieces[end].strip():  # the blank space after it
            end += 1
        if start > at:
            units.append(Unit("other", "".join(pieces[at:start])))
        units.append(Unit(kind, "".join(pieces[start:end]), title, level, f"u{len(units)}"))
        at = end
    if at < len(pieces):
        units.append(Unit("other", "".join(pieces[at:])))
    return units


_HTML_TOKEN = re.compile(r"<pre\b[^>]*>.*?</pre>(?:\s*<!--\s*(?:TEST|TESTRESPONSE|CAPTURE|RETRY)\b.*?-->)*"
                         r"|<h([1-6])\b[^>]*>(.*?)</h\1>", re.S | re.I)


def html_units(text: str) -> list[Unit]:
    marks = []
    for found in _HTML_TOKEN.finditer(text):
        if found[1]:
            title = re.sub(r"<[^>]+>", "", found[2]).strip()
            marks.append((found.start(), found.end(), "heading", title, found[1]))
        else:
            marks.append((found.start(), found.end(), "code", "", ""))
    return _cut(list(text), marks)


_ADOC_FENCE = re.compile(r"^(-{4,}|\.{4,})\s*$")
_ADOC_DIRECTIVE = re.compile(r"^//\s*(?:CONSOLE|NOTCONSOLE|TEST|TESTRESPONSE|TESTSETUP|TEARDOWN|CAPTURE|RETRY)\b")


def adoc_units(text: str) -> list[Unit]:
    lines = text.splitlines(keepends=True)
    marks = []
    i = 0
    while i < len(lines):
        if lines[i].startswith("[source") and i + 1 < len(lines) and _ADOC_FENCE.match(lines[i + 1]):
            fence = lines[i + 1].strip()
            j = i + 2
            while j < len(lines) and lines[j].strip() != fence:
                j += 1
            k = j + 1
            while k < len(lines) and _ADOC_DIRECTIVE.match(lines[k]):
                k += 1
            marks.append((i, min(k, len(lines)), "code", "", ""))
            i = k
            continue
        found = re.match(r"^(={1,6}) (.+)$", lines[i])
        if found:
            marks.append((i, i + 1, "heading", found[2].strip(), found[1]))
        i += 1
    return _cut(lines, marks)


# --------------------------------------------------------------------------------- new blocks

def _block_indent(unit: Unit) -> str:
    first = unit.text.lstrip("\n")
    return first[:len(first) - len(first.lstrip(" "))]


def code_unit(fmt: str, body: str, uid: str, like: Unit | None = None, directives: str = "") -> Unit:
    """A code block holding ``body``, in the page's markup (RST: indented like ``like``), named ``uid``."""
    if fmt == "html":
        return Unit("code", f'<pre class="screen">{body}</pre>\n', uid=uid)
    if fmt == "asciidoc":
        return Unit("code", f"[source,js]\n--------------------------------------------------\n{body}\n"
                    "--------------------------------------------------\n" + (f"{directives}\n" if directives else "")
                    + "\n", uid=uid)
    pad = _block_indent(like) if like is not None else ""
    inner = "\n".join(f"{pad}   {line}" if line else "" for line in body.split("\n"))
    return Unit("code", f"{pad}.. code-block::\n\n{inner}\n\n", uid=uid)


def text_unit(fmt: str, text: str, like: Unit | None = None, strong: bool = False) -> Unit:
    if fmt == "html":
        return Unit("other", f"<p><strong>{text}</strong></p>\n" if strong else f"<p>{text}</p>\n")
    pad = _block_indent(like) if like is not None and fmt == "rst" else ""
    return Unit("other", f"{pad}**{text}**\n\n" if strong and fmt == "rst" else f"{pad}{text}\n\n")


def heading_unit(fmt: str, title: str, like: Unit, deeper: bool = False) -> Unit:
    if fmt == "html":
        level = str(min(int(like.level or 4) + deeper, 6))
        return Unit("heading", f"<h{level} class=\"sectiontitle\">{title}</h{level}>\n", title, level)
    if fmt == "asciidoc":
        level = like.level + "=" * deeper
        return Unit("heading", f"{level} {title}\n\n", title, level)
    char = "^" if deeper else like.level
    return Unit("heading", f"{title}\n{char * max(len(title), 3)}\n\n", title, char)


def renamed(fmt: str, unit: Unit, title: str) -> Unit:
    if fmt == "html":
        return Unit("heading", re.sub(r"(<h[1-6]\b[^>]*>).*?(</h[1-6]>)", lambda m: m[1] + title + m[2], unit.text,
                                      count=1, flags=re.S), title, unit.level)
    return heading_unit(fmt, title, unit)


def _separated(text: str) -> str:
    return text if text.endswith("\n\n") or text.rstrip().endswith(">") else text.rstrip("\n") + "\n\n"


def marked_copy(unit: Unit, mark: str) -> Unit | None:
    """``unit`` with a mark in its JSON body (a key after the first line opening an object), or in the query of
    its request line; ``None`` when it has neither."""
    lines = unit.text.split("\n")
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.endswith("{") and (stripped == "{" or stripped.endswith(": {") or stripped.startswith("{")) \
                and not stripped.startswith(("[", "<")):
            pad = line[:len(line) - len(line.lstrip())] + "  "
            return replace(unit, uid=mark, text=_separated("\n".join([*lines[:index + 1],
                                                                      f'{pad}"pairing_mark": "{mark}",',
                                                                      *lines[index + 1:]])))
    for index, line in enumerate(lines):
        found = re.search(r"\b(GET|POST|PUT|DELETE|PATCH|HEAD)\s+([^\s<]+)", line)
        if found:
            target = found[2] + ("&" if "?" in found[2] else "?") + f"pairing={mark}"
            lines[index] = line[:found.start(2)] + target + line[found.end(2):]
            return replace(unit, uid=mark, text=_separated("\n".join(lines)))
    return None


# ------------------------------------------------------------------------------------------ pairs

def _unit_at(units: list[Unit], line: int) -> int | None:
    """The code unit holding ``line`` (1-based), else ``None``."""
    at = 1
    for index, unit in enumerate(units):
        lines = unit.text.count("\n")
        if unit.kind == "code" and at <= line <= at + max(lines - 1, 0):
            return index
        at += lines
    return None


def _lines_of(units: list[Unit], index: int) -> range:
    at = 1 + sum(u.text.count("\n") for u in units[:index])
    return range(at, at + max(units[index].text.count("\n"), 1))


class _AnySetups(dict[str, tuple[Request, ...]]):
    """Every named setup or teardown is known (and sends nothing): the pairing does not depend on build.gradle."""

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> tuple[Request, ...]:
        return ()


_ANY_SETUP = _AnySetups()


def pairs_of(document: Document, units: list[Unit]) -> tuple[set[tuple[str, str]], dict[str, int], dict[str, str]]:
    """The (request, response) pairs of a parsed page, each named by the block it comes from (``u7/0``: the first
    request of unit 7; ``u9``: the response of unit 9); where each starts (line); each request's method and path,
    and each response's status (``"status 404"``)."""
    found: set[tuple[str, str]] = set()
    where: dict[str, int] = {}
    shown: dict[str, str] = {}
    taken: Counter[str] = Counter()
    requests: dict[str, str] = {}  # example name -> its request's name
    answered: list[tuple[str, tuple[ExpectedResponse, ...]]] = []  # (request, the responses matched against it)
    for example in document.examples:
        if not example.requests or example.role is not Role.TEST:
            continue
        at = _unit_at(units, example.span.line)
        block = units[at].uid if at is not None else f"line{example.span.line}"
        request = f"{block}/{taken[block]}"
        taken[block] += 1
        requests[example.name] = request
        where[request] = example.span.line
        where[f"{request} end"] = example.span.end_line or example.span.line  # a request line, then its body
        shown[request] = f"{example.requests[-1].method} {example.requests[-1].path}"
        if document.format is not Format.ASCIIDOC:
            answered.append((request, example.expected))
    if document.format is Format.ASCIIDOC:
        # an AsciiDoc page's responses as replay matches them (the plan): a response after a TEST[continued]
        # snippet of # comments only is matched against the answer before it, as the runner's $body is; a
        # test that cannot run (a page the runner refuses whole, a build error inside it) matches none
        for test in plan_document(document, family="elasticsearch", setups=_ANY_SETUP, teardowns=_ANY_SETUP):
            answered += [(requests[step.origin], step.expected) for step in test.steps if test.problem is None
                         and step.phase == "test" and step.expected and step.origin in requests]
    for request, expected_responses in answered:
        for expected in expected_responses:
            if expected.span is None:  # the status table's default, not a documented response
                continue
            at = _unit_at(units, expected.span.line)
            response = units[at].uid if at is not None else f"status {expected.status} label"
            where.setdefault(response, expected.span.line)
            shown[response] = f"status {expected.status}"
            found.add((request, response))
    return found, where, shown


# -------------------------------------------------------------------------------------- mutations

@dataclass
class Mutation:
    """One changed page and what its pairing must then be.

    :param expected: the pairs the page must have; ``invariant``: a lost one is a defect even when warned.
    :param allowed: pairs it may have besides.
    :param touched: the uids of the blocks inserted or moved (a warning there excuses a lost pair).
    """

    name: str
    units: list[Unit]
    expected: set[tuple[str, str]]
    allowed: set[tuple[str, str]] = field(default_factory=set)
    invariant: bool = False
    touched: tuple[str, ...] = ()
    fragile: set[tuple[str, str]] = field(default_factory=set)  # may be lost with a warning even so
    line_end: str = "\n"  # how the page's lines end when parsed (the units are mapped by "\n" lines)


@dataclass
class Pair:
    request: str
    response: str
    q: int  # unit indices of the request and the response block
    s: int
    last: int = -1  # the request's last unit (its body block after the block of its request line)

    def __post_init__(self) -> None:
        self.last = max(self.last, self.q)


def _heading_before(units: list[Unit], index: int) -> int | None:
    return next((i for i in range(index, -1, -1) if units[i].kind == "heading"), None)


def _section_end(units: list[Unit], start: int) -> int:
    return next((i for i in range(start + 1, len(units)) if units[i].kind == "heading"), len(units))


class Marks:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"pairing-{self.n}"


def cloud_mutations(fmt: str, units: list[Unit], pair: Pair, base: set[tuple[str, str]], new_mark: Marks,
                    methods: dict[str, str]) -> Iterator[Mutation]:
    """:param methods: each request's method and each response's status (``status 404``), by ident."""
    q, s = pair.q, pair.s
    rq, rs = units[q], units[s]
    keep = {(pair.request, pair.response)}
    others = base - keep

    def put(at: int, *new: Unit) -> list[Unit]:
        return [*units[:at], *new, *units[at:]]

    # a page's one example response answers every call of its operation (variants of one call): a request
    # block of that operation added beside the others may take it too
    method = methods.get(pair.request, "")
    success = {r for _, r in base if not re.match(r"status [45]", methods.get(r, ""))}
    single = len({r for r_, r in base if methods.get(r_) == method and r in success}) == 1

    def variants(mark: str) -> set[tuple[str, str]]:
        return {(f"{mark}/{k}", pair.response) for k in range(4)} if single else set()

    with_s = {p for p in base if p[1] == pair.response}  # the response's pairs (variants share it)
    without_s = base - with_s
    mark = new_mark()
    extra = marked_copy(rq, mark)
    if extra is not None:  # a request line's block and its body's, when they are two
        body = [replace(u, uid=f"{mark}-body") for u in units[q + 1:pair.last + 1]]
        yield Mutation("extra-request", put(pair.last + 1, extra, *body), base, allowed=variants(mark),
                       touched=(mark,))
    index = {u.uid: i for i, u in enumerate(units)}

    def by_position(mark: str, at: int) -> set[tuple[str, str]]:
        """A response added to a page whose success responses are one fewer than its calls (two variants, one
        response) makes a page of as many responses as calls: one its author pairs by position (the rule)."""
        calls = sorted({r_.split("/")[0] for r_, r in base if r in success and methods.get(r_) == method},
                       key=lambda uid: index.get(uid, -1))
        shown = sorted({r for _, r in base if r in success} | {mark},
                       key=lambda uid: index[uid] if uid != mark else at - 0.5)
        if len(calls) != len(shown):
            return set()
        return {(r_, r) for uid, r in zip(calls, shown) for r_, _ in base if r_.split("/")[0] == uid}

    for where, at in (("after", s + 1), ("before", s)):
        mark = new_mark()
        yield Mutation(f"orphan-response-{where}", put(at, code_unit(fmt, f'{{"pairing_orphan": "{mark}"}}', mark, rs)),
                       by_position(mark, at) or base, touched=(mark,))
    mark = new_mark()
    second = marked_copy(rs, mark)
    if second is not None:
        yield Mutation("two-responses-numbered", put(s + 1, text_unit(fmt, "Example response 2", rs, strong=True),
                                                     second), by_position(mark, s + 1) or base, touched=(mark,))
    mark = new_mark()
    error = code_unit(fmt, f'{{"error_code": "{mark}", "error_msg": "The request is invalid."}}', mark, rs)
    # an error response of another status beside a success response changes nothing; beside an error response
    # of that status, which one the failing request expects is not said
    yield Mutation("two-responses-status", put(s + 1, text_unit(fmt, "Status code: 400", rs, strong=True), error),
                   base, invariant=pair.response in success, touched=(mark,),
                   fragile={p for p in base if p[1] not in success})
    hq, hs = _heading_before(units, q), _heading_before(units, s)
    if hq is not None and hs is not None and hq < q < hs < s:
        end = _section_end(units, hs)
        moved = [*units[:hq], *units[hs:end], *units[hq:hs], *units[end:]]
        # on a page of calls each followed by its response, what follows what is the pairing: not invariant
        interleaved = any(index.get(r, 0) < index.get(r_.split("/")[0], 0) for _, r in base for r_, _ in base)
        yield Mutation("response-section-first", moved, base, invariant=not interleaved)
        mark = new_mark()
        yield Mutation("schema-section-between", put(hs, heading_unit(fmt, "Request Body Schema", units[hq]),
                                                     code_unit(fmt, '{"type": "object", "properties": {"name": '
                                                               '{"type": "string"}}}', mark, rq)), base, invariant=True)
        yield Mutation("params-section-between", put(hs, heading_unit(fmt, "Response Parameters", units[hq]),
                                                     text_unit(fmt, "The response body holds the job's fields.")),
                       base, invariant=True)
        for old, new in (("request", "Request Example"), ("request", "Example Requests"),
                         ("response", "Response Example"), ("response", "Example Responses")):
            at = hq if old == "request" else hs
            changed = list(units)
            changed[at] = renamed(fmt, units[at], new)
            yield Mutation(f"renamed-{new.lower().replace(' ', '-')}", changed, base, invariant=True)
        changed = list(units)
        changed[hs] = heading_unit(fmt, "Response", units[hs], deeper=True)
        changed[hq: hq + 1] = [renamed(fmt, units[hq], "Example"), heading_unit(fmt, "Request", units[hq], deeper=True)]
        yield Mutation("renamed-example-request-response", changed, base, invariant=True)
        changed = list(units)  # the same with bold labels instead of sub-headings
        changed[hs] = text_unit(fmt, "Response", strong=True)
        changed[hq: hq + 1] = [renamed(fmt, units[hq], "Example"), text_unit(fmt, "Request", strong=True)]
        yield Mutation("labelled-example-request-response", changed, base, invariant=True)
    if q < s:
        # the status label stays where the page wrote it: a bodiless response of that status, the request's
        moved = [*units[:q], units[s], *units[q:s], *units[s + 1:]]
        # read as a request there, the block may take that status too
        labels = {(r, f"status {n} label") for r in (*(r_ for r_, _ in with_s), *(f"{rs.uid}/{k}" for k in range(4)))
                  for n in range(100, 600)}
        # and with one success response left, the rule above lends it to every call, the moved block's too
        rest = {r for r_, r in without_s if methods.get(r_) == method and r in success}
        lent = {(r_, r) for r_ in {r_ for r_, _ in base if methods.get(r_) == method} | {f"{rs.uid}/0"}
                for r in rest} if len(rest) == 1 else set()
        yield Mutation("response-before-request", moved, without_s, allowed=with_s | labels | lent, touched=(rs.uid,))
    mark = new_mark()
    yield Mutation("schema-block-between", put(pair.last + 1, code_unit(fmt, '{"type": "object", "properties": '
                                                                '{"id": {"type": "string"}}}', mark, rq)),
                   without_s, allowed=with_s | variants(mark), touched=(mark,))
    mark = new_mark()
    yield Mutation("curl-between", put(pair.last + 1, text_unit(fmt, "To query the result afterwards:", rq),
                                       code_unit(fmt, f'curl -X GET "https://{{endpoint}}/v1/{{project_id}}/{mark}" '
                                                 '-H "X-Auth-Token: $TOKEN"', mark, rq)), base, touched=(mark,))


def adoc_mutations(units: list[Unit], pair: Pair, base: set[tuple[str, str]], tests: dict[int, str],
                   new_mark: Marks) -> Iterator[Mutation]:
    """``tests``: unit index -> the request that a TESTRESPONSE after it answers (its last; ``""`` for a
    TESTSETUP or TEARDOWN snippet: a response there is an error)."""
    q, s = pair.q, pair.s
    keep = {(pair.request, pair.response)}
    others = base - keep
    rs = units[s]

    def put(at: int, *new: Unit) -> list[Unit]:
        return [*units[:at], *new, *units[at:]]

    yield Mutation("prose-between", put(s, text_unit("asciidoc", "The API returns the following result:")), base,
                   invariant=True)
    mark = new_mark()
    yield Mutation("plain-snippet-between", put(s, code_unit("asciidoc", f'{{"pairing": "{mark}"}}', mark,
                                                             directives="// NOTCONSOLE")), base, invariant=True)
    for name, directives in (("console-between", "// CONSOLE"), ("continued-between", "// CONSOLE\n// TEST[continued]")):
        mark = new_mark()
        new = code_unit("asciidoc", f"GET /{mark}/_search", mark, directives=directives)
        # Elasticsearch's rule: the response belongs to the most recent test snippet, the inserted one
        yield Mutation(name, put(s, new), others | {(f"{mark}/0", pair.response)}, touched=(mark,))
    # a TEST[continued] snippet of # comments only adds no request: the response still answers the request
    # before it (the runner's $body is the last answer)
    mark = new_mark()
    comment = code_unit("asciidoc", f"# {mark}: nothing more to send", mark, directives="// CONSOLE\n// TEST[continued]")
    yield Mutation("comment-continued-between", put(s, comment), base, invariant=True)
    mark = new_mark()
    second = marked_copy(rs, mark)
    if second is not None:
        yield Mutation("second-response", put(s + 1, second), base | {(pair.request, mark)}, touched=(mark,))
    # a response right after the TESTSETUP (or TEARDOWN) snippet is appended to that section of the generated
    # file, which the runner then refuses to load ("section [match] not supported"): no test of the page runs
    held = [i for i, owner in sorted(tests.items()) if owner == ""]
    mark = new_mark()
    misplaced = marked_copy(rs, mark)
    if held and misplaced is not None:
        yield Mutation("response-in-setup", put(held[0] + 1, text_unit("asciidoc", "The setup answers:"), misplaced),
                       set(), touched=(mark,))
    # a no-break space after "//" (a copy from a web page): no directive to the build, so the pair is lost,
    # and a warning must say so at the line
    unspaced = re.sub(r"\n// (TESTRESPONSE)", "\n//\u00a0\\1", rs.text, count=1)
    if unspaced != rs.text:
        yield Mutation("no-break-space-directive", [*units[:s], replace(rs, text=unspaced), *units[s + 1:]], others,
                       touched=(rs.uid,))
    detached = re.sub(r"\n(//\s*TESTRESPONSE)", r"\n\n\1", rs.text, count=1)
    if detached != rs.text:
        yield Mutation("detached-testresponse", [*units[:s], replace(rs, text=detached), *units[s + 1:]], others,
                       touched=(rs.uid,))
    first = next((i for i, u in enumerate(units) if u.kind == "code"), None)
    if first is not None and first < q:
        moved = [*units[:first], rs, *units[first:s], *units[s + 1:]]
        yield Mutation("response-first", moved, others, touched=(rs.uid,))
    earlier = [i for i in tests if i < q]
    owner = tests[earlier[-1]] if earlier else ""
    moved = [*units[:q], rs, *units[q:s], *units[s + 1:]]
    yield Mutation("response-before-request", moved, others | ({(owner, pair.response)} if owner else set()),
                   touched=(rs.uid,))


def modern_forms(units: list[Unit]) -> list[Unit]:
    """The page in the late 7.x forms: ``[source,console]`` for a CONSOLE snippet, ``[source,console-result]``
    for a TESTRESPONSE one (a bare directive dropped, one with items kept): the same pairs."""
    out = []
    for unit in units:
        lines = unit.text.split("\n")
        if unit.kind == "code" and lines[0].startswith("[source,js"):
            if "// CONSOLE" in lines:
                lines = ["[source,console]", *(x for x in lines[1:] if x != "// CONSOLE")]
            elif any(x.startswith("// TESTRESPONSE") for x in lines):
                lines = ["[source,console-result]", *(x for x in lines[1:] if x != "// TESTRESPONSE")]
        out.append(replace(unit, text="\n".join(lines)))
    return out


# --------------------------------------------------------------------------------------- campaign

@dataclass
class Page:
    label: str  # project and format
    path: Path  # shown in reports
    name: str  # Document.path
    fmt: str
    text: str
    dialect: Dialect = AUTO


def pages(with_corpus: bool = True) -> Iterator[Page]:
    config = load_config(ROOT / "docs_src" / "docharness.toml")
    sources = [(ROOT / "docs_src", ROOT, "docs_src", config)]
    if with_corpus and CORPUS.is_dir():
        sources += [(CORPUS / n, CORPUS / n, n, None) for n in ("es6", "otc-rst", "otc-html")]
    for folder, root, label, cfg in sources:
        for path in sorted(folder.rglob("*")):
            fmt = {".asciidoc": "asciidoc", ".adoc": "asciidoc", ".rst": "rst", ".html": "html"}.get(path.suffix)
            if fmt is None or "guide" in path.relative_to(folder).parts[:1] and path.name in ("conf.py",):
                continue
            if label == "docs_src" and path.relative_to(folder).parts[0] == "guide" and \
                    "examples" not in path.relative_to(folder).parts:
                continue
            name = path.relative_to(root).as_posix()
            dialect = cfg.dialect_at(path) if cfg is not None and fmt == "asciidoc" else AUTO
            yield Page(f"{label} {fmt}", path, name, fmt, path.read_text(encoding="utf-8"), dialect)


# pages written here for structures the sample shows rarely: numbered requests and responses with a failing
# request (RST), a walk-through of calls each followed by its response (HTML)
GENERATED = {
    "numbered.rst": """Creating Jobs
=============

URI
---

POST /v1/{project_id}/jobs

Example Requests
----------------

Example request 1: create a job

.. code-block:: text

   POST https://{endpoint}/v1/{project_id}/jobs

   {"name": "a"}

Example request 2: create a job with a queue

.. code-block:: text

   POST https://{endpoint}/v1/{project_id}/jobs

   {"name": "b", "queue": "q1"}

Failed sample request: a job without a name

.. code-block:: text

   POST https://{endpoint}/v1/{project_id}/jobs

   {"queue": "q1"}

Example Responses
-----------------

Response to example 1 (status code 201)

.. code-block::

   {"id": "job-a"}

Response to example 2 (status code 201)

.. code-block::

   {"id": "job-b", "queue": "q1"}

Failed sample response (status code 400)

.. code-block::

   {"error_code": "JOB.0001", "error_msg": "The name is missing."}
""",
    "walkthrough.html": """<h1>Creating and Checking a Queue</h1>
<h4 class="sectiontitle">URI</h4><p>POST /v1/{project_id}/queues</p>
<h4 class="sectiontitle">Example Requests</h4>
<p>Create the queue.</p>
<pre class="screen">POST https://{endpoint}/v1/{project_id}/queues

{"name": "q1", "cu_count": 16}</pre>
<h4 class="sectiontitle">Example Responses</h4>
<p><strong>Status code: 200</strong></p>
<pre class="screen">{"is_success": true, "queue_name": "q1"}</pre>
<h4 class="sectiontitle">Example Requests</h4>
<p>Check the queue.</p>
<pre class="screen">GET https://{endpoint}/v1/{project_id}/queues/q1</pre>
<h4 class="sectiontitle">Example Responses</h4>
<p><strong>Status code: 200</strong></p>
<pre class="screen">{"queue_name": "q1", "cu_count": 16, "status": "RUNNING"}</pre>
""",
}


def generated() -> Iterator[Page]:
    for name, text in GENERATED.items():
        fmt = name.rsplit(".", 1)[1]
        yield Page(f"generated {fmt}", Path("generated") / name, f"generated/{name}", fmt, text)


def parse(page: Page, text: str) -> Document:
    function = parser_for(page.name)
    assert function is not None
    return function(text, page.name, page.dialect) if page.fmt == "asciidoc" else function(text, page.name)


UNITS: dict[str, Callable[[str], list[Unit]]] = {"rst": rst_units, "html": html_units, "asciidoc": adoc_units}


class Campaign:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.runs: Counter[tuple[str, str]] = Counter()
        self.defects: Counter[tuple[str, str]] = Counter()
        self.kinds: Counter[str] = Counter()
        self.lines: list[str] = []
        self.pages = self.pairs = 0
        self.unsplit = 0
        self.shown: dict[str, str] = {}

    def page(self, page: Page) -> None:
        units = UNITS[page.fmt](page.text)
        if "".join(u.text for u in units) != page.text:
            self.unsplit += 1
            return
        document = parse(page, page.text)
        base, where, self.shown = pairs_of(document, units)
        if not base:
            return
        self.pages += 1
        marks = Marks()
        tests: dict[int, str] = {}
        if page.fmt == "asciidoc":
            taken: Counter[str] = Counter()
            for example in document.examples:
                at = _unit_at(units, example.span.line)
                if at is not None:
                    tests[at] = f"{units[at].uid}/{taken[units[at].uid]}" if example.role is Role.TEST else ""
                    taken[units[at].uid] += example.role is Role.TEST
        if page.fmt == "asciidoc":
            self.check(page, Mutation("modern-forms", modern_forms(units), base, invariant=True))
            # old Mac line ends: Java's line reader ends a line at a lone CR, so the build's pairs are the same
            self.check(page, Mutation("cr-line-ends", units, base, invariant=True, line_end="\r"))
        index = {u.uid: i for i, u in enumerate(units)}
        for request, response in sorted(base):
            q, s = index.get(request.split("/")[0]), index.get(response)
            if q is None or s is None or q == s:
                continue
            self.pairs += 1
            last = _unit_at(units, where.get(f"{request} end", 0))
            pair = Pair(request, response, q, s, last if last is not None and last < s else q)
            made = adoc_mutations(units, pair, base, tests, marks) if page.fmt == "asciidoc" else \
                cloud_mutations(page.fmt, units, pair, base, marks, {k: v if v.startswith("status") else v.split()[0]
                                                                     for k, v in self.shown.items()})
            for mutation in made:
                self.check(page, mutation)

    def check(self, page: Page, mutation: Mutation) -> None:
        document = parse(page, "".join(u.text for u in mutation.units).replace("\n", mutation.line_end))
        got, where, shown = pairs_of(document, mutation.units)
        self.shown.update(shown)
        self.runs[(page.label, mutation.name)] += 1
        warned = {d.span.line for d in document.diagnostics if d.level in (Level.WARNING, Level.ERROR)}
        for request, response in sorted(got - mutation.expected - mutation.allowed):
            self.defect(page, mutation, "wrong-pair", where.get(response, 0),
                        f"{self.name(response)} paired with {self.name(request)}")
        for request, response in sorted(mutation.expected - got):
            near: set[int] = set()
            for i, unit in enumerate(mutation.units):
                if unit.uid in (request.split("/")[0], response, *mutation.touched):
                    near |= set(_lines_of(mutation.units, i))
            near |= {where[name] for name in (request, response) if name in where}  # a request line in prose
            line = next((n for i, u in enumerate(mutation.units) if u.uid == response
                         for n in _lines_of(mutation.units, i)), 0)
            if mutation.invariant and (request, response) not in mutation.fragile:
                self.defect(page, mutation, "lost-pair", line,
                            f"{self.name(response)} no longer paired with {self.name(request)}")
            elif not near & warned:
                self.defect(page, mutation, "silent-loss", line, f"{self.name(response)} no longer paired with "
                            f"{self.name(request)}, and no warning at either")

    def name(self, ident: str) -> str:
        if ident.startswith("pairing-"):
            return f"the inserted block {ident}"
        if "/" in ident:
            return f"the request {self.shown.get(ident, ident)}"
        return f"the response {ident}"

    def defect(self, page: Page, mutation: Mutation, kind: str, line: int, what: str) -> None:
        self.defects[(page.label, mutation.name)] += 1
        self.kinds[kind] += 1
        self.lines.append(f"{page.path}:{line}  {mutation.name}: {kind}: {what}")


def _plant() -> None:
    """A known defect: every cloud request takes the page's first response, whatever its label and place."""
    from harness.parsers import cloud_pairing

    original = cloud_pairing.pair

    def planted(drafts, responses, *args, **kwargs):  # type: ignore[no-untyped-def]
        chosen = original(drafts, responses, *args, **kwargs)
        return [responses[0] if responses else c for c in chosen]

    cloud_pairing.pair = planted


def report(campaign: Campaign, seconds: float) -> None:
    runs = sum(campaign.runs.values())
    print(f"pairing campaign: {campaign.pages} pages with pairs ({campaign.unsplit} not split), {campaign.pairs} "
          f"pairs mutated, {runs} mutated pages parsed in {seconds:.1f} s")
    by_name: dict[str, Counter[str]] = defaultdict(Counter)
    for (label, name), count in campaign.runs.items():
        by_name[name]["runs"] += count
        by_name[name]["defects"] += campaign.defects[(label, name)]
    by_label: dict[str, Counter[str]] = defaultdict(Counter)
    for (label, name), count in campaign.runs.items():
        by_label[label]["runs"] += count
        by_label[label]["defects"] += campaign.defects[(label, name)]
    for title, table in (("per mutation", by_name), ("per format", by_label)):
        print(f"\n{title:<36} {'runs':>6} {'defects':>8}")
        for name in sorted(table):
            print(f"{name:<36} {table[name]['runs']:>6} {table[name]['defects']:>8}")
    print(f"{'total':<36} {runs:>6} {sum(campaign.defects.values()):>8}")
    if campaign.kinds:
        print("\nby kind: " + ", ".join(f"{k} {v}" for k, v in sorted(campaign.kinds.items())))
    print(f"\n{len(campaign.lines)} defects" + (":" if campaign.lines else ""))
    for line in campaign.lines:
        print(f"  {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-corpus", action="store_true", help="docs_src only")
    parser.add_argument("--plant", action="store_true", help="plant a known pairing defect: exit 0 only when found")
    parser.add_argument("-k", default="", help="only pages whose path contains this")
    args = parser.parse_args(argv)
    if args.plant:
        _plant()
    started = time.perf_counter()
    campaign = Campaign(args)
    for page in [*pages(not args.no_corpus), *generated()]:
        if args.k in str(page.path):
            campaign.page(page)
    report(campaign, time.perf_counter() - started)
    if args.plant:
        print("the planted defect was " + ("found" if campaign.lines else "NOT found: the campaign cannot fail"))
        return 0 if campaign.lines else 1
    return 1 if campaign.lines else 0


if __name__ == "__main__":
    sys.exit(main())
