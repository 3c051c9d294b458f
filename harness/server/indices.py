"""Elasticsearch 6.x indices and documents, as far as the rollup and ML setups need them.

Create, get, delete and ``HEAD`` an index; index and get one document; ``_bulk``
(index, create, update with ``doc``, delete; ``refresh`` accepted); and ``_count``. Responses and errors have the 6.x shapes (typed mappings, ``_type`` in
every document answer).
"""

from __future__ import annotations

import fnmatch
import re
import uuid
from typing import Any

from harness.server.bulk import run_bulk
from harness.server.errors import EsError
from harness.server.routing import Call, Router, json_response
from harness.server.schema import Spec, check_es
from harness.server.state import Index, State, now_ms
from harness.server.wire import HttpResponse

__all__ = ["index_document", "register", "resolve"]

CREATE_SPEC: Spec = {"settings": ((dict,), False), "mappings": ((dict,), False), "aliases": ((dict,), False)}
_BAD_NAME = re.compile(r'[\\/*?"<>| ,#:]')
_REFRESH = {"", "true", "false", "wait_for"}


def register(router: Router) -> None:
    """Add the index, document, bulk and count routes to ``router``."""
    for method in ("POST", "PUT"):
        router.add(method, "/_bulk", bulk)
        router.add(method, "/{index}/_bulk", bulk)
        router.add(method, "/{index}/{type}/_bulk", bulk)
    for method in ("GET", "POST"):
        router.add(method, "/{index}/_count", count)
    router.add("PUT", "/{index}", create_index)
    router.add("GET", "/{index}", get_index)
    router.add("DELETE", "/{index}", delete_index)
    router.add("PUT", "/{index}/{type}/{id}", put_document)
    router.add("POST", "/{index}/{type}/{id}", put_document)
    router.add("POST", "/{index}/{type}", put_document)
    router.add("GET", "/{index}/{type}/{id}", get_document)


def not_found(name: str) -> EsError:
    """Elasticsearch's 404 for a missing index."""
    return EsError(404, "index_not_found_exception", "no such index",
                   {"resource.type": "index_or_alias", "resource.id": name, "index_uuid": "_na_", "index": name})


def _validate_name(name: str) -> None:
    reason = ""
    if name != name.lower():
        reason = "must be lowercase"
    elif name.startswith(("_", "-", "+")):
        reason = "must not start with '_', '-', or '+'"
    elif _BAD_NAME.search(name):
        reason = 'must not contain the following characters [ , \\, /, *, ?, ", <, >, |, ,, #]'
    elif name in (".", "..") or len(name.encode()) > 255:
        reason = "must not be '.', '..' or longer than 255 bytes"
    if reason:
        raise EsError(400, "invalid_index_name_exception", f"Invalid index name [{name}], {reason}",
                      {"index_uuid": "_na_", "index": name})


def _setting(settings: dict[str, Any], name: str, default: int) -> int:
    nested = settings.get("index", {}) if isinstance(settings.get("index"), dict) else {}
    value = settings.get(name, settings.get(f"index.{name}", nested.get(name, default)))
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        number = -1
    if number < (1 if name == "number_of_shards" else 0):
        raise EsError(400, "illegal_argument_exception",
                      f"Failed to parse value [{value}] for setting [index.{name}]")
    return number


def new_index(name: str, body: dict[str, Any] | None = None) -> Index:
    """A fresh index from a create-index body (settings and typed mappings)."""
    body = body or {}
    settings = body.get("settings", {})
    mappings = body.get("mappings", {})
    if "properties" in mappings:  # a typeless (7.x-style) mapping: keep it under the 6.x default type
        mappings = {"_doc": mappings}
    return Index(name, uuid.uuid4().hex[:22], now_ms(), _setting(settings, "number_of_shards", 5),
                 _setting(settings, "number_of_replicas", 1), dict(mappings))


def create_index(call: Call) -> HttpResponse:
    """``PUT <index>``: create it with the given settings and mappings."""
    name = call.params["index"]
    _validate_name(name)
    body = check_es(call.json(required=False) or {}, CREATE_SPEC, "create_index")
    index = new_index(name, body)
    with call.state.lock:
        existing = call.state.indices.get(name)
        if existing is not None:
            raise EsError(400, "resource_already_exists_exception", f"index [{name}/{existing.uuid}] already exists",
                          {"index_uuid": existing.uuid, "index": name})
        call.state.indices[name] = index
    return json_response({"acknowledged": True, "shards_acknowledged": True, "index": name})


