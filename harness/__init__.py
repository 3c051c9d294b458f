"""docharness: keep HTTP API documentation honest.

The public surface is small on purpose: the model types, the results types and
the version. Parsing, replay and publishing are reached through their packages
(``harness.parsers``, ``harness.replay``, ``harness.publish``) and the
``docharness`` command line.
"""

from typing import TYPE_CHECKING, Any

from harness.model import Diagnostic, Document, Example, Operation, Request, Span

if TYPE_CHECKING:
    from harness.results import Failure, Outcome, RunResult

__version__ = "0.1.0"
_RESULTS = frozenset({"Failure", "Outcome", "RunResult"})


def __getattr__(name: str) -> Any:
    """The results types, imported on first use: ``extract`` and ``--help`` never need them (nor hashlib)."""
    if name in _RESULTS:
        from harness import results

        return getattr(results, name)
    raise AttributeError(f"module 'harness' has no attribute {name!r}")

__all__ = [
    "Diagnostic",
    "Document",
    "Example",
    "Failure",
    "Operation",
    "Outcome",
    "Request",
    "RunResult",
    "Span",
    "__version__",
]
