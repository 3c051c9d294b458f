"""The error envelopes of each API family, as exceptions a handler raises.

Elasticsearch answers errors with ``{"error": {"root_cause": [...], "type", "reason"}, "status"}``
and, when the request asks for ``error_trace=true``, a ``stack_trace`` next to every
``type`` (the docs test runner always asks, which is why pages elide it with
``$body.$_path``). The cloud families (CDM, DLI) answer ``{"error_code", "error_msg"}``.
Handlers raise these; the dispatcher renders them for the family, so a handler never
builds an error body by hand.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ApiError", "CloudError", "EsError", "EsPlainError", "es_exception_class"]


class ApiError(Exception):
    """An error answer: a status code and the family's JSON body.

    :param status: the HTTP status to answer with.
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.allowed: tuple[str, ...] = ()  # the methods a 405 names in its Allow header

    def body(self, error_trace: bool) -> Any:
        """The JSON body of this error."""
        raise NotImplementedError


def es_exception_class(error_type: str) -> str:
    """The Java class name Elasticsearch would show for ``error_type`` (``resource_not_found_exception``)."""
    return "".join(part.capitalize() for part in error_type.split("_")).replace("Xcontent", "XContent")


class EsError(ApiError):
    """An Elasticsearch error: the full ``error`` envelope with ``root_cause``.

    :param status: the HTTP status (404 for ``resource_not_found_exception`` ...).
    :param error_type: the snake_case exception type.
    :param reason: the human-readable reason.
    :param extra: further fields of the cause (``index``, ``resource.id`` ...).
    """

    def __init__(self, status: int, error_type: str, reason: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(status, reason)
        self.error_type = error_type
        self.reason = reason
        self.extra = dict(extra or {})

    def _cause(self, error_trace: bool) -> dict[str, Any]:
        cause: dict[str, Any] = {"type": self.error_type, "reason": self.reason}
        cause.update(self.extra)
        if error_trace:
            # A trace shaped like Java's, so pages eliding it with $body.$_path see a string.
            cause["stack_trace"] = (
                f"{es_exception_class(self.error_type)}[{self.reason}]\n"
                "\tat docharness.reference_server(elasticsearch)\n"
            )
        return cause

    def body(self, error_trace: bool) -> Any:
        """``{"error": {"root_cause": [cause], **cause}, "status"}``."""
        error = {"root_cause": [self._cause(error_trace)], **self._cause(error_trace)}
        return {"error": error, "status": self.status}


class EsPlainError(ApiError):
    """An Elasticsearch error whose ``error`` is a plain string (405, 406, bad HTTP).

    Elasticsearch 6.x answers these before any handler runs, without a root cause.
    """

    def body(self, error_trace: bool) -> Any:
        """``{"error": "<message>", "status"}``."""
        return {"error": self.message, "status": self.status}


class CloudError(ApiError):
    """A cloud-family error: ``{"error_code": ..., "error_msg": ...}``.

    :param status: the HTTP status.
    :param code: the family's error code (``CDM.0010``, ``DLI.0001``, ``APIGW.0301``).
    :param message: the error message.
    """

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(status, message)
        self.code = code

    def body(self, error_trace: bool) -> Any:
        """``{"error_code", "error_msg"}``; cloud errors carry no trace."""
        return {"error_code": self.code, "error_msg": self.message}
