"""Lines and spaces as Elasticsearch's build reads a page: Java's line reader and Java's ``\\s``.

The build reads each page with Java's line reader (a line ends at ``\\r\\n``, a lone ``\\r`` or ``\\n``)
and matches lines with Java regexes, whose ``\\s`` is ASCII whitespace only (`` \\t\\n\\x0b\\f\\r``). Python's
``\\s`` and ``str.strip()`` also take a no-break space (U+00A0, what a copy from a web page or a word
processor leaves), an ideographic space and the like: read that way, a line the build ignores would
become a directive, a fence or a request. The AsciiDoc scanner and the console grammar use these
instead, and say where such a character made a line mean something other than it looks.
"""

from __future__ import annotations

import re

from harness.sourcefiles import java_lines as lines

__all__ = ["WHITESPACE", "lines", "plain_spaces", "python_only_space", "unusual_space"]

WHITESPACE = " \t\n\x0b\x0c\r"  # Java's \s (without UNICODE_CHARACTER_CLASS); the argument of str.strip
_UNUSUAL = re.compile(r"[^\S \t\n\x0b\x0c\r]|[\u200b\ufeff]")  # whitespace to Python, not to Java (+ zero-width)


def unusual_space(text: str) -> str | None:
    """The first character of ``text`` that looks like a space but is none to Java's ``\\s``, named
    (``U+00A0 (NO-BREAK SPACE)``); ``None`` when there is none."""
    if text.isascii() and not python_only_space(text):  # the common case, without a regex search
        return None
    found = _UNUSUAL.search(text)
    if found is None:
        return None
    import unicodedata  # only to name a character found (a page's rare mistake)

    char = found.group()
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')})"


def python_only_space(ascii_text: str) -> bool:
    """Whether ASCII ``ascii_text`` holds a character Python's ``\\s`` takes for a space and Java's does not
    (the separators ``\\x1c``-``\\x1f``): only then do ``str.strip()`` and the build's ``\\s`` differ on it."""
    return "\x1c" in ascii_text or "\x1d" in ascii_text or "\x1e" in ascii_text or "\x1f" in ascii_text


def plain_spaces(text: str) -> str:
    """``text`` with each character ``unusual_space`` finds made a plain space: what the line would be
    had the writer typed spaces (to tell whether that character is all that is wrong with it)."""
    return _UNUSUAL.sub(" ", text)
