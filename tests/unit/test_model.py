"""The model is plain, immutable data: pickle, ==, hashing and JSON round trips."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from harness.model import (
    BodyKind,
    Diagnostic,
    Directive,
    Document,
    Example,
    ExpectedResponse,
    Format,
    Level,
    MatchPolicy,
    ObjectTable,
    Operation,
    Parameter,
    Request,
    Retry,
    Role,
    Span,
    StatusCode,
    Substitution,
    from_json,
    to_data,
    to_json,
)
from harness.results import (
    Exchange,
    ExampleResult,
    Failure,
    FailureKind,
    Mismatch,
    Outcome,
    RunResult,
)


def sample_document() -> Document:
    path = "elasticsearch/rollup/stop-job.asciidoc"
    sub = Substitution(r'"stack_trace": ...', r'"stack_trace": $body.$_path', Span(path, 86, 16, 86, 70))
    example = Example(
        name="line_61",
        span=Span(path, 61, 1, 63, 50),
        language="js",
        source="POST _xpack/rollup/job/does_not_exist/_stop\n",
        requests=(Request("POST", "_xpack/rollup/job/does_not_exist/_stop", span=Span(path, 62)),),
        expected=(
            ExpectedResponse(
                source='{"status": 404, "x": ...}',
                body='{"status": 404, "x": $body.$_path}',
                body_kind=BodyKind.JSON,
                match=MatchPolicy.EXACT,
                substitutions=(sub,),
                span=Span(path, 70, 1, 86),
            ),
        ),
        setups=("sensor_started_rollup_job",),
        catch="missing",
        directives=(Directive("TEST", "catch:missing", Span(path, 65)),),
        testenv="basic",
    )
    operation = Operation(
        method="POST",
        path="_xpack/rollup/job/<job_id>/_stop",
        title="Stop Job API",
        parameters=(Parameter("job_id", "path", True, "string", "Identifier for the job"),),
        objects=(ObjectTable("Thing", (Parameter("a", "response", None, "String"),), Span(path, 3)),),
        status_codes=(StatusCode(404, "missing"),),
        span=Span(path, 16),
    )
    return Document(
        path=path,
        format=Format.ASCIIDOC,
        title="Stop Job API",
        operations=(operation,),
        examples=(example, dataclasses.replace(example, name="line_80", continued=True)),
        diagnostics=(Diagnostic(Level.WARNING, "blank-line", "a blank line ends the snippet", Span(path, 9, 1)),),
    )


def test_document_survives_pickle_and_equality() -> None:
    doc = sample_document()
    copy = pickle.loads(pickle.dumps(doc))
    assert copy == doc
    assert hash(copy.examples[0]) == hash(doc.examples[0])


def test_document_json_round_trip_is_exact() -> None:
    doc = sample_document()
    text = to_json(doc)
    again = from_json(Document, text)
    assert again == doc
    assert to_json(again) == text
    assert to_data(doc)["examples"][0]["expected"][0]["match"] == "exact"


def test_model_is_frozen() -> None:
    doc = sample_document()
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.title = "changed"  # type: ignore[misc]


def test_tests_are_non_continued_test_examples() -> None:
    doc = sample_document()
    assert [e.name for e in doc.tests] == ["line_61"]
    assert not doc.has_errors
    assert dataclasses.replace(doc, diagnostics=(Diagnostic(Level.ERROR, "x", "y", Span("p", 1)),)).has_errors


def test_span_renders_as_path_line_column() -> None:
    assert str(Span("a/b.asciidoc", 41, 3)) == "a/b.asciidoc:41:3"
    assert Span("a", 4).last_line == 4 and Span("a", 4, 1, 9).last_line == 9


def test_run_result_round_trip_and_counts() -> None:
    span = Span("x.rst", 10)
    failure = Failure(FailureKind.BODY, "body differs", span, "{}", "{}", (Mismatch("$.a", "1", "2", "value"),))
    result = ExampleResult(
        "x.rst", "line_10", span, Outcome.FAILED, "body differs", (failure,),
        (Exchange("test", "GET", "http://127.0.0.1/x", (("Accept", "application/json"),), None, 200),),
    )
    run = RunResult((result, ExampleResult("x.rst", "line_20", span, Outcome.SKIPPED, "todo")), ("reference=embedded",))
    again = from_json(RunResult, to_json(run))
    assert again == run
    assert run.counts()["failed"] == 1 and run.counts()["skipped"] == 1 and run.counts()["passed"] == 0
    assert not run.ok
    assert result.node_id == "x.rst::line_10"
    assert failure.is_assertion and not Failure(FailureKind.TIMEOUT, "slow").is_assertion


@pytest.mark.parametrize("kind", list(FailureKind))
def test_every_failure_kind_is_classified(kind: FailureKind) -> None:
    assert isinstance(kind.is_assertion, bool)


def test_to_json_writes_what_to_data_gives() -> None:
    """``to_json`` lets the encoder walk the model (asking only for dataclasses and enums): the text is
    ``json.dumps(to_data(value))``'s, compact and indented, for documents, lists and run results."""
    import json

    doc = sample_document()
    span = Span("x.rst", 10)
    run = RunResult((ExampleResult("x.rst", "line_10", span, Outcome.FAILED, "body differs",
                                   (Failure(FailureKind.BODY, "é differs", span, "{}", "{}"),)),), ("r=e",))
    for value in (doc, [doc, doc], run, (doc.examples[0].span, Level.ERROR)):
        for indent in (None, 2):
            assert to_json(value, indent=indent) == json.dumps(to_data(value), indent=indent, ensure_ascii=False)
    with pytest.raises(TypeError, match="not JSON serializable"):
        to_json([object()])


