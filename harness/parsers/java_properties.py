"""Java's ``\\p{..}`` / ``\\P{..}`` character properties, as the ``regex`` package can run them.

Substitution patterns are Java regexes compiled with ASCII semantics (Java's defaults for
``\\d``, ``\\w``, ``\\s``), and under that flag the ``regex`` package silently restricts
``\\p{L}`` to ASCII letters; Java's POSIX names (``\\p{Alpha}``) are ASCII-only while
``regex`` reads them as Unicode; ``\\p{javaLowerCase}`` does not exist there at all. So
each property is resolved here by Java's rules (``java.util.regex.Pattern``: a general
category, ``Is`` + a category, binary property or script, ``In`` + a block,
``script=`` / ``block=`` / ``general_category=``, the POSIX names, the ``java*`` names)
into ASCII ranges and Unicode properties run in a ``(?u:..)`` group. A name Java does not
know, or one this table does not carry, is a ``ValueError`` naming it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass


__all__ = ["Property", "read_property"]

_CATEGORIES = frozenset(
    "Cn Lu Ll Lt Lm Lo Mn Me Mc Nd Nl No Zs Zl Zp Cc Cf Co Cs Pd Ps Pe Pc Po Sm Sc Sk So Pi Pf L M N Z C P S".split())
_PUNCT = re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~").replace("\\ ", " ")
# Java's POSIX classes are US-ASCII only (without UNICODE_CHARACTER_CLASS), and case-sensitive
_POSIX = {
    "Lower": "a-z", "Upper": "A-Z", "ASCII": "\\x00-\\x7f", "Alpha": "a-zA-Z", "Digit": "0-9",
    "Alnum": "a-zA-Z0-9", "Punct": _PUNCT, "Graph": "a-zA-Z0-9" + _PUNCT, "Print": " a-zA-Z0-9" + _PUNCT,
    "Blank": " \\t", "Cntrl": "\\x00-\\x1f\\x7f", "XDigit": "0-9a-fA-F", "Space": " \\t\\n\\x0b\\f\\r", "L1": "\\x00-\\xff",
}
# java.lang.Character predicates: (ASCII/explicit ranges, Unicode properties, negated)
_JAVA: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "javaLowerCase": ("", ("Lowercase",), False), "javaUpperCase": ("", ("Uppercase",), False),
    "javaAlphabetic": ("", ("Alphabetic",), False), "javaIdeographic": ("", ("Ideographic",), False),
    "javaTitleCase": ("", ("Lt",), False), "javaDigit": ("", ("Nd",), False), "javaDefined": ("", ("Cn",), True),
    "javaLetter": ("", ("L",), False), "javaLetterOrDigit": ("", ("L", "Nd"), False),
    "javaSpaceChar": ("", ("Z",), False), "javaMirrored": ("", ("Bidi_Mirrored",), False),
    "javaISOControl": ("\\x00-\\x1f\\x7f-\\x9f", (), False),
    # Character.isWhitespace: space separators but the no-break ones, and \t \n \x0b \f \r \x1c-\x1f
    "javaWhitespace": ("\\t\\n\\x0b\\f\\r\\x1c-\\x1f \\u1680\\u2000-\\u2006\\u2008-\\u200a\\u2028\\u2029\\u205f"
                       "\\u3000", (), False),
    "LC": ("", ("Lu", "Ll", "Lt"), False), "LD": ("", ("L", "Nd"), False), "all": ("", ("Any",), False),
}
# \p{IsX} binary properties (case-insensitive in Java)
_BINARY = {
    "ALPHABETIC": ("Alphabetic",), "ASSIGNED": ("Assigned",), "CONTROL": ("Cc",), "HEXDIGIT": ("Hex_Digit",),
    "HEX_DIGIT": ("Hex_Digit",), "IDEOGRAPHIC": ("Ideographic",), "JOINCONTROL": ("Join_Control",),
    "JOIN_CONTROL": ("Join_Control",), "LETTER": ("L",), "LOWERCASE": ("Lowercase",), "TITLECASE": ("Lt",),
    "PUNCTUATION": ("P",), "UPPERCASE": ("Uppercase",), "WHITESPACE": ("White_Space",),
    "WHITE_SPACE": ("White_Space",), "DIGIT": ("Nd",), "ALNUM": ("Alphabetic", "Nd"),
    "NONCHARACTERCODEPOINT": ("Noncharacter_Code_Point",), "NONCHARACTER_CODE_POINT": ("Noncharacter_Code_Point",),
}
# names Java knows that have no faithful equivalent here
_JAVA_ONLY = frozenset({"javaJavaIdentifierStart", "javaJavaIdentifierPart", "javaUnicodeIdentifierStart",
                        "javaUnicodeIdentifierPart", "javaIdentifierIgnorable", "WORD", "GRAPH", "PRINT", "BLANK",
                        "EMOJI", "EMOJI_PRESENTATION", "EMOJI_MODIFIER", "EMOJI_MODIFIER_BASE", "EMOJI_COMPONENT",
                        "EXTENDED_PICTOGRAPHIC"})
_SAFE_VALUE = re.compile(r"[A-Za-z0-9_ -]+")


@dataclass(frozen=True, slots=True)
class Property:
    """One ``\\p{..}``: characters in ``ranges`` (class syntax) or in any of ``unicode``; ``negated`` inverts."""

    ranges: str
    unicode: tuple[str, ...]
    negated: bool

    def in_class(self) -> str | None:
        """The text to put inside a ``[...]`` for it, when class syntax can say it (ASCII ranges only)."""
        return self.ranges if not self.unicode and not self.negated else None

    def element(self) -> str:
        """A pattern matching one character with the property."""
        parts = ([f"[{self.ranges}]"] if self.ranges else []) + [f"(?u:\\p{{{u}}})" for u in self.unicode]
        if self.negated and not self.ranges and len(self.unicode) == 1:
            return f"(?u:\\P{{{self.unicode[0]}}})"
        positive = parts[0] if len(parts) == 1 else f"(?:{'|'.join(parts)})"
        return f"(?:(?!{positive})(?s:.))" if self.negated else positive


def _named(name: str) -> tuple[str, tuple[str, ...], bool]:
    """Java's lookup of a property name (``Pattern.charPropertyNodeFor``)."""
    if name in _JAVA_ONLY or name.startswith("Is") and name[2:].upper() in _JAVA_ONLY:
        raise ValueError(f"\\p{{{name}}} is a Java property docharness cannot run; write the characters as a "
                         "class such as [a-zA-Z_$]")
    if "=" in name:
        key, value = (part.strip() for part in name.split("=", 1))
        if not _SAFE_VALUE.fullmatch(value):
            raise ValueError(f"unknown character property {{{name}}}")
        if key.lower() in ("script", "sc"):
            return "", (f"Script={value}",), False
        if key.lower() in ("block", "blk"):
            return "", (f"Block={value}",), False
        if key.lower() in ("general_category", "gc") and value in _CATEGORIES:
            return "", (value,), False
        raise ValueError(f"unknown character property {{{name}}}")
    if name.startswith("In") and _SAFE_VALUE.fullmatch(name[2:]):
        return "", (f"Block={name[2:]}",), False
    if name.startswith("Is"):
        short = name[2:]
        if short.upper() in _BINARY:
            return "", _BINARY[short.upper()], False
        if short in _CATEGORIES:
            return "", (short,), False
        if _SAFE_VALUE.fullmatch(short):
            return "", (f"Script={short}",), False
    if name in _CATEGORIES:
        return "", (name,), False
    if name in _POSIX:
        return _POSIX[name], (), False
    if name in _JAVA:
        return _JAVA[name]
    raise ValueError(f"unknown character property {{{name}}} (Java rejects it too)" + (
        f"; Java writes a script as \\p{{Is{name}}}" if name[:1].isupper() else ""))


def read_property(java: str, at: int) -> tuple[Property, int]:
    """The property written at ``java[at:]`` (``\\pL``, ``\\p{Lu}``, ``\\P{IsLatin}``) and the index after it."""
    negated = java[at + 1] == "P"
    if at + 2 >= len(java):
        raise ValueError("a character property name is missing after \\p")
    if java[at + 2] != "{":
        name, end = java[at + 2], at + 3
    else:
        close = java.find("}", at + 3)
        if close < 0:
            raise ValueError("unclosed character property name: \\p{ without }")
        name, end = java[at + 3:close], close + 1
    ranges, unicode, inverted = _named(name)
    for known in unicode:
        if not _known(known):
            raise ValueError(f"unknown character property {{{name}}}")
    return Property(ranges, unicode, negated != inverted), end


@functools.lru_cache(maxsize=256)
def _known(unicode: str) -> bool:
    """Whether the ``regex`` package knows the Unicode property (a script or block name Java may not)."""
    import regex  # here, as in user_regex: only pages with such properties need the package

    try:
        regex.compile(f"\\p{{{unicode}}}")
    except regex.error:
        return False
    return True