def resolve(state: State, expression: str) -> list[Index]:
    """The indices named by a comma list of names and wildcards; a missing plain name is a 404."""
    found: list[Index] = []
    for part in expression.split(","):
        if part in ("_all", "*"):
            found.extend(state.indices.values())
        elif "*" in part:
            found.extend(i for n, i in state.indices.items() if fnmatch.fnmatchcase(n, part))
        elif part in state.indices:
            found.append(state.indices[part])
        else:
            raise not_found(part)
    return found


def _describe(index: Index) -> dict[str, Any]:
    settings = {"creation_date": str(index.created), "number_of_shards": str(index.shards),
                "number_of_replicas": str(index.replicas), "uuid": index.uuid,
                "version": {"created": "6081399"}, "provided_name": index.name}
    return {"aliases": {}, "mappings": index.mappings, "settings": {"index": settings}}


def get_index(call: Call) -> HttpResponse:
    """``GET <index>`` (and ``HEAD``): aliases, mappings and settings of each named index."""
    with call.state.lock:
        return json_response({i.name: _describe(i) for i in resolve(call.state, call.params["index"])})


def delete_index(call: Call) -> HttpResponse:
    """``DELETE <index>``: drop it and its documents."""
    with call.state.lock:
        for index in resolve(call.state, call.params["index"]):
            del call.state.indices[index.name]
    return json_response({"acknowledged": True})


def _shards(index: Index) -> dict[str, int]:
    return {"total": 1 + index.replicas, "successful": 1, "failed": 0}


def index_document(state: State, name: str, doc_type: str, doc_id: str | None, source: dict[str, Any],
                   *, create: bool = False) -> tuple[int, dict[str, Any]]:
    """Store one document (creating the index if needed): the status and the 6.x write answer."""
    _validate_name(name)
    index = state.indices.get(name)
    if index is None:
        index = state.indices[name] = new_index(name)
    doc_id = doc_id or uuid.uuid4().hex[:20]
    version = index.versions.get(doc_id, 0)
    if create and doc_id in index.docs:
        raise EsError(409, "version_conflict_engine_exception",
                      f"[{doc_type}][{doc_id}]: version conflict, document already exists (current version "
                      f"[{version}])", {"shard": "0", "index_uuid": index.uuid, "index": name})
    index.docs[doc_id] = source
    index.versions[doc_id] = version + 1
    index.seq_no += 1
    answer = {"_index": name, "_type": doc_type, "_id": doc_id, "_version": version + 1,
              "result": "updated" if version else "created", "_shards": _shards(index),
              "_seq_no": index.seq_no - 1, "_primary_term": 1}
    return (200 if version else 201), answer


def _check_refresh(call: Call) -> None:
    value = call.request.query.get("refresh")
    if value is not None and value not in _REFRESH:
        raise EsError(400, "illegal_argument_exception", f"Unknown value for refresh: [{value}].")


def put_document(call: Call) -> HttpResponse:
    """``PUT|POST <index>/<type>/<id>`` and ``POST <index>/<type>``: index one document."""
    _check_refresh(call)
    body = call.json()
    if not isinstance(body, dict):
        raise EsError(400, "mapper_parsing_exception", "failed to parse, document is empty or not an object")
    with call.state.lock:
        status, answer = index_document(call.state, call.params["index"], call.params["type"],
                                        call.params.get("id"), body,
                                        create=call.request.query.get("op_type") == "create")
    return json_response(answer, status)


def get_document(call: Call) -> HttpResponse:
    """``GET <index>/<type>/<id>``: the document and its version, or ``found: false``."""
    name, doc_type, doc_id = call.params["index"], call.params["type"], call.params["id"]
    with call.state.lock:
        index = call.state.indices.get(name)
        if index is None:
            raise not_found(name)
        answer: dict[str, Any] = {"_index": name, "_type": doc_type, "_id": doc_id}
        if doc_id not in index.docs:
            return json_response({**answer, "found": False}, 404)
        return json_response({**answer, "_version": index.versions[doc_id], "found": True,
                              "_source": index.docs[doc_id]})


def count(call: Call) -> HttpResponse:
    """``GET <index>/_count``: how many documents the named indices hold."""
    with call.state.lock:
        found = resolve(call.state, call.params["index"])
        total = sum(len(i.docs) for i in found)
        shards = sum(i.shards for i in found)
    return json_response({"count": total, "_shards": {"total": shards, "successful": shards, "skipped": 0,
                                                      "failed": 0}})


def bulk(call: Call) -> HttpResponse:
    """``POST [<index>[/<type>]]/_bulk``: many writes in one NDJSON body."""
    _check_refresh(call)
    return run_bulk(call, index_document)
