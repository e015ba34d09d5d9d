"""The guard itself must bite, or the offline tests prove nothing."""

from __future__ import annotations

import socket

import pytest
from tests.verify.vutil import NetworkUsed


def test_guard_blocks_connect() -> None:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkUsed):
            s.connect(("127.0.0.1", 9))
    finally:
        s.close()


def test_guard_blocks_name_resolution() -> None:
    with pytest.raises(NetworkUsed):
        socket.getaddrinfo("example.org", 443)
