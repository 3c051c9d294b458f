"""Near misses: comment lines that look like a directive but are not one, each a warning.

Elasticsearch's build treats such lines as prose and silently drops the directive
(``TEST [continued]``, ``TEST[]``, ``TEST[x] trailing``, an unclosed bracket, a
lower-case or misspelt name). docharness says so, with "did you mean ...?"; any
other upper-case ``NAME[...]`` comment is reported as an unknown directive, so no
directive-looking line is ever dropped without a word, in any format.
"""

from __future__ import annotations

import difflib
import functools
import re

from harness.model import Diagnostic, Level, Span
from harness.parsers.directives import NAMES, match_directive
from harness.parsers.java_text import plain_spaces, unusual_space

__all__ = ["UNKNOWN", "near_miss", "near_miss_name"]

_WORD = re.compile(r"(\s*)([A-Za-z_]+)(.*)")
UNKNOWN = "?"  # near_miss_name's answer for a directive-looking line with no known name near it


def near_miss(text: str, span: Span) -> Diagnostic | None:
    """A warning for a comment that looks like a directive but is not one, or ``None``.

    Elasticsearch treats such lines as prose, silently dropping the directive:
    ``TEST [continued]``, ``TEST[]``, ``TEST[x] trailing``, an unclosed bracket,
    a lower-case or misspelt name.

    :param text: the comment text with its marker removed.
    :param span: the comment line (its column is where ``text`` starts).
    """
    name = near_miss_name(text)
    found = _WORD.fullmatch(text)
    if name is None or found is None:
        return None
    lead, word, rest = found.groups()
    where = Span(span.path, span.line, span.column + len(lead), span.line, span.column + len(text.rstrip()) - 1)
    return _near_miss_diagnostic(name, word, rest, where, lead)


@functools.lru_cache(maxsize=4096)  # comment lines repeat across pages; difflib is slow
def near_miss_name(text: str) -> str | None:
    """The directive name a comment text nearly is (when ``near_miss`` would warn), or ``None``."""
    if match_directive(text) is not None:
        return None
    found = _WORD.fullmatch(text)
    if found is None:
        return None
    word, rest = found.group(2), found.group(3)
    return word if word in NAMES else _close_name(word, rest)


def _close_name(word: str, rest: str) -> str | None:
    if word.upper() in NAMES:
        return word.upper()
    if not (word.isupper() or rest.lstrip().startswith("[")):
        return None
    close = difflib.get_close_matches(word.upper(), NAMES, n=1, cutoff=0.8)
    if close:
        return close[0]
    # a bare word (or one followed by "[") one typo away: TSET, TESTRESPONCE, CONSLE
    if len(word) >= 3 and (not rest.strip() or rest.lstrip().startswith("[")):
        edited = next((name for name in NAMES if _one_edit(word.upper(), name)), None)
        if edited:
            return edited
    # any other upper-case NAME[...] is directive-looking: never dropped without a word
    return UNKNOWN if word.isupper() and len(word) >= 3 and rest.startswith("[") and rest.rstrip().endswith("]") \
        else None


def _one_edit(word: str, name: str) -> bool:
    """Whether ``word`` is ``name`` with one letter changed, added, dropped or two neighbours swapped."""
    if abs(len(word) - len(name)) > 1 or word == name:
        return False
    first = next((i for i, (a, b) in enumerate(zip(word, name)) if a != b), min(len(word), len(name)))
    if len(word) == len(name):
        return (word[first + 1:] == name[first + 1:]
                or word[first:first + 2] == name[first:first + 2][::-1] and word[first + 2:] == name[first + 2:])
    shorter, longer = (word, name) if len(word) < len(name) else (name, word)
    return shorter[first:] == longer[first + 1:]


def _near_miss_diagnostic(name: str, word: str, rest: str, where: Span, lead: str = "") -> Diagnostic:
    stripped = rest.strip()
    space = unusual_space(lead + rest) if word == name else None
    if space is not None and match_directive(plain_spaces(lead + word + rest)) is not None:  # all that is wrong
        return Diagnostic(Level.WARNING, "malformed-directive", f"this {name} line holds {space}, which is no "
                          "space to Elasticsearch's build (Java's \\s is ASCII), so the line is plain text", where,
                          "replace the character with a plain space, or delete it")
    args = stripped[1:stripped.rfind("]")] if stripped.startswith("[") and "]" in stripped else ""
    suggestion = f"{name}[{args}]" if args else name
    code = "malformed-directive"
    if name == UNKNOWN:
        return Diagnostic(Level.WARNING, "unknown-directive", f"{word!r} is not a directive docharness knows, so "
                          "the line is ignored", where, f"known directives: {', '.join(NAMES[:-3] + NAMES[-2:])}")
    if word != name:
        code = "unknown-directive"
        message = f"{word!r} is not a directive name, so the line is ignored"
    elif rest.startswith((" ", "\t")) and stripped.startswith("["):
        message = f"the space before '[' makes this {name} line plain text"
    elif stripped == "[]":
        message = f"empty brackets make this {name} line plain text"
    elif stripped.startswith("[") and "]" not in stripped:
        message = f"the bracket of this {name} line is never closed, so the line is plain text"
        suggestion = f"{name}{stripped}]"
    elif stripped.startswith("[") and not stripped.endswith("]"):
        message = f"text after ']' makes this {name} line plain text"
    elif name in ("CONSOLE", "NOTCONSOLE", "TESTSETUP", "TEARDOWN", "AUTOSENSE") and stripped:
        message = f"{name} takes no arguments, so this line is plain text"
        suggestion = name
    else:
        message = f"this {name} line is not a valid directive, so it is ignored"
    return Diagnostic(Level.WARNING, code, message, where, f"did you mean `{suggestion}`?")
