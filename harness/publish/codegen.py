"""Copyable code for one request: the registry of pure ``render_<language>`` functions.

Each code tab of a published example comes from one pure function
``render_<language>(request, options) -> str`` (httpexample's ``build_*_command``
habit). The functions never see a secret: headers that carry one are written as
environment-variable references (``$DOCHARNESS_TOKEN`` /
``os.environ["DOCHARNESS_TOKEN"]``), path placeholders (``{project_id}``,
``<job_id>``) become variables, and the target's address is a variable too, so
a reader can paste the snippet against any cluster.
"""

from __future__ import annotations

import json
import keyword
import pprint
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from harness.model import BodyKind, Parameter, Request

__all__ = ["CodegenOptions", "DEFAULT_SECRET_HEADERS", "Language", "LANGUAGES", "options_for", "render_curl",
           "render_python", "render", "env_name", "python_name"]

DEFAULT_SECRET_HEADERS = {"X-Auth-Token": "DOCHARNESS_TOKEN", "Authorization": "DOCHARNESS_AUTHORIZATION"}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.-]*)\}|<([A-Za-z_][\w.-]*)>")
_SECRET_NAME = re.compile(r"(auth|token|secret|password|api[-_]?key|cookie)", re.IGNORECASE)
_CONTENT_TYPES = {BodyKind.JSON: "application/json", BodyKind.NDJSON: "application/x-ndjson",
                  BodyKind.TEXT: "text/plain"}


@dataclass(frozen=True, slots=True)
class CodegenOptions:
    """How generated code refers to what must not be written literally.

    :param base_url_env: the environment variable holding the target's base URL.
    :param secret_headers: header name -> environment variable for headers that carry a secret.
    :param add_headers: header names to send although the request does not carry them
        (the operation documents them as required, e.g. ``X-Auth-Token``).
    :param timeout: the ``timeout=`` of the Python snippet, seconds.
    """

    base_url_env: str = "DOCHARNESS_URL"
    secret_headers: tuple[tuple[str, str], ...] = tuple(sorted(DEFAULT_SECRET_HEADERS.items()))
    add_headers: tuple[str, ...] = ()
    timeout: int = 30


@dataclass(frozen=True, slots=True)
class _Header:
    """A header to send: a literal value, or the name of the environment variable holding it."""

    name: str
    value: str = ""
    env: str = ""


def options_for(parameters: Sequence[Parameter] = (), *, base_url_env: str = "DOCHARNESS_URL",
                secret_headers: Mapping[str, str] | None = None) -> CodegenOptions:
    """Options for an operation's examples: its documented secret headers are always sent."""
    secrets = tuple(sorted((secret_headers if secret_headers is not None else dict(DEFAULT_SECRET_HEADERS)).items()))
    names = {name.lower() for name, _ in secrets}
    add = tuple(p.name for p in parameters if p.location == "header" and p.name.lower() in names)
    return CodegenOptions(base_url_env=base_url_env, secret_headers=secrets, add_headers=add)


def env_name(placeholder: str) -> str:
    """The shell/environment variable name for a placeholder (``project-id`` -> ``PROJECT_ID``)."""
    name = re.sub(r"\W+", "_", placeholder).strip("_").upper() or "VALUE"
    return name if not name[0].isdigit() else f"_{name}"


def python_name(placeholder: str) -> str:
    """The Python variable name for a placeholder (``project-id`` -> ``project_id``)."""
    name = env_name(placeholder).lower()
    return f"{name}_" if keyword.iskeyword(name) or name in {"os", "requests", "response", "base_url"} else name


_TRANSPORT = frozenset({"host", "content-length", "transfer-encoding", "connection"})


def _headers(request: Request, options: CodegenOptions) -> list[_Header]:
    secret_env = {name.lower(): env for name, env in options.secret_headers}
    headers: list[_Header] = []
    for name, value in request.headers:
        if name.lower() in _TRANSPORT:
            continue  # the page's example Host / Content-Length: curl and requests set the real ones, as replay does
        if name.lower() in secret_env:
            headers.append(_Header(name, env=secret_env[name.lower()]))
        elif _SECRET_NAME.search(name):
            # an undeclared secret-looking header: never print its value
            headers.append(_Header(name, env=f"DOCHARNESS_{env_name(name)}"))
        else:
            headers.append(_Header(name, value=value))
    present = {h.name.lower() for h in headers}
    for name in options.add_headers:
        if name.lower() not in present and name.lower() in secret_env:
            headers.append(_Header(name, env=secret_env[name.lower()]))
            present.add(name.lower())
    content_type = _CONTENT_TYPES.get(request.body_kind)
    if request.body is not None and content_type and "content-type" not in present:
        headers.append(_Header("Content-Type", value=content_type))
    return headers


def _path_parts(path: str) -> list[tuple[str, str]]:
    """Split a path into ("text", literal) and ("var", placeholder) parts; a leading slash is ensured."""
    path = path if path.startswith("/") else "/" + path
    parts: list[tuple[str, str]] = []
    position = 0
    for found in _PLACEHOLDER.finditer(path):
        if found.start() > position:
            parts.append(("text", path[position:found.start()]))
        parts.append(("var", found.group(1) or found.group(2)))
        position = found.end()
    if position < len(path):
        parts.append(("text", path[position:]))
    return parts


