"""``extract --json``'s writer: the Documents as JSON on stdout, by orjson when it can.

orjson (a C library) writes the model's enums, tuples and plain values itself, about three times
as fast as ``harness.codec``'s encoders, which stay the reference (standard library
only, so that ``harness.model`` can re-export them) and write what orjson cannot: an indent other
than 2, a value it refuses (a path holding a lone surrogate from an undecodable file name, an
integer beyond 64 bits), or a stdout that does not take UTF-8. Either way the JSON is the same
(keys, their order, values); only orjson's compact form has no space after ``,`` and ``:``.

The model's dataclasses reach orjson as dicts, one dict display per object made by a function
written once (``_model_fields``; ``_fields_of`` for other dataclasses): orjson's own walk of a
slots dataclass reads its field table and each field's definition for every object, twice the
cost of the whole dump of the same values as dicts.
"""

from __future__ import annotations

import codecs
import dataclasses
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from harness import model
from harness.codec import json_pieces
from harness.model import Document

__all__ = ["write_json"]


def write_json(documents: Sequence[Document], out: TextIO, indent: int | None) -> None:
    """Write ``documents`` to ``out`` as a JSON list and a newline; compact when ``indent`` is ``None``."""
    data = _orjson(documents, indent) if indent in (None, 2) and _utf8(out) else None
    buffer = getattr(out, "buffer", None)
    if data is None or buffer is None:
        if data is not None:
            out.write(data.decode("utf-8"))
        else:
            out.writelines(json_pieces(list(documents), indent=indent))  # no join of a big tree's text first
        out.write("\n")
        return
    out.flush()  # what the text layer holds goes first
    buffer.write(data)
    buffer.write(b"\n")
    buffer.flush()


def _orjson(documents: Sequence[Document], indent: int | None) -> bytes | None:
    """orjson's text of ``documents``, or ``None`` when orjson is missing or refuses a value."""
    try:
        import orjson
    except ImportError:  # an install without it: the standard library writes the same JSON
        return None
    try:
        option = orjson.OPT_PASSTHROUGH_DATACLASS | (orjson.OPT_INDENT_2 if indent == 2 else 0)
        return orjson.dumps(list(documents), default=_model_fields(), option=option)
    except (orjson.JSONEncodeError, TypeError):  # a lone surrogate, a huge integer: the reference encoder says
        return None


_FIELDS: dict[type, Callable[[Any], dict[str, Any]]] = {}
# the model's classes a page's Documents hold, the most frequent first (a Span is every second object)
_MODEL_ORDER = ("Span", "Directive", "Substitution", "Example", "Request", "Parameter", "ExpectedResponse",
                "Diagnostic", "Notice", "Operation", "Document")
_MODEL_DEFAULT: list[Callable[[Any], Any]] = []  # made at the first write


def _model_fields() -> Callable[[Any], Any]:
    """orjson's ``default``: one function testing the class of the value against the model's classes, each with its
    dict display inline (one call per object, not two), and ``_fields`` for any other value."""
    if not _MODEL_DEFAULT:
        classes = [getattr(model, name) for name in _MODEL_ORDER]
        namespace: dict[str, Any] = {"OTHER": _fields, **{f"C{i}": cls for i, cls in enumerate(classes)}}
        tests = "".join(f"    if c is C{i}:\n        return {_display(cls)}\n" for i, cls in enumerate(classes))
        exec(f"def default(o):\n    c = o.__class__\n{tests}    return OTHER(o)\n", namespace)  # noqa: S102
        _MODEL_DEFAULT.append(namespace["default"])
    return _MODEL_DEFAULT[0]


def _fields(value: Any) -> dict[str, Any]:
    """A dataclass as the dict orjson itself would write for it (by a function made once per class)."""
    as_dict = _FIELDS.get(value.__class__)
    if as_dict is None:
        as_dict = _fields_of(value.__class__)
    return as_dict(value)


def _display(cls: type) -> str:
    """``{"name": o.name, ...}``: a dataclass's fields in order, as orjson writes one (none whose name starts
    with ``_``)."""
    names = [f.name for f in dataclasses.fields(cls) if not f.name.startswith("_")]
    return "{" + ", ".join(f"{name!r}: o.{name}" for name in names) + "}"


def _fields_of(cls: type) -> Callable[[Any], dict[str, Any]]:
    """``lambda o: {"name": o.name, ...}`` for a dataclass, made once per class; any other type is refused as
    orjson refuses it."""
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise TypeError(f"Type is not JSON serializable: {cls.__name__}")
    as_dict: Callable[[Any], dict[str, Any]] = eval("lambda o: " + _display(cls))  # noqa: S307 - identifiers
    _FIELDS[cls] = as_dict
    return as_dict


def _utf8(out: TextIO) -> bool:
    encoding = getattr(out, "encoding", None) or sys.getdefaultencoding()
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False
