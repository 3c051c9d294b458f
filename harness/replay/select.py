"""``-k EXPR``: choosing test items by keyword, as pytest does.

Words match case-insensitively as substrings of the node id
(``docs_src/elasticsearch/rollup/stop-job.asciidoc::line_42``) and combine
with ``and``, ``or``, ``not`` and parentheses.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["keyword_filter"]

_TOKEN = re.compile(r"\(|\)|[^\s()]+")
_OPERATORS = frozenset({"and", "or", "not", "(", ")"})


def keyword_filter(expression: str) -> Callable[[str], bool]:
    """A predicate over node ids; ``ValueError`` when the expression is malformed."""
    tokens = _TOKEN.findall(expression)
    if not tokens:
        return lambda node_id: True

    def evaluate(node_id: str) -> bool:
        lowered = node_id.lower()
        # only True/False and the boolean operators reach eval: nothing else can run
        text = " ".join(t if t in _OPERATORS else str(t.lower() in lowered) for t in tokens)
        return bool(eval(text, {"__builtins__": {}}, {}))

    try:
        evaluate("")
    except SyntaxError as exc:
        raise ValueError(f"invalid -k expression {expression!r}: use words with and, or, not and ()") from exc
    return evaluate
