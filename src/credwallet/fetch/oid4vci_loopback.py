"""The loopback redirect listener of the OID4VCI authorization code flow (RFC 8252 7.3).

A one-shot HTTP server on 127.0.0.1, on a port the system picks, that waits for the browser
to come back with `?code=...&state=...` (or `?error=...`) at `/callback`. It answers the
browser with a short page and hands the query parameters to the flow, which checks `state`.
Only the redirect path is answered; anything else gets 404 and is ignored.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

from credwallet.errors import NetworkError

PATH = "/callback"
PAGE = (b"<!doctype html><meta charset=utf-8><title>credwallet</title>"
        b"<p>Authorization received. You can close this window and return to credwallet.</p>")


class LoopbackListener:
    def __init__(self) -> None:
        self._answers: queue.Queue[dict[str, str]] = queue.Queue(maxsize=1)
        self._server = HTTPServer(("127.0.0.1", 0), self._handler())
        self.redirect_uri = f"http://127.0.0.1:{self._server.server_address[1]}{PATH}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="credwallet-oid4vci-redirect", daemon=True)
        self._thread.start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        answers = self._answers

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                if parts.path != PATH:
                    self.send_error(404)
                    return
                params = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
                with contextlib.suppress(queue.Full):  # a second redirect: the first counts
                    answers.put_nowait(params)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(PAGE)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(PAGE)

            def log_message(self, format: str, *args: object) -> None:
                return  # the query holds the authorization code: never logged

        return Handler

    def wait(self, timeout: float) -> dict[str, str]:
        try:
            return self._answers.get(timeout=timeout)
        except queue.Empty:
            raise NetworkError(f"no authorization response reached {self.redirect_uri} within "
                               f"{timeout:g} s") from None

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
