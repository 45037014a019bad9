"""A threaded HTTP server on 127.0.0.1 for tests, in a thread of this process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# serve_forever looks for a shutdown request this often; its default of 0.5 s was spent in the
# teardown of every test module that starts a server.
SHUTDOWN_POLL_S = 0.02


def local_http_server_start(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL_S}, daemon=True).start()
    return server


def local_http_server_stop(server: ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()


@contextmanager
def local_http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[ThreadingHTTPServer]:
    """Serves with `handler` until the block ends; `server.server_address[1]` is its port."""
    server = local_http_server_start(handler)
    try:
        yield server
    finally:
        local_http_server_stop(server)
