"""A small stateful job server on loopback, shaped like Flink's REST API, for the live-workflow tests.

It is real HTTP on 127.0.0.1:<free port> (``http.server``): a JAR upload as
``multipart/form-data`` (field ``jarfile``), running a JAR as a job, a job state that
becomes RUNNING only after some polls, a savepoint that completes after some polls,
a stop that (as Flink's) is accepted but leaves a job that is not RUNNING yet running, a
cancel (``PATCH /jobs/ID?mode=cancel``, ``409`` once the job has ended), and deletes. Every request is recorded (method, path, headers, body) so tests can
assert what replay really sent.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class State:
    ready_after: int = 2  # polls before a job is RUNNING / a savepoint COMPLETED
    jars: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)  # id -> (field, filename, bytes)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    polls: dict[str, int] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    lock: threading.Lock = field(default_factory=threading.Lock)


def _multipart(content_type: str, body: bytes) -> list[tuple[str, str | None, bytes]]:
    """(field name, filename, bytes) of every part of a multipart/form-data body."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    parts = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        parts.append((str(name), part.get_filename(), part.get_payload(decode=True) or b""))
    return parts


class _Handler(BaseHTTPRequestHandler):
    state: State
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _answer(self, status: int, data: Any) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(length) if length else b""
        with self.state.lock:
            self.state.received.append(Received(self.command, self.path, dict(self.headers.items()), body))
            status, data = self._route(self.command, self.path.split("?")[0].strip("/").split("/"), body)
        self._answer(status, data)

    do_GET = do_POST = do_DELETE = do_PATCH = do_PUT = _handle

    def _route(self, method: str, parts: list[str], body: bytes) -> tuple[int, Any]:
        state = self.state
        if method == "POST" and parts == ["jars", "upload"]:
            uploads = [p for p in _multipart(self.headers.get("Content-Type", ""), body) if p[1]]
            if not uploads:
                return 400, {"errors": ["Exactly 1 file must be sent, received 0."]}
            name, filename, data = uploads[0]
            jar_id = f"{next(state.ids):04d}_{filename}"
            state.jars[jar_id] = (name, str(filename), data)
            return 200, {"filename": f"/tmp/flink-web/upload/{jar_id}", "id": jar_id, "status": "success"}
        if method == "GET" and parts == ["jars"]:
            return 200, {"address": "http://127.0.0.1", "files": [{"id": k, "name": v[1]} for k, v in state.jars.items()]}
        if len(parts) == 3 and parts[0] == "jars" and method == "POST" and parts[2] == "run":
            if parts[1] not in state.jars:
                return 400, {"errors": [f"org.apache.flink.runtime.rest.handler.RestHandlerException: Jar file "
                                        f"/tmp/flink-web/upload/{parts[1]} does not exist\n\tat org.apache.flink."
                                        "runtime.webmonitor.handlers.JarRunHandler.lambda$handleRequest$0"
                                        "(JarRunHandler.java:128)\n\tat java.base/java.lang.Thread.run"]}
            job = f"{next(state.ids):032x}"
            state.jobs[job] = {"jid": job, "name": "docharness-job", "state": "CREATED",
                               "start-time": int(time.time() * 1000)}
            return 200, {"jobid": job}
        if len(parts) == 2 and parts[0] == "jars" and method == "DELETE":
            return (200, {}) if state.jars.pop(parts[1], None) else (404, {"errors": ["jar not found"]})
        if parts == ["login"] and method == "POST":
            return 200, {"token": "tok-5ecret-4f1d9a", "user": "docs"}
        if parts == ["jobs", "overview"] and method == "GET":
            return 200, {"jobs": list(state.jobs.values())}
        if len(parts) == 3 and parts[0] == "jobs" and parts[2] == "stop" and method == "POST":
            # Flink's stop-with-savepoint: accepted whatever the job's state, but a job whose tasks do not all
            # run yet fails the savepoint and keeps running
            job = state.jobs.get(parts[1])
            if job is None:
                return 404, {"errors": ["Job could not be found."]}
            if job["state"] == "RUNNING":
                job["state"] = "FINISHED"
            return 202, {"request-id": f"{next(state.ids):032x}"}
        if len(parts) == 2 and parts[0] == "jobs" and method == "PATCH" and "mode=cancel" in self.path:
            job = state.jobs.get(parts[1])
            if job is None:
                return 404, {"errors": ["Job could not be found."]}
            if job["state"] in ("FINISHED", "CANCELED", "FAILED"):
                return 409, {"errors": [f"Job {parts[1]} is not in a cancellable state ({job['state']})."]}
            job["state"] = "CANCELED"
            return 202, {}
        if len(parts) == 2 and parts[0] == "jobs" and method == "GET":
            job = state.jobs.get(parts[1])
            if job is None:
                return 404, {"errors": ["Job could not be found."]}
            state.polls[parts[1]] = state.polls.get(parts[1], 0) + 1
            if state.polls[parts[1]] > state.ready_after and job["state"] == "CREATED":
                job["state"] = "RUNNING"
            return 200, {**job, "now": int(time.time() * 1000)}
        return 404, {"errors": ["Not found: /" + "/".join(parts)]}


@dataclass
class LiveServer:
    url: str
    state: State


@contextmanager
def live_server(ready_after: int = 2) -> Iterator[LiveServer]:
    """A started job server on a free loopback port; stopped on exit."""
    state = State(ready_after=ready_after)
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_address[1]}", state)
    finally:
        server.shutdown()
        server.server_close()
