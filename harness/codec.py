"""JSON round trip for the model and the run results.

Generic over frozen dataclasses: enums become their values, tuples lists, and
``from_data`` rebuilds an instance from the class's type hints. Standard library
only, so ``harness.model`` can re-export it and stay free of third-party imports.
``quicken_inits`` makes the model's frozen classes quicker to construct (parsers make many).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import inspect
import json
import operator
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["field_values", "to_data", "from_data", "to_json", "json_pieces", "from_json"]

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
    return "".join(json_pieces(value, indent=indent))


def json_pieces(value: Any, *, indent: int | None = 2) -> list[str]:
    """``to_json(value, indent=indent)`` in pieces whose concatenation is that text: compact, a list is
    one piece per item (and its brackets and commas), so that a command writes a big tree piece by
    piece instead of joining it first (17 MB of text copied three times: a sixth of the JSON's cost)."""
    if indent is None:
        try:
            return _compact(value)
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError):
            pass  # a value outside its class's type hints: the generic encoder writes it, or says why not
    return [json.dumps(value, indent=indent, ensure_ascii=False, default=_encodable)]


def _dumps(value: Any) -> str:
    """Compact JSON of any value, as ``to_json(value, indent=None)`` writes it."""
    return json.dumps(value, ensure_ascii=False, default=_encodable)


def _compact(value: Any) -> list[str]:
    """``_dumps(value)`` in pieces for a model value or a list or tuple of them, by the per-class encoders."""
    if value.__class__ is list or value.__class__ is tuple:
        if not value:
            return ["[]"]
        pieces = [", "] * (2 * len(value) + 1)  # "[", item, ", ", item, ..., item, "]"
        pieces[1::2] = map(_encode_any, value)
        pieces[0], pieces[-1] = "[", "]"
        return pieces
    return [_encode_any(value)]


def _encode_any(value: Any) -> str:
    """Compact JSON of one value: by its class's encoder when it is a dataclass, else ``_dumps``."""
    encoder = _ENCODERS.get(value.__class__)
    if encoder is None:
        if _dataclass_names(value.__class__) is None:
            return _dumps(value)
        encoder = _encoder(value.__class__)
    return encoder(value)


_ENCODERS: dict[type, Callable[[Any], str]] = {}
_CONSTANTS = {"ANY": _encode_any, "D": _dumps, "E": json.encoder.encode_basestring, "INT": int,
              "TUPLE": tuple, "NULL": "null", "TRUE": "true", "FALSE": "false", "EMPTY": "[]", "LB": "[", "RB": "]",
              "SEP": ", "}


def _encoder(cls: type) -> Callable[[Any], str]:
    """A function writing an instance of dataclass ``cls`` as compact JSON, made once per class from its
    type hints. A field's text is written directly when its value has the hinted type (str, bool, int,
    a str enum, a model class, a tuple of them, ``None`` if optional); anything else goes through
    ``_dumps`` or raises (``to_json`` then uses the generic encoder): the text is always ``_dumps``'s."""
    namespace: dict[str, Any] = dict(_CONSTANTS, CLS=cls)
    _ENCODERS[cls] = _dumps  # while being made: a class that contains itself is written generically
    try:
        hints = _field_hints(cls)
    except Exception:  # noqa: BLE001 - hints that do not resolve: the generic encoder writes the class
        return _dumps
    names = _field_names(cls)
    namespace["GET"] = operator.attrgetter(*names, "__class__")
    pieces = [("{{" if i == 0 else ", ") + json.dumps(name) + ": {" + _field_code(f"v{i}", hint, namespace) + "}"
              for i, (name, hint) in enumerate(hints)]
    unpack = "".join(f"v{i}, " for i in range(len(names)))
    quotes = "'" * 3
    source = (f"def encode(o):\n    {unpack}c = GET(o)\n    if c is not CLS:\n        return ANY(o)\n"
              f"    return f{quotes}" + ("".join(pieces) or "{{") + "}}" + quotes + "\n")
    exec(source, namespace)  # noqa: S102 - made of the class's field names and type hints only
    encoder: Callable[[Any], str] = namespace["encode"]
    _ENCODERS[cls] = encoder
    return encoder


