"""Secret values removed from every rendered string, in every form they can take, at the output boundary.

Hurl's ``Redact`` habit: whatever path a token took (a header echoed in a
response body, an error message quoting a URL), replacing its *value*
everywhere it is written catches it. Reports, the terminal, the dry run, the
pytest plugin and replay's own ``Exchange`` records all pass their text through
one ``Redactor``.

A value is not only written as itself. A target may echo it JSON-escaped
(``\\/`` for ``/``, ``\\u0041``), URL-encoded (``%2F``, ``+`` for a space,
``%252F`` encoded twice), as an HTML character reference, or base64-encoded
(standard or URL-safe alphabet, alone or inside a longer encoded text such as a
Basic ``Authorization`` value). One pattern per secret accepts every form of
every character, so mixed forms are caught too; base64 is matched by the three
alignments' stable cores. Derived secrets are registered with the value: the
credential of ``Basic``/``Bearer`` values, the decoded ``user:password`` of a
Basic value and the password alone. Independently of known values, the
userinfo of every URL (``http://user:PASS@host``) is masked.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import enum
import re
from collections.abc import Iterable
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

__all__ = ["MASK", "Redactor", "mask_userinfo"]

MASK = "***"
# Values this short would mask ordinary words; a real token is longer.
MIN_SECRET_LENGTH = 4
# a base64 core shorter than this would mask ordinary encoded text
MIN_BASE64_CORE = 6

T = TypeVar("T")

# scheme://userinfo@ (also JSON-escaped, :\/\/); the userinfo stops where a host part could not be
_USERINFO = re.compile(r"(:(?:\\*/){2})([^\s/\\?#@\"'<>]+)@")
# user:password (a user has no '/', ':' or space; a URL's scheme has '/' after the colon)
_USER_PASSWORD = re.compile(r"^[^:/\s]+:(?!//)(\S+)$")
_AUTH_SCHEME = re.compile(r"^\s*([A-Za-z][\w.-]*)\s+(\S+)\s*$")
_JSON_SHORT = {'"': '"', "\\": "\\", "/": "/", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t"}
# where a shortened text was cut: what comes right before it may be the start of a secret
_CUT = re.compile(r"\.\.\.|\u2026")
_HTML_NAMED = {"&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos"}


def mask_userinfo(text: str) -> str:
    """``text`` with the password of every URL's userinfo masked (the whole userinfo when it has no ``:``)."""
    if "@" not in text:
        return text
    return _USERINFO.sub(_masked_userinfo, text)


def _masked_userinfo(found: re.Match[str]) -> str:
    user, colon, _ = found.group(2).partition(":")
    return f"{found.group(1)}{user}:{MASK}@" if colon else f"{found.group(1)}{MASK}@"


def _hex(number: int, width: int) -> str:
    """``number`` in hex as a pattern accepting either letter case."""
    return "".join(f"[{d.lower()}{d.upper()}]" if d.isalpha() else d for d in f"{number:0{width}x}")


def _char_forms(char: str, encoded: bool = False) -> list[tuple[str, str]]:
    """Every form one character of a secret may be written in, as (leading character, pattern after it).

    :param encoded: the character belongs to base64 text: only its punctuation (``+/=``) has other forms.
    """
    forms = [(char, "")]
    if encoded and char not in "+/=":
        return forms
    code = ord(char)
    # JSON: \uXXXX (a surrogate pair beyond the BMP) and the short escapes, escaped again inside JSON text
    units = [code] if code < 0x10000 else [0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)]
    forms.append(("\\", r"\\*u" + _hex(units[0], 4) + "".join(r"\\+u" + _hex(unit, 4) for unit in units[1:])))
    if char in _JSON_SHORT:
        forms.append(("\\", r"\\*" + re.escape(_JSON_SHORT[char])))
    # URL: %XX per UTF-8 byte, %25XX when encoded twice, + for a space
    utf8 = char.encode("utf-8")
    forms.append(("%", "(?:25)?" + _hex(utf8[0], 2) + "".join("%(?:25)?" + _hex(byte, 2) for byte in utf8[1:])))
    if char == " ":
        forms.append(("+", ""))
    # HTML: named and numeric character references
    if char in _HTML_NAMED:
        forms.append(("&", f"{_HTML_NAMED[char]};"))
    forms.append(("&", f"#(?:0*{code}|[xX]0*{_hex(code, 1)});"))
    return forms


def _any_form(char: str, encoded: bool) -> str:
    forms = _char_forms(char, encoded)
    if len(forms) == 1:
        return re.escape(char)
    return "(?:" + "|".join(re.escape(lead) + after for lead, after in forms) + ")"


def _compile(values: list[tuple[str, bool]]) -> re.Pattern[str]:
    """One pattern for ``(value, is_base64)`` pairs, in any mix of forms, longest value first.

    Alternatives are grouped by their leading character so that the compiled pattern skips
    ahead with a character set and tries only the values that can start where it stands.
    """
    groups: dict[str, list[str]] = {}
    for value, encoded in sorted(values, key=lambda pair: len(pair[0]), reverse=True):
        rest = "".join(_any_form(c, encoded) for c in value[1:])
        for lead, after in _char_forms(value[0], encoded):
            groups.setdefault(lead, []).append(after + rest)
    return re.compile("|".join(re.escape(lead) + "(?:" + "|".join(alternatives) + ")"
                               for lead, alternatives in groups.items()))


