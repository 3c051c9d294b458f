"""Secret values removed from every rendered string, by value, at the output boundary.

Hurl's ``Redact`` habit: whatever path a token took (a header echoed in a
response body, an error message quoting a URL), replacing its *value*
everywhere it is written catches it. Reports, the terminal and replay's own
``Exchange`` records all pass their text through one ``Redactor``.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from typing import Any, TypeVar

__all__ = ["MASK", "Redactor"]

MASK = "***"
# Values this short would mask ordinary words; a real token is longer.
MIN_SECRET_LENGTH = 4

T = TypeVar("T")


class Redactor:
    """Replaces every known secret value with ``***`` in text and in frozen result data.

    :param secrets: the secret values to hide (empty and very short values are ignored).
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: list[str] = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        """Register one more secret value (longest first, so overlaps mask fully)."""
        if len(secret) >= MIN_SECRET_LENGTH and secret not in self._secrets:
            self._secrets.append(secret)
            self._secrets.sort(key=len, reverse=True)

    @property
    def secrets(self) -> tuple[str, ...]:
        """The registered secret values."""
        return tuple(self._secrets)

    def text(self, value: str) -> str:
        """``value`` with every secret masked."""
        for secret in self._secrets:
            if secret in value:
                value = value.replace(secret, MASK)
        return value

    def data(self, value: T) -> T:
        """A copy of a frozen dataclass / tuple / dict tree with every string masked."""
        if not self._secrets:
            return value
        return self._walk(value)  # type: ignore[no-any-return]

    def _walk(self, value: Any) -> Any:
        if isinstance(value, enum.Enum):  # str-valued enums must stay enums
            return value
        if isinstance(value, str):
            return self.text(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {f.name: self._walk(getattr(value, f.name)) for f in dataclasses.fields(value)}
            return dataclasses.replace(value, **changes)
        if isinstance(value, tuple):
            return tuple(self._walk(v) for v in value)
        if isinstance(value, list):
            return [self._walk(v) for v in value]
        if isinstance(value, dict):
            return {self._walk(k): self._walk(v) for k, v in value.items()}
        return value