def _field_code(var: str, hint: Any, namespace: dict[str, Any]) -> str:
    """The expression writing field value ``var`` of type ``hint`` as compact JSON."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if len(args) == 2 and type(None) in args:
            other = args[0] if args[1] is type(None) else args[1]
            return f"(NULL if {var} is None else {_field_code(var, other, namespace)})"
        return f"D({var})"
    if origin is tuple:
        args = typing.get_args(hint)
        item = _item_function(args[0], namespace) if len(args) == 2 and args[1] is Ellipsis else None
        if item is not None:
            items = f"(LB + SEP.join(map({item}, {var})) + RB if {var} else EMPTY)"  # most tuples are empty
            return f"({items} if {var}.__class__ is TUPLE else D({var}))"
        return f"(EMPTY if {var} == () else D({var}))"
    if hint is str or (isinstance(hint, type) and issubclass(hint, str) and issubclass(hint, enum.Enum)):
        return f"E({var})"
    if hint is bool:
        return f"(TRUE if {var} is True else FALSE if {var} is False else D({var}))"
    if hint is int:
        return f"({var} if {var}.__class__ is INT else D({var}))"  # an int's format() is its repr()
    item = _item_function(hint, namespace)
    return f"{item}({var})" if item is not None and item != "E" else f"D({var})"


def _item_function(hint: Any, namespace: dict[str, Any]) -> str | None:
    """The name, in ``namespace``, of a function writing one value of type ``hint`` (str or a dataclass),
    ``None`` for another type."""
    if hint is str:
        return "E"
    if not (isinstance(hint, type) and dataclasses.is_dataclass(hint)):
        return None
    name = f"ENC_{hint.__name__}"
    namespace[name] = _ENCODERS.get(hint) or _encoder(hint)
    return name


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


def quicken_inits(namespace: dict[str, Any]) -> None:
    """Make each frozen slots dataclass defined in ``namespace`` (a module's globals) quicker to construct.

    A frozen dataclass's ``__init__`` sets every field through ``object.__setattr__`` (its own
    ``__setattr__`` refuses), a slow call per field, and calling a class whose ``__init__`` is Python
    costs as much again; a model object has up to 21 fields and a big page makes thousands. Such a class
    gets a ``__new__`` instead (its ``__init__`` is then ``object``'s, which does nothing): it makes an
    instance of a class of the same layout without the guard, stores the fields into its slots, and gives it
    its own class: the same signature, defaults and values, and the instance refuses mutation as before.
    A subclass is made the usual way (``_subclassed``). Instances pickle and copy as (class, field values),
    as ``__new__`` needs the fields. Callgrind: a ``Span`` 4.4k -> 3.6k instructions, an ``Example`` 8.2k -> 7.0k.
    """
    for cls in list(namespace.values()):
        params = getattr(cls, "__dataclass_params__", None)
        if (not isinstance(cls, type) or cls.__module__ != namespace.get("__name__") or params is None
                or not params.frozen or "__slots__" not in cls.__dict__ or "__post_init__" in cls.__dict__):
            continue
        _quicken(cls)


_RESERVED = frozenset({"cls", "self", "CLS", "OPEN", "NEW"})


def _quicken(cls: type) -> None:
    fields = dataclasses.fields(cls)
    slow: Callable[..., None] = cls.__init__  # type: ignore[misc]
    names = tuple(f.name for f in fields)
    if any(f.default_factory is not dataclasses.MISSING or not f.init or f.kw_only for f in fields) or tuple(
            cls.__dict__["__slots__"]) != names or _RESERVED & {*names} or "__new__" in cls.__dict__:
        return  # only plain fields with plain defaults (and names the made function does not use)
    namespace: dict[str, Any] = {"CLS": cls, "OPEN": type(f"_Open{cls.__name__}", (), {"__slots__": names}),
                                 "NEW": object.__new__}
    params = []
    for f in fields:
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            namespace[f"D_{f.name}"] = f.default
            params.append(f"{f.name}=D_{f.name}")
    body = "".join(f"    self.{name} = {name}\n" for name in names)
    source = (f"def __new__(cls, {', '.join(params)}):\n"
              f"    self = NEW(OPEN)\n{body}    self.__class__ = CLS\n    return self\n")
    exec(source, namespace)  # noqa: S102 - made of the class's field names only
    new: Callable[..., Any] = namespace["__new__"]
    new.__qualname__ = f"{cls.__qualname__}.__new__"
    new.__doc__ = slow.__doc__
    new.__annotations__ = {k: v for k, v in slow.__annotations__.items() if k != "return"}
    setattr(new, "__signature__", inspect.signature(slow))  # (self, fields...): what inspect shows
    setattr(cls, "__new__", staticmethod(new))
    setattr(cls, "__init__", object.__init__)
    setattr(cls, "__reduce__", _reduce)
    setattr(cls, "__init_subclass__", classmethod(functools.partial(_subclassed, slow)))


def _reduce(self: Any) -> tuple[type, tuple[Any, ...]]:
    """A quickened class's instance pickles and copies as (class, field values): ``__new__`` takes them."""
    return self.__class__, field_values(self.__class__)(self)


def _subclassed(init: Callable[..., None], subclass: type, **kwargs: Any) -> None:
    """A quickened class's subclass is made the usual way: a plain instance, set up by its own ``__init__``, or
    by the dataclass's ``init`` when it has none (then ``object``'s); ``_reduce`` pickles it with its own fields."""
    if "__new__" not in subclass.__dict__:
        def made(cls: type, *args: Any, **named: Any) -> Any:
            self: Any = object.__new__(cls)
            if cls.__init__ is object.__init__:  # type: ignore[misc]
                init(self, *args, **named)
            return self

        setattr(made, "__signature__", inspect.signature(init))
        setattr(subclass, "__new__", staticmethod(made))
