"""Verification tests run with every socket blocked: offline means offline."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from tests.verify.vutil import NetworkUsed


@pytest.fixture(autouse=True)
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any attempt to connect (or resolve a name) during verification fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise NetworkUsed(f"verification tried to use the network: {args[1:2]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield
