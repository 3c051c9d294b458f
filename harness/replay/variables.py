"""Placeholders such as ``{project_id}`` filled from the configured variables.

Names compare case- and separator-insensitively, so ``{Endpoint}``,
``{endpoint}`` and ``{project-id}`` find ``endpoint`` and ``project_id``.
A placeholder with no value is reported, never sent as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["PLACEHOLDER", "Variables", "normalize"]

PLACEHOLDER = re.compile(r"\{([A-Za-z][A-Za-z0-9_\-. ]*)\}")


def normalize(name: str) -> str:
    """The comparison key of a variable name: lower case, no ``_``, ``-``, ``.`` or spaces."""
    return re.sub(r"[\s_\-.]", "", name).lower()


class Variables:
    """The configured placeholder values, looked up by normalised name.

    :param values: name -> value, as written in the configuration.
    :param bound: values captured from answers (normalised names), over ``values``.
    :param keep: normalised names left as written when they have no value (captures not bound yet,
        while checking a plan or printing a dry run) instead of being reported missing.
    """

    def __init__(self, values: Mapping[str, str], *, bound: Mapping[str, str] | None = None,
                 keep: frozenset[str] = frozenset()) -> None:
        self._values = {normalize(k): v for k, v in values.items()}
        self._configured = dict(self._values)
        if bound:
            self._values.update(bound)
        self.keep = keep

    def layered(self, bound: Mapping[str, str], keep: frozenset[str] = frozenset()) -> Variables:
        """These values with captured ones over them, and the names to leave as written."""
        return Variables(self._configured, bound=bound, keep=keep) if bound or keep else self

    def fill(self, text: str, only: Iterable[str] | None = None) -> tuple[str, list[str]]:
        """``text`` with known placeholders filled, and the names that had no value.

        :param only: when given, fill just these names (as the page wrote them) and leave
            any other brace text alone — request bodies hold JSON, not placeholders.
        """
        wanted = None if only is None else {normalize(n) for n in only}
        missing: list[str] = []

        def replace(found: re.Match[str]) -> str:
            key = normalize(found.group(1))
            if wanted is not None and key not in wanted:
                return found.group(0)
            if key in self._values:
                return self._values[key]
            if found.group(1) not in missing and key not in self.keep:
                missing.append(found.group(1))
            return found.group(0)

        if "{" not in text:
            return text, missing
        return PLACEHOLDER.sub(replace, text), missing
