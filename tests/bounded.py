"""Run a call in a forked child process with a generous time bound (for hang regressions).

A thread cannot bound a call that holds the GIL inside C code (``re`` never
releases it), so the call runs in a forked process: past the bound the child is
killed and the test fails instead of hanging.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any


def bounded(call: Callable[[], Any], seconds: float = 60.0) -> Any:
    """``call()``'s result, computed in a child process; an ``AssertionError`` when it takes longer than ``seconds``."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        send.send(call())

    process = context.Process(target=child, daemon=True)
    process.start()
    ready = receive.poll(seconds)
    if not ready:
        process.kill()
        process.join()
        raise AssertionError(f"still running after {seconds:g} s: super-linear or unbounded")
    result = receive.recv()
    process.join()
    return result
