"""Routes: which handler answers a method and path, and the request context it gets.

A route is a path template (``/_xpack/rollup/job/{job_id}/_start``) and a method. A
path that matches some template but not with this method is a 405; one that matches
none is the family's "no handler" error. The family of a path (Elasticsearch or
cloud) decides the error envelope, so the router asks ``family_of`` first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.server.errors import ApiError, CloudError, EsError, EsPlainError
from harness.server.jsonbody import parse_json
from harness.server.state import State
from harness.server.wire import HttpRequest, HttpResponse

__all__ = ["ADMIN", "CLOUD", "ES", "Call", "Handler", "Router", "family_of", "json_response"]

ES, CLOUD, ADMIN = "elasticsearch", "cloud", "admin"
_TRUE_WORDS = {"", "true"}


def family_of(path: str) -> str:
    """``cloud`` for the versioned cloud APIs, ``admin`` for ``/_reference``, else ``elasticsearch``."""
    if path.startswith(("/v1.0/", "/v1.1/")):
        return CLOUD
    if path.startswith("/_reference/") or path == "/_reference":
        return ADMIN
    return ES


@dataclass(frozen=True, slots=True)
class Call:
    """One request as a handler sees it: the request, the path parameters and the state.

    :param request: the parsed HTTP request.
    :param params: path parameters by template name.
    :param state: the server's state.
    """

    request: HttpRequest
    params: dict[str, str]
    state: State

    def flag(self, name: str, default: bool = False) -> bool:
        """A boolean query parameter; ``?name`` alone means true. Other values are a 400."""
        if name not in self.request.query:
            return default
        value = self.request.query[name].lower()
        if value in _TRUE_WORDS:
            return True
        if value == "false":
            return False
        raise EsError(400, "illegal_argument_exception",
                      f"Failed to parse value [{self.request.query[name]}] as only [true] or [false] are allowed.")

    def json(self, *, required: bool = True, family: str = ES) -> Any:
        """The body parsed as JSON; a missing or malformed body raises the family's 400."""
        raw = self.request.body
        if not raw.strip():
            if not required:
                return None
            if family == CLOUD:
                raise CloudError(400, _cloud_code(self.request.path), "The request body is empty.")
            raise EsError(400, "parse_exception", "request body is required")
        try:
            return parse_json(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            if family == CLOUD:
                raise CloudError(400, _cloud_code(self.request.path), f"The request body is not valid JSON: {exc}")
            raise EsError(400, "json_parse_exception", f"Unexpected character or end of input: {exc}") from None


def _cloud_code(path: str) -> str:
    return "CDM.0001" if "/cdm/" in path else "DLI.0001"


Handler = Callable[[Call], HttpResponse]


def json_response(data: Any, status: int = 200) -> HttpResponse:
    """A compact JSON response (``?pretty`` is applied when the response is sent)."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return HttpResponse(status, text.encode("utf-8"))


def _compile(template: str) -> re.Pattern[str]:
    pattern = ""
    for segment in template.strip("/").split("/"):
        name = segment[1:-1] if segment.startswith("{") and segment.endswith("}") else None
        if name is None:
            pattern += "/" + re.escape(segment)
        elif name == "index":
            pattern += r"/(?P<index>[^/_][^/]*)"  # names starting with "_" are API words in Elasticsearch
        else:
            pattern += rf"/(?P<{name}>[^/]+)"
    return re.compile((pattern or "/") + "$")


class Router:
    """Maps (method, path) to a handler, and turns misses into the family's 404/405."""

    def __init__(self) -> None:
        self._routes: dict[str, list[tuple[str, re.Pattern[str], Handler]]] = {ES: [], CLOUD: [], ADMIN: []}

    def add(self, method: str, template: str, handler: Handler) -> None:
        """Register ``handler`` for ``method`` on ``template``; earlier routes win."""
        self._routes[family_of(template)].append((method, _compile(template), handler))

    def handlers(self) -> set[Handler]:
        """Every registered handler (the docs tests check each is exercised by a page)."""
        return {handler for routes in self._routes.values() for _, _, handler in routes}

    def resolve(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        """The handler and path parameters for a request, or the family's routing error."""
        clean = path.rstrip("/") or "/"
        allowed: list[str] = []
        lookup = "GET" if method == "HEAD" else method
        # only the path's own family is searched: /{index}/{type}/{id} must not swallow cloud paths
        for route_method, pattern, handler in self._routes[family_of(path)]:
            match = pattern.match(clean)
            if match is None:
                continue
            if route_method == method or route_method == lookup:
                return handler, match.groupdict()
            if route_method not in allowed:
                allowed.append(route_method)
        raise routing_error(method, path, allowed)


def routing_error(method: str, path: str, allowed: list[str]) -> ApiError:
    """The error a family answers for an unknown path (or a known path with the wrong method)."""
    error = _routing_error(method, path, allowed)
    error.allowed = tuple(allowed)
    return error


def _routing_error(method: str, path: str, allowed: list[str]) -> ApiError:
    family = family_of(path)
    if family == CLOUD:
        if allowed:
            return CloudError(405, _cloud_code(path), f"Method {method} is not allowed on {path}; use {', '.join(allowed)}.")
        return CloudError(404, "APIGW.0101", f"The API does not exist or has not been published: {method} {path}")
    if allowed:
        return EsPlainError(405, f"Incorrect HTTP method for uri [{path}] and method [{method}], "
                                 f"allowed: [{', '.join(allowed)}]")
    if family == ADMIN:
        return EsError(404, "resource_not_found_exception", f"no reference admin endpoint [{method} {path}]")
    return EsError(400, "illegal_argument_exception", f"no handler found for uri [{path}] and method [{method}]")
