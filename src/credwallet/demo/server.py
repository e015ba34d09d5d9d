"""Serve a built Site on 127.0.0.1 (threaded; an ephemeral port unless one is given)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from credwallet.demo.site import Site


def _handler(get_site: Callable[[], Site]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site = get_site()
            f = site.files.get(self.path.split("?", 1)[0])
            if f is None:
                self.send_error(404)
                return
            self.send_response(f.status)
            self.send_header("Content-Type", f.content_type)
            self.send_header("Content-Length", str(len(f.body)))
            self.end_headers()
            self.wfile.write(f.body)

        def do_POST(self) -> None:
            site = get_site()
            handler = site.posts.get(self.path.split("?", 1)[0])
            length = int(self.headers.get("Content-Length", "0") or 0)
            body = self.rfile.read(min(length, 1024 * 1024))
            if handler is None:
                self.send_error(404)
                return
            f = handler(body, {k.lower(): v for k, v in self.headers.items()})
            self.send_response(f.status)
            self.send_header("Content-Type", f.content_type)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(f.body)))
            self.end_headers()
            self.wfile.write(f.body)

        def log_message(self, format: str, *args: object) -> None:  # quiet: the demo prints its own
            return

    return Handler


@contextmanager
def serve(build: Callable[[str], Site], port: int = 0) -> Iterator[Site]:
    """Start a server, build the site for its real base URL, serve it until the block ends."""
    holder: list[Site] = []
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(lambda: holder[0]))
    server.daemon_threads = True
    host, real_port = server.server_address[:2]
    holder.append(build(f"http://{host!s}:{real_port}"))
    thread = threading.Thread(target=server.serve_forever, name="credwallet-demo-site", daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        server.shutdown()
        server.server_close()
