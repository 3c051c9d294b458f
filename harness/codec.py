"""JSON round trip for the model and the run results.

Generic over frozen dataclasses: enums become their values, tuples lists, and
``from_data`` rebuilds an instance from the class's type hints. Standard library
only, so ``harness.model`` can re-export it and stay free of third-party imports.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import json
import operator
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["field_values", "to_data", "from_data", "to_json", "from_json"]

T = TypeVar("T")


@functools.cache
def field_values(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """A getter of a dataclass's field values in field order, made once per class.

    ``dataclasses.fields`` is slow next to the objects it describes; the JSON codec, the
    parallel loader's pickling and publish's change keys all walk many model objects.
    """
    names = tuple(f.name for f in dataclasses.fields(cls))
    if len(names) > 1:
        return operator.attrgetter(*names)  # runs in C, returns a tuple
    return lambda value: tuple(getattr(value, name) for name in names)


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


_PLAIN = frozenset({str, int, float, bool, type(None)})  # returned as they are: most values of a model


@functools.cache
def _dataclass_names(cls: type) -> tuple[str, ...] | None:
    """The field names of a dataclass type, ``None`` for any other type (decided once per type)."""
    return _field_names(cls) if dataclasses.is_dataclass(cls) else None


def to_data(value: Any) -> Any:
    """Turn a model value into JSON-compatible data (dicts, lists, str, numbers)."""
    # hot: a page's model has tens of thousands of values; exact-type tests first, one cached
    # lookup per dataclass type, and plain values are not recursed into
    cls: type = type(value)
    if cls in _PLAIN:
        return value
    if cls is tuple or cls is list:
        return [v if type(v) in _PLAIN else to_data(v) for v in value]
    names = _dataclass_names(cls)
    if names is not None:
        return {name: v if type(v) in _PLAIN else to_data(v) for name, v in zip(names, field_values(cls)(value))}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    return value


def from_data(cls: type[T], data: Any) -> T:
    """Rebuild a model dataclass of type ``cls`` from ``to_data`` output."""
    return typing.cast(T, _build(cls, data))


def _build(tp: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(options[0], data) if len(options) == 1 else data
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v) for v in data)
        return tuple(_build(a, v) for a, v in zip(args, data))
    if origin is dict:
        _, value_type = typing.get_args(tp)
        return {k: _build(value_type, v) for k, v in data.items()}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(data)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        kwargs = {name: _build(hint, data[name]) for name, hint in _field_hints(tp) if name in data}
        return tp(**kwargs)
    return data


@functools.cache
def _field_hints(cls: type) -> tuple[tuple[str, Any], ...]:
    # get_type_hints evaluates the string annotations on every call; a page has thousands of
    # model objects, so resolve each class once
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def to_json(value: Any, *, indent: int | None = 2) -> str:
    """Serialise a model value (or a list of them) to JSON text: ``json.dumps(to_data(value))``.

    The encoder walks the value itself (in C when ``indent`` is ``None``) and asks ``_encodable``
    only for each dataclass and enum, instead of ``to_data`` building a copy of the whole tree in
    Python first: the same text (dict keys are strings in the model), a third of the time.
    """
    return json.dumps(value, indent=indent, ensure_ascii=False, default=_encodable)


def _encodable(value: Any) -> Any:
    """What ``json.dumps`` writes for a value it cannot encode itself: a dataclass's fields as a dict
    (in field order; the encoder walks the field values), an enum's value."""
    cls: type = type(value)
    as_dict = _AS_DICT.get(cls)
    if as_dict is not None:
        return as_dict(value)
    if _dataclass_names(cls) is not None:
        return _as_dict(cls)(value)
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_AS_DICT: dict[type, Callable[[Any], dict[str, Any]]] = {}


def _as_dict(cls: type) -> Callable[[Any], dict[str, Any]]:
    """``lambda o: {"name": o.name, ...}`` for a dataclass, made once per class (as ``dataclasses``
    makes ``__init__``): one dict display, the cheapest way to the fields in Python."""
    names = _field_names(cls)
    function: Callable[[Any], dict[str, Any]] = eval(  # noqa: S307 - field names are identifiers
        "lambda o: {" + ", ".join(f"{name!r}: o.{name}" for name in names) + "}")
    _AS_DICT[cls] = function
    return function


def from_json(cls: type[T], text: str) -> T:
    """Parse JSON text made by ``to_json`` back into a ``cls`` instance."""
    return from_data(cls, json.loads(text))