def _dq(text: str) -> str:
    """Escape literal text for a double-quoted shell word."""
    return re.sub(r'([\\"$`])', r"\\\1", text)


def _sq(text: str) -> str:
    """A single-quoted shell word (no expansion at all)."""
    return "'" + text.replace("'", "'\\''") + "'"


def render_curl(request: Request, options: CodegenOptions = CodegenOptions()) -> str:
    """The request as a copyable ``curl`` command line."""
    url = "".join(_dq(v) if kind == "text" else "${" + env_name(v) + "}" for kind, v in _path_parts(request.path))
    method = request.method.upper()
    first = "curl --head" if method == "HEAD" else "curl" if method == "GET" else f"curl -X {method}"
    lines = [f'{first} "${options.base_url_env}{url}"']
    for header in _headers(request, options):
        if header.env:
            lines.append(f'-H "{_dq(header.name)}: ${header.env}"')
        else:
            lines.append("-H " + _sq(f"{header.name}: {header.value}"))
    if request.body is not None:
        body = request.body
        if request.body_kind is BodyKind.NDJSON and not body.endswith("\n"):
            body += "\n"  # the bulk API needs the final newline
        flag = "-d" if request.body_kind is BodyKind.JSON else "--data-binary"
        lines.append(f"{flag} {_sq(body)}")
    return " \\\n  ".join(lines) + "\n"


def _py_string(text: str) -> str:
    """A double-quoted Python literal; readable non-ASCII kept, invisible characters escaped."""
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}"
                   for c in quoted)


def _py_url(request: Request) -> str:
    pieces = ["{base_url}"]
    for kind, value in _path_parts(request.path):
        if kind == "var":
            pieces.append("{" + python_name(value) + "}")
        else:
            pieces.append(_py_string(value)[1:-1].replace("{", "{{").replace("}", "}}"))
    return 'f"' + "".join(pieces) + '"'


def _py_value(value: object, indent: int) -> str:
    """A Python literal for decoded JSON, continuation lines aligned under ``indent`` columns."""
    text = pprint.pformat(value, width=max(40, 88 - indent), sort_dicts=False)
    return text.replace("\n", "\n" + " " * indent)


def _py_body(request: Request) -> list[str]:
    if request.body is None:
        return []
    if request.body_kind is BodyKind.JSON:
        try:
            decoded = json.loads(request.body)
        except ValueError:
            decoded = None
        else:
            return [f"    json={_py_value(decoded, len('    json='))},"]
    lines = request.body.splitlines(keepends=True)
    if request.body_kind is BodyKind.NDJSON and lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    if len(lines) <= 1:
        return [f"    data={_py_string(request.body)},"]
    return ["    data=(", *(f"        {_py_string(line)}" for line in lines), "    ),"]


def render_python(request: Request, options: CodegenOptions = CodegenOptions()) -> str:
    """The request as a copyable Python snippet using ``requests``."""
    variables = [v for kind, v in _path_parts(request.path) if kind == "var"]
    out = ["import os", "", "import requests", "", f'base_url = os.environ["{options.base_url_env}"]']
    seen: set[str] = set()
    for placeholder in variables:
        if python_name(placeholder) not in seen:
            seen.add(python_name(placeholder))
            out.append(f'{python_name(placeholder)} = os.environ["{env_name(placeholder)}"]')
    method = request.method.lower()
    call = f"requests.{method}(" if method in {"get", "post", "put", "delete", "patch", "head", "options"} \
        else f"requests.request({_py_string(request.method.upper())}, "
    out += [f"response = {call}", f"    {_py_url(request)},"]
    headers = _headers(request, options)
    if headers:
        out.append("    headers={")
        for h in headers:
            value = f'os.environ["{h.env}"]' if h.env else _py_string(h.value)
            out.append(f"        {_py_string(h.name)}: {value},")
        out.append("    },")
    out += _py_body(request)
    out += [f"    timeout={options.timeout},", ")", "print(response.status_code)", "print(response.text)"]
    return "\n".join(out) + "\n"


@dataclass(frozen=True, slots=True)
class Language:
    """One code tab: its key (also the ``#tab=`` fragment), label, highlighter and renderer."""

    key: str
    label: str
    highlight: str
    render: Callable[[Request, CodegenOptions], str]


# the registry: add a language here and every published example gets its tab
LANGUAGES: tuple[Language, ...] = (
    Language("curl", "curl", "bash", render_curl),
    Language("python", "Python", "python", render_python),
)


def render(language: str, request: Request, options: CodegenOptions = CodegenOptions()) -> str:
    """Render ``request`` in the registered ``language``; ``KeyError`` names the known ones."""
    for entry in LANGUAGES:
        if entry.key == language:
            return entry.render(request, options)
    raise KeyError(f"no code renderer for {language!r}; known: {', '.join(l.key for l in LANGUAGES)}")