def test_compact_json_of_values_outside_the_type_hints() -> None:
    """Compact ``to_json`` writes each class by an encoder made from its type hints; a value the hints do
    not describe (a bool or a float where an int is hinted, a list for a tuple, ``None`` or a number for a
    str, a subclass of a model class, NaN, a dict) is still written exactly as ``json.dumps(to_data(...))``."""
    import json

    class Wider(Span):  # a subclass is not its base: its own fields decide
        __slots__ = ()

    odd = [
        Span("p", True),  # a bool is an int, written otherwise
        Span("p", 1, 2.5),  # type: ignore[arg-type]
        Span("p", -0, 1, 10**30),
        Span(None, 1),  # type: ignore[arg-type]
        Wider("w", 3),
        Request("GET", "/x", headers=[("a", "b")], span=Span("p", 1)),  # type: ignore[arg-type]
        Retry((("status", "200"),), every=float("nan"), timeout=float("inf")),
        Example("n", Span("p", 1), setups=["a"], directives=[Directive("T", "", Span("p", 2))]),  # type: ignore[arg-type]
        Example("n", Span("p", 1), setups=("a", 1), skip_shard_failures=1),  # type: ignore[arg-type]
        Parameter("x", "path", required=None, type={"k": [1, None]}),  # type: ignore[arg-type]
        StatusCode(Level.ERROR),  # type: ignore[arg-type]
        ExpectedResponse("s", None, body_kind="json", status=404, match=MatchPolicy.SHAPE),  # type: ignore[arg-type]
    ]
    for value in (*odd, odd, tuple(odd), sample_document(), [], ()):
        assert to_json(value, indent=None) == json.dumps(to_data(value), ensure_ascii=False), value


def test_quick_construction_keeps_the_dataclass_signature_and_freeze() -> None:
    """Every model class's quicker ``__new__`` takes the fields in order with their defaults, sets each one,
    leaves an instance of the class itself that refuses mutation and survives pickle and copy; a subclass
    instance is set up too, with its own fields when it is a dataclass that adds some."""
    import copy

    import harness.model as model

    classes = [c for c in vars(model).values() if dataclasses.is_dataclass(c) and isinstance(c, type)]
    assert len(classes) >= 16
    for cls in classes:
        assert "OPEN" in cls.__new__.__code__.co_names and cls.__init__ is object.__init__, cls  # the quicker way
        fields = dataclasses.fields(cls)
        params = list(inspect.signature(cls).parameters.values())
        assert [(p.name, p.default) for p in params] == [
            (f.name, inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default) for f in fields]
        values = [f"value-{index}" for index, _ in enumerate(fields)]
        made = cls(*values)
        assert type(made) is cls and dataclasses.astuple(made) == tuple(values)
        assert pickle.loads(pickle.dumps(made)) == made == copy.deepcopy(made) == dataclasses.replace(made)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(made, fields[0].name, "changed")
        with pytest.raises(TypeError):
            cls(*values, "one too many")

    class Wider(Span):
        __slots__ = ()

    wide = Wider("w", 3)
    assert type(wide) is Wider and (wide.path, wide.line, wide.column) == ("w", 3, 1)
    assert type(copy.deepcopy(wide)) is Wider and copy.deepcopy(wide) == wide  # as pickle would (a local class)
    assert Span("p", 1, end_line=4) == Span("p", 1, 1, 4, 0)

    @dataclasses.dataclass(frozen=True)
    class Tagged(Span):
        tag: str = ""

    tagged = Tagged("t", 2, tag="x")
    assert (tagged.path, tagged.line, tagged.tag) == ("t", 2, "x") and copy.deepcopy(tagged) == tagged


def test_compact_json_of_a_dataclass_whose_hints_do_not_resolve() -> None:
    """A dataclass whose annotations name a class that cannot be found is written by the generic encoder."""
    import json

    @dataclasses.dataclass(frozen=True)
    class Local:
        inner: "Missing"  # type: ignore[name-defined]  # noqa: F821
        count: int = 2

    value = [Local(Span("p", 1)), Local("x", 3)]
    assert to_json(value, indent=None) == json.dumps(to_data(value), ensure_ascii=False)
