"""What a page says to its readers around the examples: captions and admonitions.

Applied to every parsed ``Document`` with the page's text (a pure function, like
the parsers): each example's ``caption`` is the paragraph that introduces it
(AsciiDoc ``The response:``, a block title ``.Stop a job``, an RST or HTML
paragraph right before the code block), and the page's ``notices`` are its
admonitions — AsciiDoc ``experimental[]``, ``beta[]``, ``deprecated[6.3.0, "..."]``,
``NOTE:`` / ``[WARNING]`` blocks, RST ``.. note::`` / ``.. deprecated::``, and the
``note`` / ``caution`` / ``warning`` boxes of cloud HTML pages.
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
from collections.abc import Sequence
from dataclasses import fields

from harness.model import Document, Example, Format, Notice, Span, field_values

__all__ = ["asciidoc_caption", "asciidoc_notices", "one_space_apart", "page_lines", "with_prose"]

KINDS = ("experimental", "beta", "deprecated", "note", "tip", "important", "warning", "caution")
_MACRO = re.compile(r"^(experimental|beta|deprecated)\[(.*)\]\s*$", re.IGNORECASE)
_LABEL = re.compile(r"^(NOTE|TIP|IMPORTANT|WARNING|CAUTION):\s+(\S.*)$")
_BLOCK = re.compile(r"^\[(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*$")
_RST_NOTICE = re.compile(r"^\.\. (note|tip|important|warning|caution|deprecated|attention|danger)::\s*(.*)$")
_HTML_NOTICE = re.compile(r'<div class="(note|notice|caution|warning|danger|important|tip)"[^>]{0,500}>',
                          re.IGNORECASE)
_HTML_NOTICE_END = re.compile(r"</div>\s*</div>", re.IGNORECASE)
_NOTICE_WINDOW = 8000  # a notice box is a few sentences: its end is looked for this far, never to the page's end
_HTML_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL | re.IGNORECASE)
_HTML_BLOCK_END = re.compile(r"<(h\d|table|pre|ul|ol)\b", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_MARKUP = re.compile(r"<<[^,>]*,\s*([^>]*)>>|<<([^>]*)>>|`|\*\*|__|\{[\w-]+\}")
_DEFAULTS = {"experimental": "This functionality is experimental and may be changed or removed in a future release.",
             "beta": "This functionality is in beta and is subject to change."}
_LIMIT = 400


def one_space_apart(text: str) -> bool:
    """Whether ``" ".join(text.split())`` is ``text`` itself, decided without splitting: most captions and
    paragraphs are lines joined by spaces already (splitting them again was a third of a caption's cost). In
    ASCII text the whitespace ``str.split`` knows is the space and nine control characters, each looked for by
    one quick search (``isprintable`` looked every character up in the Unicode tables: ten times the cost)."""
    return (text.isascii() and "  " not in text and text[:1] != " " and text[-1:] != " " and "\n" not in text
            and "\t" not in text and "\r" not in text and "\x0b" not in text and "\x0c" not in text
            and "\x1c" not in text and "\x1d" not in text and "\x1e" not in text and "\x1f" not in text)


def _plain(text: str) -> str:
    # only what a caption can show is read: _MARKUP backtracks on runs of "<<" without ">>", so a
    # bounded input keeps a hostile paragraph linear in the page
    text = text[:_LIMIT * 8]
    if not one_space_apart(text):
        text = " ".join(text.split())
    if "`" not in text and "{" not in text and "<<" not in text and "**" not in text and "__" not in text:
        return text[:_LIMIT]  # no markup (what _MARKUP's alternatives start with): most paragraphs
    text, changed = _MARKUP.subn(lambda m: m.group(1) or m.group(2) or "", text)
    return (" ".join(text.split()) if changed else text)[:_LIMIT]  # unchanged: already one space apart


# the line breaks str.splitlines() knows besides "\n" (a "\r" of "\r\n" included, to keep the test simple)
_OTHER_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def page_lines(text: str, split: list[str]) -> list[str]:
    """``text.splitlines()``, the lines captions and notices are read from: ``split`` itself (the page
    split at "\\n" only, as a parser already did) when the page has no other line break."""
    # one search per character (a quick memchr each) costs a twentieth of a character class's scan
    return text.splitlines() if any(mark in text for mark in _OTHER_BREAKS) else split


def asciidoc_caption(lines: Sequence[str], fence: int) -> str:
    """The block title or the paragraph above an AsciiDoc listing whose fence is on line ``fence``."""
    index = fence - 2  # 0-based line above the fence
    while index >= 0 and ((line := lines[index]).startswith(("[source", "// ")) or not line.strip()):
        index -= 1
    if index >= 0 and (line := lines[index]).startswith(".") and not line.startswith(".."):
        return _plain(line[1:])
    collected: list[str] = []
    while index >= 0 and (line := lines[index].strip()):
        # a heading, a listing, a directive or a list: not prose that introduces the block (the first and
        # last characters are looked at first: most lines are prose, and a tuple of prefixes costs more)
        if (line[0] in _NOT_PROSE and line.startswith(("=", "----", "//", "[", "|", "*", ":"))
                or line[-1] == ":" and line.endswith("::")):
            return ""
        collected.append(line)  # upwards; reversed below (insert(0) would be quadratic in the paragraph)
        index -= 1
    collected.reverse()
    return _plain(" ".join(collected))


_NOT_PROSE = frozenset("=-/[|*:")  # the first characters of the lines that end a caption's paragraph


def _rst_caption(lines: Sequence[str], directive: int) -> str:
    index = directive - 2
    while index >= 0 and not lines[index].strip():
        index -= 1
    collected: list[str] = []
    while index >= 0 and lines[index].strip() and not lines[index].startswith((" ", "..", "**", "=", "-", "+", "|")):
        collected.append(lines[index].strip())
        index -= 1
    text = " ".join(reversed(collected))
    return "" if text.endswith("::") else _plain(text)


def _line_starts(lines: Sequence[str]) -> list[int]:
    """Where each of the page's lines starts in its text, counting one end-of-line character a line."""
    offsets = list(itertools.accumulate(map((1).__add__, map(len, lines)), initial=0))
    offsets.pop()
    return offsets


def _html_caption(text: str, lines: Sequence[str], line: int) -> str:
    if not 0 < line <= len(lines):
        return ""
    start = len("\n".join(lines[:line - 1])) + (line > 1)  # _line_starts(lines)[line - 1], for one line
    pre = text.find("<pre", start)
    before = text[max(0, (pre if pre >= 0 else start) - 2000):(pre if pre >= 0 else start)]
    paragraphs = list(_HTML_PARAGRAPH.finditer(before))
    if not paragraphs or _HTML_BLOCK_END.search(before, paragraphs[-1].end()):
        return ""
    return _plain(html.unescape(_TAG.sub(" ", paragraphs[-1].group(1))))


def _caption(document: Document, example: Example, text: str, lines: Sequence[str]) -> str:
    line = example.span.line
    if not 0 < line <= len(lines):
        return ""
    if document.format is Format.ASCIIDOC:
        return asciidoc_caption(lines, line)
    if document.format is Format.RST:
        return _rst_caption(lines, line)
    return _html_caption(text, lines, line)


# The lines _asciidoc_notices can take (a stripped line starting as _MACRO, _LABEL or _BLOCK does), each
# found after its "\n" by one search of the page (a literal first character is quick to look for) instead
# of two matches per line; the lookahead passes only the first characters those can start with
_NOTICE_START = re.compile(r"\n[^\S\n]*(?=[eEbBdDNTIWC\[])(?:(?i:experimental|beta|deprecated)\["
                           r"|(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION):|\[(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\])")


def _notice_lines(text: str, lines: Sequence[str], newline_split: bool = False) -> Sequence[int]:
    """The 1-based numbers of the ``lines`` (``text.splitlines()``) that may hold a notice; ``newline_split``
    when the caller knows they are ``text`` split at "\n" only (then no count of the page's lines is made)."""
    if not newline_split and len(lines) != text.count("\n") + (not text.endswith("\n")) - (not text):
        return range(1, len(lines) + 1)  # splitlines broke at more than "\n" (a lone "\r", "\f" ...)
    numbers: list[int] = []
    number, position = 0, 0
    text = "\n" + text
    for found in _NOTICE_START.finditer(text):
        number += text.count("\n", position, found.start() + 1)
        position = found.start() + 1
        numbers.append(number)
    return numbers


def asciidoc_notices(lines: Sequence[str], path: str, text: str, *, newline_split: bool = False) -> list[Notice]:
    """The admonitions of an AsciiDoc page; ``lines`` is ``text.splitlines()``.

    :param newline_split: ``lines`` is known to be ``text`` split at "\n" only, the page having no other line
        break (a parser that split it so passes ``True``: a count of the page's lines is saved).
    """
    found: list[Notice] = []
    for number in _notice_lines(text, lines, newline_split):
        line = lines[number - 1].strip()
        macro = _MACRO.match(line)
        label = _LABEL.match(line)
        if macro:
            kind, argument = macro.group(1).lower(), macro.group(2).strip()
            if kind == "deprecated":
                version, _, reason = argument.partition(",")
                message = f"Deprecated in {version.strip()}." + (f" {reason.strip().strip(chr(34))}" if reason else "")
            else:
                message = argument.strip('"') or _DEFAULTS[kind]
            found.append(Notice(kind, _plain(message), Span(path, number)))
        elif label:
            found.append(Notice(label.group(1).lower(), _plain(label.group(2)), Span(path, number)))
        elif _BLOCK.match(line) and number < len(lines) and lines[number].strip() == "====":
            body = []
            following = number + 1  # the block's lines up to its closing "====" (no copy of the page's rest)
            while following < len(lines) and lines[following].strip() != "====":
                body.append(lines[following])
                following += 1
            found.append(Notice(line[1:-1].lower(), _plain(" ".join(body)), Span(path, number)))
    return found


def _rst_notices(lines: Sequence[str], path: str) -> list[Notice]:
    found: list[Notice] = []
    for number, line in enumerate(lines, 1):
        match = _RST_NOTICE.match(line)
        if not match:
            continue
        kind = {"attention": "important", "danger": "warning"}.get(match.group(1), match.group(1))
        body = [match.group(2)]
        following = number  # the notice's indented lines (no slice of the rest of the page per notice)
        while following < len(lines) and (not lines[following].strip() or lines[following].startswith((" ", "\t"))):
            body.append(lines[following])
            following += 1
        text = " ".join(part.strip() for part in body if part.strip())
        if kind == "deprecated" and match.group(2):
            text = f"Deprecated in {text}"
        found.append(Notice(kind, _plain(text), Span(path, number)))
    return found


def _html_notices(text: str, lines: Sequence[str], path: str) -> list[Notice]:
    found: list[Notice] = []
    offsets: list[int] | None = None  # worked out at the first notice: most pages have none
    position = 0
    while (match := _HTML_NOTICE.search(text, position)) is not None:
        end = _HTML_NOTICE_END.search(text, match.end(), match.end() + _NOTICE_WINDOW)
        position = end.end() if end else match.end()
        if end is None:  # not closed nearby: not a notice box this reader understands
            continue
        kind = {"notice": "note", "danger": "warning"}.get(match.group(1).lower(), match.group(1).lower())
        body = html.unescape(_TAG.sub(" ", text[match.end():end.start()]))
        body = re.sub(r"^\s*(NOTE|NOTICE|CAUTION|WARNING|DANGER|TIP|IMPORTANT)\s*:?", "", body, flags=re.IGNORECASE)
        offsets = _line_starts(lines) if offsets is None else offsets
        line = bisect.bisect_right(offsets, match.start())
        found.append(Notice(kind, _plain(body), Span(path, max(line, 1))))
    return found


_FIELDS = tuple(f.name for f in fields(Example))
_CAPTION = _FIELDS.index("caption")
_EXAMPLES, _NOTICES = (tuple(f.name for f in fields(Document)).index(name) for name in ("examples", "notices"))


def _captioned(example: Example, caption: str) -> Example:
    """``replace(example, caption=caption)``, without ``replace``'s look at every field's definition."""
    if not caption:
        return example
    values = field_values(Example)(example)
    return Example(*[*values[:_CAPTION], caption, *values[_CAPTION + 1:]])


def with_prose(document: Document, text: str) -> Document:
    """``document`` with its examples' captions and its notices read from the page's ``text``."""
    from harness.parsers.page import source_lines  # here: AsciiDoc reads its prose without with_prose or page

    lines = source_lines(text)
    examples = tuple(_captioned(e, _caption(document, e, text, lines)) if not e.caption else e
                     for e in document.examples)
    if document.format is Format.ASCIIDOC:
        notices = asciidoc_notices(lines, document.path, text)
    elif document.format is Format.RST:
        notices = _rst_notices(lines, document.path)
    else:
        notices = _html_notices(text, lines, document.path)
    values = [*field_values(Document)(document)]  # replace(document, examples=..., notices=...), by position
    values[_EXAMPLES], values[_NOTICES] = examples, tuple(notices) or document.notices
    return Document(*values)
