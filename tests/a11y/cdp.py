"""A minimal Chrome DevTools Protocol client over `--remote-debugging-pipe` (no sockets, no
extra packages): Chromium reads NUL-terminated JSON commands on fd 3 and writes replies and
events on fd 4. Enough to open a page at a given viewport, run a script in it and read the
result. Written for these tests from the protocol's documentation
(https://chromedevtools.github.io/devtools-protocol/).
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
from pathlib import Path
from typing import Any

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-extensions", "--no-first-run", "--remote-debugging-pipe"]


class Browser:
    def __init__(self, chromium: str, profile: Path) -> None:
        to_child_r, self._to_child = os.pipe()  # we write commands; chromium reads fd 3
        self._from_child, from_child_w = os.pipe()  # chromium writes fd 4; we read

        def fds() -> None:  # in the child, before exec: put the pipe ends on fds 3 and 4
            high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 100)  # out of the way of 3 and 4
            high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 100)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen([chromium, *FLAGS, f"--user-data-dir={profile}",
                                      "about:blank"], preexec_fn=fds, pass_fds=(3, 4),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self._next = 0
        self._buffer = b""

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=30)
        os.close(self._to_child)
        os.close(self._from_child)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        result: dict[str, Any] = json.loads(message)
        return result

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its reply (events met meanwhile are dropped)."""
        self._next += 1
        command: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            command["sessionId"] = session
        os.write(self._to_child, json.dumps(command).encode("utf-8") + b"\0")
        while True:
            message = self._read()
            if message.get("id") == self._next:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                reply: dict[str, Any] = message.get("result", {})
                return reply

    def wait_event(self, name: str, session: str) -> dict[str, Any]:
        while True:
            message = self._read()
            if message.get("method") == name and message.get("sessionId") == session:
                return message

    def open(self, url: str, width: int, height: int = 900) -> str:
        """A new tab showing `url` at `width` x `height` CSS px; returns its session id."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session: str = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.enable", session)
        # Scripts are injected by the test, not by the page: the page's CSP forbids any.
        self.send("Page.setBypassCSP", session, enabled=True)
        self.send("Emulation.setDeviceMetricsOverride", session, width=width, height=height,
                  deviceScaleFactor=1, mobile=width < 600)
        self.send("Page.navigate", session, url=url)
        self.wait_event("Page.loadEventFired", session)
        return session

    def evaluate(self, session: str, expression: str) -> Any:
        reply = self.send("Runtime.evaluate", session, expression=expression, awaitPromise=True,
                          returnByValue=True)
        if "exceptionDetails" in reply:
            raise RuntimeError(f"script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")
