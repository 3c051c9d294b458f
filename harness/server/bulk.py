"""Elasticsearch's ``_bulk``: NDJSON action/source pairs applied in one go.

The body must end with a newline; each action line is ``{"index"|"create"|"update"|"delete": {meta}}``
followed (except for delete) by a source line. A malformed line fails the whole
request with 400; a per-document problem (create on an existing id, update of a
missing document) fails only that item and sets ``errors: true``, as Elasticsearch does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from harness.server.jsonbody import parse_json
from harness.server.errors import EsError
from harness.server.routing import Call, json_response
from harness.server.state import State
from harness.server.wire import HttpResponse

__all__ = ["Writer", "run_bulk"]

Writer = Callable[..., tuple[int, dict[str, Any]]]
ACTIONS = ("index", "create", "update", "delete")


def _parse_line(text: str, number: int) -> dict[str, Any]:
    try:
        value = parse_json(text)
    except ValueError as exc:
        raise EsError(400, "json_parse_exception", f"Unexpected character on line [{number}]: {exc}") from None
    if not isinstance(value, dict):
        raise EsError(400, "illegal_argument_exception",
                      f"Malformed action/metadata line [{number}], expected START_OBJECT but found "
                      f"[{type(value).__name__.upper()}]")
    return value


def _requests(call: Call) -> list[tuple[str, dict[str, Any], dict[str, Any] | None]]:
    try:
        text = call.request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise EsError(400, "json_parse_exception", "the bulk body is not valid UTF-8") from None
    if not text.strip():
        raise EsError(400, "action_request_validation_exception", "Validation Failed: 1: no requests added;")
    if not text.endswith("\n"):
        raise EsError(400, "illegal_argument_exception", "The bulk request must be terminated by a newline [\n]")
    lines = [(n, line) for n, line in enumerate(text.split("\n")[:-1], 1) if line.strip()]
    parsed: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
    position = 0
    while position < len(lines):
        number, line = lines[position]
        action = _parse_line(line, number)
        if len(action) != 1 or next(iter(action)) not in ACTIONS or not isinstance(next(iter(action.values())), dict):
            found = ", ".join(action) or "nothing"
            raise EsError(400, "illegal_argument_exception",
                          f"Malformed action/metadata line [{number}], expected one of [{', '.join(ACTIONS)}] "
                          f"holding an object of metadata but found [{found}]")
        name, meta = next(iter(action.items()))
        position += 1
        source = None
        if name != "delete":
            if position >= len(lines):
                raise EsError(400, "illegal_argument_exception",
                              f"Malformed action/metadata line [{number}]: the [{name}] action has no source line")
            source = _parse_line(lines[position][1], lines[position][0])
            position += 1
        parsed.append((name, meta, source))
    return parsed


def _apply(state: State, write: Writer, name: str, meta: dict[str, Any], source: dict[str, Any] | None,
           defaults: tuple[str | None, str | None]) -> dict[str, Any]:
    index_name = meta.get("_index") or defaults[0]
    doc_type = meta.get("_type") or defaults[1]
    doc_id = None if meta.get("_id") is None else str(meta["_id"])
    if not index_name or not doc_type:
        missing = "index" if not index_name else "type"
        raise EsError(400, "action_request_validation_exception", f"Validation Failed: 1: {missing} is missing;")
    base = {"_index": index_name, "_type": doc_type, "_id": doc_id}
    index = state.indices.get(index_name)
    try:
        if name == "delete" or name == "update":
            if index is None or doc_id is None or doc_id not in index.docs:
                if name == "delete":
                    return {**base, "_version": 1, "result": "not_found", "status": 404}
                raise EsError(404, "document_missing_exception", f"[{doc_type}][{doc_id}]: document missing",
                              {"shard": "0", "index": index_name})
            if name == "delete":
                del index.docs[doc_id]
                index.versions[doc_id] += 1
                return {**base, "_version": index.versions[doc_id], "result": "deleted", "status": 200}
            merged = {**index.docs[doc_id], **(source or {}).get("doc", {})}
            status, answer = write(state, index_name, doc_type, doc_id, merged)
        else:
            status, answer = write(state, index_name, doc_type, doc_id, source, create=name == "create")
    except EsError as error:
        return {**base, "status": error.status, "error": {"type": error.error_type, "reason": error.reason,
                                                          **error.extra}}
    return {**answer, "status": status}


def run_bulk(call: Call, write: Writer) -> HttpResponse:
    """Apply every action of a bulk body with ``write`` and answer the 6.x bulk response."""
    started = time.monotonic()
    parsed = _requests(call)
    defaults = (call.params.get("index"), call.params.get("type"))
    items: list[dict[str, Any]] = []
    with call.state.lock:
        for name, meta, source in parsed:
            items.append({name: _apply(call.state, write, name, meta, source, defaults)})
    errors = any("error" in next(iter(item.values())) for item in items)
    took = int((time.monotonic() - started) * 1000)
    return json_response({"took": took, "errors": errors, "items": items})
