"""The one shared model: what a documentation page says, as plain frozen data.

Every other module speaks these types. Parsers build them from text, replay turns
them into requests and outcomes, publish renders them. Nothing here does I/O or
holds behaviour: a ``Document`` must survive ``pickle``, ``==`` and a JSON round
trip (``to_json`` / ``from_json``), which pytest-xdist, caching and
``docharness publish --results`` all rely on.

Conventions:

* Lines and columns are 1-based everywhere (see ``Span``). The only conversions live at the
  edges that need them: pytest's 0-based ``reportinfo`` line (in the plugin) and docutils'
  ``node.line`` (in the RST parser).
* Text is kept twice where publishing and replaying need different things:
  ``source`` is what the page shows (callouts stripped, nothing substituted);
  the parsed fields (``Request.path``, ``ExpectedResponse.body``) are what a
  test uses, after the page's ``s/.../.../`` substitutions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["Span", "Level", "Diagnostic", "Format", "BodyKind", "Role", "MatchPolicy", "Parameter", "ObjectTable",
           "StatusCode", "Operation", "FormPart", "Request", "Substitution", "Capture", "Retry", "Directive",
           "ExpectedResponse", "Example", "Notice", "Document", "field_values", "to_data", "from_data", "to_json",
           "from_json"]


@dataclass(frozen=True, slots=True)
class Span:
    """A place in a source file: 1-based first line/column to last line/column.

    :param path: the source path as given to the parser (posix separators).
    :param line: first line, 1-based.
    :param column: first column, 1-based.
    :param end_line: last line, 1-based, inclusive; ``0`` means "same as ``line``".
    :param end_column: last column, 1-based, inclusive; ``0`` means "to the end of the line".
    """

    path: str
    line: int
    column: int = 1
    end_line: int = 0
    end_column: int = 0

    @property
    def last_line(self) -> int:
        return self.end_line or self.line

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class Level(str, enum.Enum):
    """How bad a diagnostic is: an ``error`` makes ``docharness extract`` exit 1."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """Something a parser found wrong with a page, said so a writer can fix it.

    :param level: error, warning or info.
    :param code: a stable kebab-case identifier (``unpaired-directive`` ...), to filter by and look up hints.
    :param message: one sentence naming what is wrong.
    :param span: where; the column range is underlined by the renderer.
    :param hint: one line saying what to do about it (may be empty).
    :param source_line: the text of the offending line, for the renderer's gutter.
    """

    level: Level
    code: str
    message: str
    span: Span
    hint: str = ""
    source_line: str = ""


class Format(str, enum.Enum):
    """The source format a document was written in."""

    ASCIIDOC = "asciidoc"
    RST = "rst"
    HTML = "html"


class BodyKind(str, enum.Enum):
    """How a request or response body is to be read."""

    NONE = "none"
    JSON = "json"
    NDJSON = "ndjson"
    TEXT = "text"


class Role(str, enum.Enum):
    """What an example is for, in Elasticsearch's terms.

    ``TEST`` examples become test items. ``SETUP`` (``// TESTSETUP``) runs
    before every test of its document, ``TEARDOWN`` (``// TEARDOWN``) after
    every test.
    """

    TEST = "test"
    SETUP = "setup"
    TEARDOWN = "teardown"


class MatchPolicy(str, enum.Enum):
    """How an expected body is compared with the actual one (see the design guide).

    ``EXACT`` is Elasticsearch's ``match: $body``; ``NON_JSON`` matches text by
    the regex lines ``TESTRESPONSE[non_json]`` builds; ``SHAPE`` compares keys
    and JSON types only; ``SUBSET`` requires documented keys, allows extra ones.
    """

    EXACT = "exact"
    NON_JSON = "non_json"
    SHAPE = "shape"
    SUBSET = "subset"


@dataclass(frozen=True, slots=True)
class Parameter:
    """One row of a parameter or response-field table.

    :param name: the parameter name as documented (``job_id``, ``X-Auth-Token``).
    :param location: ``path``, ``query``, ``header``, ``body``, ``response`` or ``response_header``.
    :param required: ``True``/``False`` when the page says, ``None`` when it doesn't.
    :param type: the documented type text (``String``, ``Array of JobValidationResult``).
    :param description: the description text, plain.
    :param object_ref: the name of the nested object table this type refers to, if any.
    """

    name: str
    location: str
    required: bool | None = None
    type: str = ""
    description: str = ""
    object_ref: str = ""


@dataclass(frozen=True, slots=True)
class ObjectTable:
    """A nested object described by its own table (``JobValidationResult``).

    :param name: the object's name as the page refers to it.
    :param fields: its fields, each a ``Parameter`` with location ``response`` or ``body``.
    :param span: where the table starts.
    """

    name: str
    fields: tuple[Parameter, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class StatusCode:
    """A documented status code and what it means."""

    code: int
    description: str = ""


@dataclass(frozen=True, slots=True)
class Operation:
    """What a page documents: one HTTP operation.

    :param method: upper-case HTTP method.
    :param path: the path template as documented, without scheme and host
        (``_xpack/rollup/job/<job_id>/_stop``, ``/v1.0/{project_id}/streaming/jobs/stop``).
    :param title: the page or section title.
    :param description: the description paragraphs, plain text.
    :param parameters: path, query, header and body parameters.
    :param response_fields: top-level response fields.
    :param objects: nested object tables referred to by name.
    :param status_codes: documented status codes.
    :param authorization: the authorization / privileges paragraph, plain text.
    :param span: where the request line is documented.
    """

    method: str
    path: str
    title: str = ""
    description: str = ""
    parameters: tuple[Parameter, ...] = ()
    response_fields: tuple[Parameter, ...] = ()
    objects: tuple[ObjectTable, ...] = ()
    status_codes: tuple[StatusCode, ...] = ()
    authorization: str = ""
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class FormPart:
    """One ``multipart/form-data`` field: a text ``value``, or a ``file`` (absolute path) sent with
    its ``content_type``. Named setups that upload files use it."""

    name: str
    value: str = ""
    file: str = ""
    content_type: str = ""


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request of an example, as a test sends it.

    :param method: upper-case HTTP method.
    :param path: path and query as written after substitutions, placeholders
        unfilled (``_xpack/rollup/job/sensor/_stop``, ``/v1.0/{project_id}/streaming/jobs/stop``).
    :param body: the body text after substitutions (``\"\"\"`` strings already
        turned into JSON strings), or ``None``.
    :param body_kind: json, ndjson, text or none.
    :param headers: extra request headers the page documents, in order.
    :param span: the request line (for a body-only cloud example: the body block).
    :param multipart: form fields sent as ``multipart/form-data`` instead of ``body`` (named setups only).
    """

    method: str
    path: str
    body: str | None = None
    body_kind: BodyKind = BodyKind.NONE
    headers: tuple[tuple[str, str], ...] = ()
    span: Span | None = None
    multipart: tuple[FormPart, ...] = ()


@dataclass(frozen=True, slots=True)
class Substitution:
    """An ``s/pattern/replacement/`` item, kept as written (Java regex + replacement)."""

    pattern: str
    replacement: str
    span: Span


@dataclass(frozen=True, slots=True)
class Capture:
    """``CAPTURE[name=$body.a.0.b]``: ``source`` (``$body[.path]``, ``$header.Name``) of an answer,
    bound as ``{name}``."""

    name: str
    source: str
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Retry:
    """``RETRY[until:$body.status.id=COMPLETED every:500ms timeout:30s]``: re-send until every ``(subject,
    value)`` condition holds (``status``, ``$body[.path]``, ``$header.Name``), ``every`` s apart, for ``timeout`` s."""

    conditions: tuple[tuple[str, str], ...]
    every: float = 0.5
    timeout: float = 30.0
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Directive:
    """A directive line as found on the page, with its place.

    :param name: ``CONSOLE``, ``NOTCONSOLE``, ``TEST``, ``TESTRESPONSE``,
        ``TESTSETUP``, ``TEARDOWN`` or ``testenv``.
    :param args: the text between the brackets, ``""`` for none.
    :param span: the directive line.
    """

    name: str
    args: str
    span: Span


@dataclass(frozen=True, slots=True)
class ExpectedResponse:
    """What is expected of the last request of an example.

    :param source: the response as the page shows it (callouts stripped, unsubstituted).
    :param body: the body to match, after substitutions (for ``non_json`` this is the
        regex text the four ``non_json`` substitutions build), or ``None`` when only the
        status is documented.
    :param body_kind: json, ndjson, text or none.
    :param status: the documented status (cloud pages), ``None`` for "2xx unless caught".
    :param match: the policy the page asks for, or ``None`` to use the configured one.
    :param skip: ``TESTRESPONSE[skip:reason]``: the response is shown but not compared.
    :param substitutions: the ``TESTRESPONSE[s/.../.../]`` items, in declaration order.
    :param span: the response block, first to last line.
    :param volatile: JSON paths (``$.jobs[*].start-time``) whose values are not compared.
    :param headers: the response headers the page shows (``HTTP/1.1 201 Created`` then headers), in order.
    :param header_lines: each header's page line (``0``: not known, as for a table's), ``()`` when none is.
    """

    source: str
    body: str | None
    body_kind: BodyKind = BodyKind.JSON
    status: int | None = None
    match: MatchPolicy | None = None
    skip: str | None = None
    substitutions: tuple[Substitution, ...] = ()
    span: Span | None = None
    volatile: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    header_lines: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Example:
    """One request/response example of a page, and the directives that make it a test.

    Elasticsearch semantics: a non-``continued`` ``TEST`` example is one test
    item; ``continued`` examples are appended to the previous test at plan time;
    ``expected`` holds the ``TESTRESPONSE`` snippets matched against the last
    request of this example.

    :param name: the test name: ``id=`` when given, else ``line_<first line>``.
    :param span: the code block, opening to closing fence.
    :param role: test, setup (TESTSETUP) or teardown (TEARDOWN).
    :param language: the block's language (``js``, ``console``, ``text`` ...).
    :param source: the request block as the page shows it.
    :param requests: the parsed requests, after substitutions.
    :param expected: responses to match, in page order.
    :param setups: named setups to run first (``setup:a,b``), in order.
    :param teardowns: named teardowns to run after (``teardown:a,b``).
    :param continued: ``TEST[continued]``.
    :param skip: the skip reason, or ``None``.
    :param catch: the ``catch:`` value for the last request, or ``None``.
    :param warnings: expected ``Warning`` headers.
    :param skip_shard_failures: ``TEST[skip_shard_failures]``.
    :param substitutions: the ``TEST[s/.../.../]`` items, in declaration order.
    :param directives: the directive lines attached to the block.
    :param testenv: the file's ``[testenv="..."]`` value in force, or ``None``.
    :param variables: placeholders used by the requests (``project_id`` ...),
        filled from configuration at replay time.
    :param captures: ``CAPTURE[...]``: values of the last request's answer, for later requests.
    :param retry: ``RETRY[...]``: the last request is re-sent until its condition holds.
    :param caption: the prose that introduces the example on the page (plain text), or ``""``.
    """

    name: str
    span: Span
    role: Role = Role.TEST
    language: str = ""
    source: str = ""
    requests: tuple[Request, ...] = ()
    expected: tuple[ExpectedResponse, ...] = ()
    setups: tuple[str, ...] = ()
    teardowns: tuple[str, ...] = ()
    continued: bool = False
    skip: str | None = None
    catch: str | None = None
    warnings: tuple[str, ...] = ()
    skip_shard_failures: bool = False
    substitutions: tuple[Substitution, ...] = ()
    directives: tuple[Directive, ...] = ()
    testenv: str | None = None
    variables: tuple[str, ...] = ()
    captures: tuple[Capture, ...] = ()
    retry: Retry | None = None
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Notice:
    """An admonition of the page for its readers: experimental, beta, deprecated, note, warning...

    :param kind: ``experimental``, ``beta``, ``deprecated``, ``note``, ``tip``, ``important``,
        ``warning`` or ``caution``.
    :param text: what it says, plain text (may be empty for a bare ``experimental[]``).
    :param span: where it is written.
    """

    kind: str
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed source page.

    :param path: the source path as given to the parser (posix separators).
    :param format: asciidoc, rst or html.
    :param title: the page title.
    :param description: the lead paragraphs, plain text.
    :param operations: the operations the page documents (usually one).
    :param examples: the examples, in page order.
    :param diagnostics: what the parser found wrong, in page order.
    :param notices: the page's admonitions for readers, in page order.
    """

    path: str
    format: Format
    title: str = ""
    description: str = ""
    operations: tuple[Operation, ...] = ()
    examples: tuple[Example, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    notices: tuple[Notice, ...] = ()

    @property
    def has_errors(self) -> bool:
        return any(d.level is Level.ERROR for d in self.diagnostics)

    @property
    def tests(self) -> tuple[Example, ...]:
        """The examples that are test items: role TEST and not ``continued``."""
        return tuple(e for e in self.examples if e.role is Role.TEST and not e.continued)


# The JSON round trip lives in harness.codec (generic over these dataclasses); re-exported here
# so callers can write ``from harness.model import to_json``; quicken_inits: see harness.codec.
from harness.codec import field_values, from_data, from_json, quicken_inits, to_data, to_json  # noqa: E402

quicken_inits(globals())
