"""``docharness serve [--host 127.0.0.1] [--port N]``: run the reference server on its own.

Prints the URL on stdout (one line, so scripts can read it), logs one line per request
on stderr unless ``--quiet``, and stops cleanly on Ctrl-C or SIGTERM. The cloud APIs'
token comes from an environment variable, never from the command line.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from types import FrameType

from harness.server import ReferenceServer

EXIT_OK, EXIT_USAGE = 0, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``serve``'s arguments."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9200, help="port to listen on; 0 picks a free one (default: 9200)")
    parser.add_argument("--token-env", default="DOCHARNESS_TOKEN", metavar="NAME",
                        help="environment variable holding the only X-Auth-Token the cloud APIs accept; when it is "
                             "unset, any non-empty token is accepted (default: DOCHARNESS_TOKEN)")
    parser.add_argument("--quiet", "-q", action="store_true", help="do not log requests on stderr")


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; exit 0 after a clean stop, 2 when the address cannot be used."""
    if not 0 <= args.port <= 65535:
        print(f"docharness serve: --port {args.port} is not a port number (0-65535)", file=sys.stderr)
        return EXIT_USAGE
    token = os.environ.get(args.token_env) or None
    server = ReferenceServer(args.host, args.port, token=token, log=None if args.quiet else sys.stderr)
    try:
        server.start()
    except OSError as exc:
        print(f"docharness serve: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}. "
              "Pick another --port (0 picks a free one).", file=sys.stderr)
        return EXIT_USAGE
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(server.url, flush=True)
    auth = f"the token in ${args.token_env}" if token else "any non-empty token"
    print(f"docharness serve: reference server at {server.url} (cloud APIs accept {auth}; "
          "POST /_reference/reset wipes its state). Ctrl-C stops it.", file=sys.stderr, flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    print("docharness serve: stopped", file=sys.stderr)
    return EXIT_OK