def _base64_forms(secret: str) -> set[str]:
    """The base64 text that any encoding of a text holding ``secret`` contains, at each alignment."""
    raw = secret.encode("utf-8")
    forms: set[str] = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(raw).decode("ascii")
        forms.update((whole, whole.rstrip("=")))
        for offset in (0, 1, 2):  # the secret starts at this byte of a 3-byte group
            encoded = encode(b"\0" * offset + raw).decode("ascii")
            total = offset + len(raw)
            # characters made only of the secret's bits: after the prefix, before the unknown tail
            core = encoded[-(-8 * offset // 6):(8 * total - 6) // 6 + 1]
            if len(core) >= MIN_BASE64_CORE:
                forms.add(core)
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


def derived_secrets(secret: str) -> set[str]:
    """Secrets a value carries inside it: a scheme's credential, a Basic value's ``user:password``, the password."""
    found: set[str] = set()
    scheme = _AUTH_SCHEME.match(secret)
    if scheme:
        found.add(scheme.group(2))
        if scheme.group(1).lower() == "basic":
            try:
                decoded = base64.b64decode(scheme.group(2) + "=" * (-len(scheme.group(2)) % 4), validate=True)
                found.add(decoded.decode("utf-8"))
            except (binascii.Error, ValueError):
                pass
    for value in (*found, secret):
        user_password = _USER_PASSWORD.match(value)
        if user_password:
            found.add(user_password.group(1))
    return found - {secret}


class Redactor:
    """Replaces every known secret value, in every encoded form, and every URL's password with ``***``.

    :param secrets: the secret values to hide (empty and very short values are ignored).
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: list[str] = []
        self._pattern: re.Pattern[str] | None = None
        self._cut_prefixes: frozenset[str] | None = None
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        """Register one more secret value, with the secrets derived from it (longest first)."""
        for value in (secret, *sorted(derived_secrets(secret))):
            if len(value) >= MIN_SECRET_LENGTH and value not in self._secrets:
                self._secrets.append(value)
        self._secrets.sort(key=len, reverse=True)
        self._pattern = self._cut_prefixes = None

    def add_url(self, url: str) -> None:
        """Register the userinfo of a URL (``http://user:PASS@host``): ``user:PASS`` and the password,
        as written and percent-decoded (as requests sends them in a Basic ``Authorization``)."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return
        userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
        if not userinfo:
            return
        for value in {userinfo, unquote(userinfo)}:
            user, colon, password = value.partition(":")
            self.add(value if colon else user)
            if colon:
                self.add(password)

    @property
    def secrets(self) -> tuple[str, ...]:
        """The registered secret values."""
        return tuple(self._secrets)

    def _compiled(self) -> re.Pattern[str] | None:
        if self._pattern is None and self._secrets:
            # base64 forms are values in their own right: a target may JSON-escape their '/' or URL-encode '+'
            encoded = {form for secret in self._secrets for form in _base64_forms(secret)} - set(self._secrets)
            self._pattern = _compile([(secret, False) for secret in self._secrets] + [(form, True) for form in encoded])
        return self._pattern

    def text(self, value: str) -> str:
        """``value`` with every secret (in every form) and every URL's password masked."""
        if self._secrets:
            pattern = self._pattern or self._compiled()
            if pattern is not None:
                value = self._cut_tails(pattern.sub(MASK, value))
        return mask_userinfo(value) if "@" in value else value

    def _cut_tails(self, value: str) -> str:
        """A secret cut short where a diff or a report shortened the text (``abcdef…``, ``abcdef...``):
        the part of it right before the cut is masked too (a whole one is already)."""
        if "..." not in value and "\u2026" not in value:
            return value
        prefixes = self._prefixes()
        longest = max((len(p) for p in prefixes), default=0)
        pieces: list[str] = []
        start = 0
        for cut in _CUT.finditer(value):
            head = value[start:cut.start()]
            tail = head[-longest:]  # only what a cut secret could have left: linear in the text
            length = next((k for k in range(len(tail), MIN_SECRET_LENGTH - 1, -1) if tail[-k:] in prefixes), 0)
            pieces += [head[:len(head) - length], MASK if length else "", cut.group()]
            start = cut.end()
        return "".join(pieces) + value[start:]

    def _prefixes(self) -> frozenset[str]:
        """Every proper prefix (at least ``MIN_SECRET_LENGTH`` long) of every secret and base64 form."""
        if self._cut_prefixes is None:
            forms = self.secrets + tuple(f for s in self._secrets for f in _base64_forms(s))
            self._cut_prefixes = frozenset(form[:k] for form in forms for k in range(MIN_SECRET_LENGTH, len(form)))
        return self._cut_prefixes

    def data(self, value: T) -> T:
        """A copy of a frozen dataclass / tuple / dict tree with every string masked (the same object
        when nothing needed masking)."""
        return self._walk(value)  # type: ignore[no-any-return]

    def _walk(self, value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return self.text(value)
        if kind in _LEAVES:
            return value
        names = _field_names(kind)
        if names is not None:  # a dataclass: its fields' leaves are looked at here, not by a call each
            changes = {}
            for name in names:
                old = getattr(value, name)
                new = self.text(old) if type(old) is str else old if type(old) in _LEAVES else self._walk(old)
                if new is not old:
                    changes[name] = new
            return dataclasses.replace(value, **changes) if changes else value
        if isinstance(value, enum.Enum):  # str-valued enums must stay enums
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, (tuple, list)):
            items = [self.text(v) if type(v) is str else self._walk(v) for v in value]
            if all(a is b for a, b in zip(items, value)):
                return value
            return tuple(items) if isinstance(value, tuple) else items
        if isinstance(value, dict):
            pairs = [(self._walk(k), self._walk(v)) for k, v in value.items()]
            if all(a is k and b is v for (a, b), (k, v) in zip(pairs, value.items())):
                return value
            return dict(pairs)
        return value


_LEAVES = frozenset({int, float, bool, type(None), bytes})
_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass type's field names (looked up once per type), ``None`` for any other type."""
    if kind not in _FIELDS:
        _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None
    return _FIELDS[kind]
