"""Keys given twice in one JSON object, found in the one read of a text (``loads_with_repeats``).

An answer is read once: ``Reply.json()`` and ``Reply.repeated`` come from the same hooked read, whose
values are exactly ``json.loads``'s (plain dicts, the last value of a repeated key, the first key's place).
Before, the body check read the answer a second time to find a repeated key. Real loopback server.
"""

from __future__ import annotations

import json

import fault_servers as fs
import pytest

from harness.parsers.repeated_keys import loads_with_repeats, repeated_key
from harness.replay.send import Sender, new_session

TEXTS = [
    ('{"a": 1}', None),
    ('{"a": 1, "b": {"c": 2, "c": 3}, "c": 4}', ("$.b", "c")),
    ('{"x": [{"k": 1}, {"k": 2, "y": {"k": 1}}], "z": {"q": 1, "q": 2}}', ("$.z", "q")),
    ('[{"a": 1, "b": 2, "a": 3}, {"a": 1, "a": 2}]', ("$[0]", "a")),
    ('{"outer": {"o": 1, "o": 2}, "outer": {"i": 1, "i": 2}}', ("$", "outer")),
    ('[1, "two", null, true]', None),
    # the dropped first value repeats a key too: its id must never be taken by an object read after it
    ('{"p": {"a": {"x": 1, "x": 2}, "a": 1}, "q": [{"m": 1}, {"n": 2}]}', ("$.p", "a")),
    ('{"p": {"a": {"x": 1, "x": 2}, "a": {"y": 1}}, "r": {}, "s": {"t": {}}}', ("$.p", "a")),
]


@pytest.mark.parametrize(("text", "repeated"), TEXTS)
def test_one_read_gives_json_loads_values_and_the_first_repeat(text: str, repeated: tuple[str, str] | None) -> None:
    value, found = loads_with_repeats(text)
    assert found == repeated == repeated_key(text)
    assert value == json.loads(text) and json.dumps(value) == json.dumps(json.loads(text))  # same keys, same order
    assert all(type(v) in (dict, list, int, str, bool, type(None)) for v in _walk(value))


def _walk(value: object) -> list[object]:
    found = [value]
    for item in (value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()):
        found += _walk(item)
    return found


@pytest.mark.parametrize(("text", "repeated"), TEXTS)
def test_an_answer_is_read_once_for_its_values_and_its_repeated_keys(text: str,
                                                                     repeated: tuple[str, str] | None) -> None:
    def answer(conn: object, head: bytes, stop: object) -> None:
        conn.sendall(fs.answer(200, text.encode()))  # type: ignore[attr-defined]

    with fs.fault_server(answer) as server:
        reply = Sender(new_session(verify_tls=True), 5).send("GET", server.url + "/", {}, None)
    assert reply.json() == json.loads(text)
    assert reply.repeated == repeated


def test_text_that_is_not_json_has_no_repeated_key() -> None:
    assert repeated_key("{not json") is None
    with pytest.raises(ValueError):
        loads_with_repeats("{not json")
