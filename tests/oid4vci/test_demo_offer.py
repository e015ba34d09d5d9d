"""`credwallet demo` delivers one badge through a credential offer and says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_demo_says_which_badge_came_through_an_offer(cw: Any, tmp_path: Path,
                                                     isolated_home: Path) -> None:
    res = cw("demo", "-o", str(tmp_path / "out"))
    assert res.code == 0, res
    text = " ".join(res.stdout.split())  # the console wraps long lines
    assert "came through an OpenID4VCI credential offer" in text
    assert "issued to this wallet's key" in text
    doc = cw("demo", "--json", "-o", str(tmp_path / "out2")).json()
    offered = [i for i in doc["imported"] if i["source"].startswith("openid-credential-offer:")]
    assert [i["status"] for i in offered] == ["imported"]
    assert offered[0]["name"] in text
