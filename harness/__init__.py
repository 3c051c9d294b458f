"""docharness: keep HTTP API documentation honest.

The public surface is small on purpose: the model types, the results types and
the version. Parsing, replay and publishing are reached through their packages
(``harness.parsers``, ``harness.replay``, ``harness.publish``) and the
``docharness`` command line.
"""

from harness.model import Diagnostic, Document, Example, Operation, Request, Span
from harness.results import Failure, Outcome, RunResult

__version__ = "0.1.0"

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
