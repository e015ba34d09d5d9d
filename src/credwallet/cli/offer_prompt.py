"""What the OID4VCI flow asks of the person at the terminal (`oid4vci.flow.Interaction`).

- The offer (issuer, what it will issue) is shown on stderr before anything is requested.
- A transaction code comes from `--tx-code`, `--tx-code-file` (first line), or a hidden
  prompt on a terminal; it is never echoed or printed.
- The authorization URL is printed on stderr and opened in a browser when there is one:
  the command in `BROWSER` (`%s` is the URL, as Python's webbrowser reads it), else the
  desktop's browser when a display is available. Text-mode browsers are never started in
  the terminal the command runs in.
"""

from __future__ import annotations

import getpass
import os
import shlex
import subprocess
import sys
from typing import Any

from credwallet.cli.textsafe import say


class CliInteraction:
    def __init__(self, *, tx_code: str | None = None, tx_code_file: str | None = None) -> None:
        self._tx_code = tx_code
        self._tx_code_file = tx_code_file

    def show_offer(self, text: str) -> None:
        say(text, err=True)

    def tx_code(self, spec: Any) -> str | None:
        if self._tx_code is not None:
            return self._tx_code
        if self._tx_code_file is not None:
            from credwallet.cli.common import read_secret_file

            return read_secret_file(self._tx_code_file, "transaction code")
        if not sys.stdin.isatty():
            return None
        if getattr(spec, "description", None):
            say(f"the issuer says: {spec.description}", err=True)
        length = f" ({spec.length} characters)" if getattr(spec, "length", None) else ""
        try:
            return getpass.getpass(f"transaction code{length}: ")
        except EOFError:
            return None

    def open_authorization(self, url: str) -> None:
        say("Sign in with the issuer to authorize the credential; open this URL in a browser "
            "on this computer (it returns to credwallet on 127.0.0.1):", err=True)
        say(url, err=True)
        if not open_browser(url):
            say("waiting for the browser to come back (5 minutes at most) ...", err=True)


def open_browser(url: str) -> bool:
    command = os.environ.get("BROWSER", "").split(os.pathsep)[0].strip()
    if command:
        args = shlex.split(command)
        if any("%s" in a for a in args):
            args = [a.replace("%s", url) for a in args]
        else:
            args.append(url)
        try:
            subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError:
            return False
        return True
    graphical = sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if not graphical:
        return False
    import webbrowser

    try:
        return webbrowser.open(url)
    except webbrowser.Error:
        return False
