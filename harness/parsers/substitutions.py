"""``s/pattern/replacement/`` with the semantics of Java's ``String.replaceAll``.

Elasticsearch applies each substitution with ``contents.replaceAll(pattern,
replacement)`` after rewriting the replacement: ``$body`` and ``$_path`` are
escaped so they stay literal, then the two characters ``\\n`` become a newline.
What is left follows ``Matcher.appendReplacement``: ``\\x`` is a literal ``x``,
``$<digits>`` and ``${name}`` are group references, any other ``$`` is an
"Illegal group reference". Java patterns are translated to Python ``re`` where
the two differ (``\\Q..\\E``, ``(?<name>``, ``\\z``/``\\Z``, ``\\h``, ``\\R``,
``\\v``, ASCII-only ``\\d\\w\\s`` as Java's defaults, ``\\p{..}`` properties by Java's
names: ``harness.parsers.java_properties``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from harness.model import Diagnostic, Level, Span, Substitution
from harness.parsers.user_regex import RegexError, RegexTimeout, compile_user, search, sub

if TYPE_CHECKING:
    from harness.parsers.user_regex import Match, Pattern

__all__ = [
    "DEFAULT_VALUES",
    "SubstitutionError",
    "apply_substitutions",
    "compile_replacement",
    "default_substitutions",
    "translate_pattern",
    "uses_defaults",
]

# The build's default substitutions (DocsTestPlugin), in map order; values for the
# 6.8 line the seed pages were written against.
DEFAULT_VALUES: tuple[tuple[str, str], ...] = (
    (r"\{version\}", "6.8.13"),
    (r"\{version_qualified\}", "6.8.13"),
    (r"\{lucene_version\}", "7.7.3"),
    (r"\{build_flavor\}", "default"),
    (r"\{build_type\}", "tar"),
)

_JAVA_ESCAPES = {
    "z": r"\Z",
    "Z": r"(?=\n?\Z)",
    "h": "[ \\t\\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000]",
    "H": "[^ \\t\\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000]",
    "v": "[\\n\\x0b\\f\\r\\x85\\u2028\\u2029]",
    "V": "[^\\n\\x0b\\f\\r\\x85\\u2028\\u2029]",
    "R": "(?:\\r\\n|[\\n\\x0b\\f\\r\\x85\\u2028\\u2029])",
    "e": r"\x1b",
}
_UNSUPPORTED = set("GXk")


class SubstitutionError(ValueError):
    """A pattern or replacement Java would reject (or that Python cannot express)."""


def uses_defaults(text: str) -> bool:
    """Whether a default substitution matches ``text``; when none does, applying them changes nothing."""
    return _defaults_any().search(text) is not None


def default_substitutions(path: str, attributes: Sequence[tuple[str, str]] | None = None) -> tuple[Substitution, ...]:
    """The build's default substitutions, as ``Substitution`` items spanning line 1 of ``path``.

    :param attributes: (attribute name, value) pairs, in the build's order (``Dialect.attributes()``);
        ``None`` for ``DEFAULT_VALUES``.
    """
    span = Span(path, 1)
    if attributes is None:
        return tuple(Substitution(pattern, value, span) for pattern, value in DEFAULT_VALUES)
    # a value is a Java replacement: its backslashes and dollars are literal text
    return tuple(Substitution(rf"\{{{name}\}}", value.replace("\\", "\\\\").replace("$", "\\$"), span)
                 for name, value in attributes)


@functools.lru_cache(maxsize=1024)
def translate_pattern(java: str, verbose: bool = False) -> Pattern[str]:
    """Compile a Java regex as Python ``re`` with the same meaning (``verbose``: Java's ``COMMENTS``).

    :raises SubstitutionError: for constructs Java rejects or Python cannot express.
    """
    source = _translated(java)
    try:
        return compile_user(source, ascii_only=True, verbose=verbose)
    except (RegexError, re.error, OverflowError, RecursionError) as exc:
        raise SubstitutionError(f"invalid regex: {exc}") from exc


@functools.lru_cache(maxsize=1024)
def _translated(java: str) -> str:
    """The Python text of a Java regex (what ``translate_pattern`` compiles), made without the ``regex`` package.

    :raises SubstitutionError: for constructs Java rejects or Python cannot express.
    """
    out: list[str] = []
    i, n, in_class = 0, len(java), False
    class_start, extras = 0, list[str]()  # where the open [...] starts in out; its \p items class syntax cannot hold
    while i < n:
        char = java[i]
        if char == "\\" and i + 1 < n:
            nxt = java[i + 1]
            if nxt in "pP":
                i = _property(java, i, out, extras if in_class else None)
                continue
            if nxt == "Q":
                end = java.find("\\E", i + 2)
                end = n if end < 0 else end
                out.append(re.escape(java[i + 2:end]))
                i = end + 2
                continue
            if nxt in _UNSUPPORTED:
                raise SubstitutionError(f"\\{nxt} is not supported in substitution patterns")
            out.append("\\" + nxt if in_class else _JAVA_ESCAPES.get(nxt, "\\" + nxt))
            i += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
                if extras:
                    out[class_start:] = [_with_properties("".join(out[class_start:]) + "]", extras)]
                    extras = []
                    i += 1
                    continue
            elif char == "[" or java.startswith("&&", i):
                raise SubstitutionError("nested or intersected character classes are not supported")
        elif char == "[":
            in_class, class_start = True, len(out)
            out.append(char)
            i += 1
            for prefix in ("^]", "]", "^"):  # a leading ] is literal in both dialects
                if java.startswith(prefix, i):
                    out.append(prefix.replace("]", "\\]"))
                    i += len(prefix)
                    break
            continue
        elif java.startswith("(?<", i) and i + 3 < n and java[i + 3] not in "=!":
            out.append("(?P<")
            i += 3
            continue
        out.append(char)
        i += 1
    if in_class:
        raise SubstitutionError("unclosed character class [")
    return "".join(out)


def _property(java: str, at: int, out: list[str], extras: list[str] | None) -> int:
    """A ``\\p{..}`` at ``at``: added to ``out`` (or, inside a class that cannot hold it, to ``extras``)."""
    from harness.parsers.java_properties import read_property  # here: few pages write \p{..}

    try:
        found, end = read_property(java, at)
    except ValueError as exc:
        raise SubstitutionError(str(exc)) from None
    inside = found.in_class() if extras is not None else None
    if extras is None or inside is not None:
        out.append(found.element() if inside is None else inside)
    else:
        extras.append(found.element())
    return end


def _with_properties(klass: str, extras: list[str]) -> str:
    """A class ``[...]`` plus the ``\\p`` items it held that class syntax cannot say, as one pattern."""
    negated = klass.startswith("[^")
    rest = klass[2:-1] if negated else klass[1:-1]
    parts = ([f"[{rest}]"] if rest else []) + extras
    either = f"(?:{'|'.join(parts)})"
    return f"(?:(?!{either})(?s:.))" if negated else either


Piece = str | int  # a literal, or a group number


def compile_replacement(replacement: str, pattern: Pattern[str]) -> tuple[Piece, ...]:
    """Turn a replacement as written in a doc into literal pieces and group numbers.

    :raises SubstitutionError: "Illegal group reference" and Java's other replacement errors.
    """
    return _replacement(replacement, pattern.groups, tuple(pattern.groupindex.items()))


@functools.lru_cache(maxsize=1024)
def _replacement(replacement: str, groups: int, names: tuple[tuple[str, int], ...]) -> tuple[Piece, ...]:
    """``compile_replacement`` for a pattern of ``groups`` groups, ``names`` its named ones (name, number)."""
    java = replacement.replace("$body", "\\$body").replace("$_path", "\\$_path").replace("\\n", "\n")
    pieces: list[Piece] = []
    literal: list[str] = []
    i, n, groupindex = 0, len(java), dict(names)
    while i < n:
        char = java[i]
        if char == "\\":
            if i + 1 >= n:
                raise SubstitutionError("character to be escaped is missing (a trailing \\)")
            literal.append(java[i + 1])
            i += 2
            continue
        if char != "$":
            literal.append(char)
            i += 1
            continue
        ref, i = _group_reference(java, i + 1, groupindex, groups)
        if literal:
            pieces.append("".join(literal))
            literal = []
        pieces.append(ref)
    if literal:
        pieces.append("".join(literal))
    return tuple(pieces)


def _group_reference(java: str, i: int, groupindex: dict[str, int], groups: int) -> tuple[int, int]:
    """Read a group reference after ``$`` at ``i``; return the group number and the next index."""
    if i < len(java) and java[i] == "{":
        end = java.find("}", i)
        name = java[i + 1:end] if end > 0 else ""
        if end < 0 or not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name):
            raise SubstitutionError("Illegal group reference: named capturing group is missing trailing '}'")
        if name not in groupindex:
            raise SubstitutionError(f"Illegal group reference: no group with name {{{name}}}")
        return groupindex[name], end + 1
    if i >= len(java) or not java[i].isdigit() or not java[i].isascii():
        word = re.match(r"[\w.]*", java[i:], re.ASCII)
        shown = "$" + (word.group(0) if word else "")
        raise SubstitutionError(f"Illegal group reference: {shown}")
    number = int(java[i])
    i += 1
    while i < len(java) and java[i].isascii() and java[i].isdigit() and number * 10 + int(java[i]) <= groups:
        number = number * 10 + int(java[i])
        i += 1
    if number > groups:
        raise SubstitutionError(f"No group {number}: the pattern has {groups} group(s)")
    return number, i


@functools.cache
def _defaults_any() -> re.Pattern[str]:
    """Every default pattern at once (they are plain patterns: no groups, flags or back references), made
    when first needed."""
    return re.compile("|".join(f"(?:{_translated(pattern)})" for pattern, _ in DEFAULT_VALUES), re.ASCII)


def _expand(pieces: tuple[Piece, ...], match: Match[str]) -> str:
    if len(pieces) == 1 and isinstance(pieces[0], str):
        return pieces[0]
    return "".join(p if isinstance(p, str) else (match.group(p) or "") for p in pieces)


def apply_substitutions(text: str, subs: Sequence[Substitution]) -> tuple[str, list[Diagnostic]]:
    """Apply ``subs`` to ``text`` in order, as Java's ``replaceAll`` would.

    A substitution Java would reject (bad regex, illegal group reference) is left
    out and reported as an error Diagnostic at its span.
    """
    diagnostics: list[Diagnostic] = []
    for sub_ in subs:
        # the ``regex`` package is loaded only for a pattern that needs it: a literal one (most page
        # substitutions) is str.replace, and the build's own (non_json's four) are linear ``re`` patterns
        literal = _literal(sub_.pattern, sub_.replacement)
        if literal is not None:  # the same result as the regex, without one
            replaced = text.replace(*literal)
            if replaced == text and _written(sub_) and literal[0] not in text:
                diagnostics.append(_unused(sub_))
            text = replaced
            continue
        own = _build_own(sub_.pattern, sub_.replacement)
        if own is not None:  # linear, so no time limit (it costs 30x the run), and never reported unused
            text = own[0].sub(own[1], text)
            continue
        compiled = _compiled(sub_.pattern, sub_.replacement)
        if isinstance(compiled, SubstitutionError):
            diagnostics.append(Diagnostic(
                Level.ERROR, "bad-substitution", f"substitution s/{sub_.pattern}/{sub_.replacement}/: {compiled}",
                sub_.span, _hint_for(str(compiled))))
            continue
        pattern, replacement = compiled
        try:
            if _written(sub_):
                replaced = sub(pattern, replacement, text)
            else:  # an attribute's default the build adds that is not a literal: linear too, no time limit
                replaced = pattern.sub(replacement, text)
            if replaced == text and _written(sub_) and search(pattern, text) is None:
                diagnostics.append(_unused(sub_))
            text = replaced
        except RegexTimeout as exc:  # catastrophic backtracking: the page's pattern is the problem
            diagnostics.append(Diagnostic(
                Level.ERROR, "regex-timeout", f"substitution s/{sub_.pattern}/{sub_.replacement}/: {exc}",
                sub_.span, "simplify the pattern: avoid nested repetition such as (a+)+ or (a|aa)+"))
    return text, diagnostics


def _unused(sub_: Substitution) -> Diagnostic:
    return Diagnostic(Level.WARNING, "unused-substitution", f"substitution s/{sub_.pattern}/{sub_.replacement}/ "
                      "matches nothing in the snippet: the build applies it as a no-op, so the text it was meant to "
                      "change is used as written", sub_.span, "make the pattern match the snippet's text, or remove it")


# a translated pattern that matches one fixed text: plain characters, escaped punctuation, \n \t \r \f
_LITERAL = re.compile(r"(?:[^\\.^$*+?{}\[\]|()]|\\[!-/:-@\[-^`{-~]|\\[ntrf])+")
_LETTERS = {"n": "\n", "t": "\t", "r": "\r", "f": "\f"}


@functools.lru_cache(maxsize=4096)
def _literal(java_pattern: str, java_replacement: str) -> tuple[str, str] | None:
    """``(text, replacement)`` when the substitution replaces one fixed text by another (then
    ``str.replace`` does what the regex does), else ``None``. Decided on the translated text, without
    compiling it: a literal has no groups and no inline flags, and every escape ``_LITERAL`` allows compiles."""
    try:
        pattern = _translated(java_pattern)
        if not _LITERAL.fullmatch(pattern):
            return None
        pieces = _replacement(java_replacement, 0, ())
    except SubstitutionError:  # _compiled reports it
        return None
    if not all(isinstance(piece, str) for piece in pieces):
        return None
    text = re.sub(r"\\(.)", lambda m: _LETTERS.get(m.group(1), m.group(1)), pattern)
    return text, "".join(str(piece) for piece in pieces)


if TYPE_CHECKING:
    Replacement = str | Callable[[Match[str]], str]
# the substitutions the build adds itself: the attribute defaults and TESTRESPONSE[non_json]'s four
_ADDED = {r"\{version_qualified\}", r"\{build_type\}", *(pattern for pattern, _ in DEFAULT_VALUES)}
_NON_JSON = {("^", "/"), (r"\n$", r"\\s*/"), ("( +)", r"$1\\s+"), (r"\n", r"\\s*\n ")}


def _written(substitution: Substitution) -> bool:
    """A substitution the page's writer wrote (not one the build adds), whose missing match is worth a word."""
    return substitution.pattern not in _ADDED and (substitution.pattern, substitution.replacement) not in _NON_JSON


def _build_own(java_pattern: str,
               java_replacement: str) -> tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]] | None:
    """A substitution ``TESTRESPONSE[non_json]`` adds (``NON_JSON_SUBSTITUTIONS``) as an ``re`` pattern and
    replacement, ``None`` for any other: the build's own patterns are plain and linear, and ``re`` means what
    the ``regex`` package means by them."""
    key = (java_pattern, java_replacement)
    if key not in _NON_JSON:
        return None
    made = _OWN.get(key)
    if made is None:
        pattern = re.compile(_translated(java_pattern), re.ASCII)
        pieces = _replacement(java_replacement, pattern.groups, tuple(pattern.groupindex.items()))
        if len(pieces) == 1 and isinstance(pieces[0], str) and "\\" not in pieces[0]:
            made = _OWN[key] = pattern, pieces[0]
        else:
            made = _OWN[key] = pattern, functools.partial(_expand, pieces)
    return made


_OWN: dict[tuple[str, str], tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = {}


@functools.lru_cache(maxsize=4096)
def _compiled(java_pattern: str, java_replacement: str) -> tuple[Pattern[str], Replacement] | SubstitutionError:
    """The Python pattern and ``re.sub`` replacement for one substitution, or why Java would reject it.

    A replacement that is one literal without backslashes is passed to ``re.sub``
    as a plain string (which ``re`` then copies as is); anything else goes
    through ``_expand``, which follows Java's rules.
    """
    try:
        pattern = translate_pattern(java_pattern)
        pieces = compile_replacement(java_replacement, pattern)
    except SubstitutionError as exc:
        return exc
    if not pieces:
        return pattern, ""
    if len(pieces) == 1 and isinstance(pieces[0], str) and "\\" not in pieces[0]:
        return pattern, pieces[0]
    return pattern, functools.partial(_expand, pieces)


def _hint_for(message: str) -> str:
    if "Illegal group reference" in message:
        return "only $body, $_path and $1..$9 may follow a $ in a replacement; write \\$ for a literal $"
    if "No group" in message:
        return "refer only to groups the pattern captures with ( )"
    return "fix the pattern, or escape its special characters with \\"
