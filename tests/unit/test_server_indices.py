"""Indices, documents and ``_bulk`` as the setups use them, over real HTTP on loopback."""

from __future__ import annotations

import json

import pytest
from server_client import SENSOR_INDEX, Es


def ndjson(*lines: object) -> str:
    return "".join(json.dumps(line) + "\n" for line in lines)


def test_create_get_and_delete_an_index(es: Es) -> None:
    assert es("PUT", "sensor-1", SENSOR_INDEX) == (200, {"acknowledged": True, "shards_acknowledged": True,
                                                        "index": "sensor-1"})
    status, body = es("GET", "sensor-1")
    assert status == 200 and set(body) == {"sensor-1"}
    described = body["sensor-1"]
    assert described["mappings"] == SENSOR_INDEX["mappings"]
    assert described["settings"]["index"]["number_of_shards"] == "1"
    assert described["settings"]["index"]["provided_name"] == "sensor-1"
    assert es("DELETE", "sensor-1") == (200, {"acknowledged": True})
    assert es("GET", "sensor-1")[0] == 404


def test_missing_index_has_the_6x_envelope(es: Es) -> None:
    status, body = es("GET", "nope")
    cause = {"type": "index_not_found_exception", "reason": "no such index", "resource.type": "index_or_alias",
             "resource.id": "nope", "index_uuid": "_na_", "index": "nope"}
    assert (status, body) == (404, {"error": {"root_cause": [cause], **cause}, "status": 404})
    assert es("DELETE", "nope")[0] == 404


def test_existing_index_and_invalid_names_are_400(es: Es) -> None:
    es("PUT", "sensor-1")
    status, body = es("PUT", "sensor-1")
    assert status == 400 and body["error"]["type"] == "resource_already_exists_exception"
    assert body["error"]["reason"].startswith("index [sensor-1/")
    for name in ("Upper", "-dash", "a*b"):
        status, body = es("PUT", name)
        assert status == 400 and body["error"]["type"] == "invalid_index_name_exception", name


def test_bad_settings_and_unknown_body_fields_are_400(es: Es) -> None:
    assert es("PUT", "x1", {"settings": {"number_of_shards": 0}})[1]["error"]["type"] == "illegal_argument_exception"
    assert es("PUT", "x2", {"setings": {}})[1]["error"]["type"] == "x_content_parse_exception"
    assert es("PUT", "x3", {"settings": {"index": {"number_of_replicas": 2}}})[0] == 200
    assert es("GET", "x3")[1]["x3"]["settings"]["index"]["number_of_replicas"] == "2"


def test_bulk_indexes_documents_and_reports_each_item(es: Es) -> None:
    es("PUT", "sensor-1", SENSOR_INDEX)
    body = ndjson({"index": {}}, {"node": "a"}, {"index": {"_id": "7"}}, {"node": "b"},
                  {"create": {"_id": "7"}}, {"node": "c"}, {"delete": {"_id": "nothing"}})
    status, answer = es("POST", "sensor-1/_doc/_bulk", body, refresh="true")
    assert status == 200 and answer["errors"] is True and isinstance(answer["took"], int)
    first, second, third, fourth = answer["items"]
    assert first["index"]["result"] == "created" and first["index"]["status"] == 201
    assert len(first["index"]["_id"]) == 20 and first["index"]["_type"] == "_doc"
    assert first["index"]["_shards"] == {"total": 1, "successful": 1, "failed": 0}
    assert second["index"]["_id"] == "7" and second["index"]["_seq_no"] == 1
    assert third["create"]["status"] == 409
    assert third["create"]["error"]["type"] == "version_conflict_engine_exception"
    assert fourth["delete"] == {"_index": "sensor-1", "_type": "_doc", "_id": "nothing", "_version": 1,
                                "result": "not_found", "status": 404}
    assert es("GET", "sensor-1/_count")[1]["count"] == 2
    assert es("GET", "sensor-1/_doc/7")[1]["_source"] == {"node": "b"}


def test_bulk_update_and_delete_and_index_from_metadata(es: Es) -> None:
    body = ndjson({"index": {"_index": "auto", "_type": "_doc", "_id": "1"}}, {"a": 1},
                  {"update": {"_index": "auto", "_type": "_doc", "_id": "1"}}, {"doc": {"b": 2}},
                  {"update": {"_index": "auto", "_type": "_doc", "_id": "2"}}, {"doc": {"b": 2}})
    status, answer = es("POST", "_bulk", body)
    assert status == 200 and answer["errors"] is True
    assert answer["items"][1]["update"]["_version"] == 2
    assert answer["items"][2]["update"]["error"]["type"] == "document_missing_exception"
    assert es("GET", "auto/_doc/1")[1]["_source"] == {"a": 1, "b": 2}
    status, answer = es("POST", "_bulk", ndjson({"delete": {"_index": "auto", "_type": "_doc", "_id": "1"}}))
    assert answer["errors"] is False and answer["items"][0]["delete"]["result"] == "deleted"
    assert es("GET", "auto/_doc/1") == (404, {"_index": "auto", "_type": "_doc", "_id": "1", "found": False})


@pytest.mark.parametrize("body, words", [
    ('{"index": {}}\n{"a": 1}', "terminated by a newline"),
    ('{"index": {}}\n', "has no source line"),
    ('{"explode": {}}\n{}\n', "Malformed action/metadata line [1]"),
    ('"text"\n', "Malformed action/metadata line [1]"),
    ('{"index": {}}\n{broken\n', "line [2]"),
    ("\n", "no requests added"),
    ('{"index": {"_index": "i"}}\n{"a": 1}\n', "type is missing"),
])
def test_malformed_bulk_bodies_are_400(es: Es, body: str, words: str) -> None:
    status, answer = es("POST", "_bulk", body)
    assert status == 400 and words in answer["error"]["reason"], answer


def test_bulk_refresh_must_be_a_known_value(es: Es) -> None:
    status, answer = es("POST", "i/_doc/_bulk", ndjson({"index": {}}, {"a": 1}), refresh="sometimes")
    assert status == 400 and answer["error"]["reason"] == "Unknown value for refresh: [sometimes]."


def test_index_and_get_one_document(es: Es) -> None:
    assert es("PUT", "docs/_doc/1", {"a": 1})[0] == 201
    status, answer = es("PUT", "docs/_doc/1", {"a": 2})
    assert status == 200 and answer["result"] == "updated" and answer["_version"] == 2
    assert es("POST", "docs/_doc", {"a": 3})[0] == 201
    assert es("GET", "docs/_count")[1]["count"] == 2
    assert es("PUT", "docs/_doc/1", {"a": 1}, op_type="create")[0] == 409
    assert es("PUT", "docs/_doc/9", "[1]")[0] == 400
    assert es("GET", "nothing/_doc/1")[0] == 404


def test_count_over_a_wildcard(es: Es) -> None:
    es("PUT", "logs-1/_doc/1", {"a": 1})
    es("PUT", "logs-2/_doc/1", {"a": 1})
    assert es("GET", "logs-*/_count")[1]["count"] == 2
    assert es("GET", "logs-1,logs-2/_count")[1]["count"] == 2
