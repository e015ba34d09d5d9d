"""The page (and the other exports) speak to the reader, an employer: the holder's name as the
holder states it, the name the issuer wrote, one plain verdict per credential, readable dates,
the technical checks folded away, no wallet ids, no wording meant for the wallet's owner (#14)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from credwallet.export import ExportOptions
from credwallet.export.bundle import readme
from credwallet.export.facts import display_id, facts, human_date
from credwallet.export.html import render_html
from credwallet.export.resume import json_resume, render_markdown
from credwallet.export.select import select
from credwallet.models.entry import WalletData
from tests.export.helpers import HOLDER_DID, NOW, Issuer, ob3, wallet_with

NAME = "Alex Rivera"


def _outputs(wallet: WalletData, holder_name: str | None = NAME) -> tuple[str, list[dict[str, Any]]]:
    """The page and the facts every text renderer reads, for `wallet`'s credentials."""
    sel = select(wallet, ExportOptions(fmt="html", now=NOW))
    found = [facts(i, sel.scrub, include_identity=False) for i in sel.items]
    page = render_html(found, sel.items, holder=wallet.holder.did, generated="2026-06-01T12:00:00Z",
                       progress=None, holder_name=holder_name)
    return page, found


def _without_data_block(page: str) -> str:
    return re.sub(r'<script type="application/vp\+json"[^>]*>[^<]*</script>', "", page)


def _with_subject_name(issuer: Issuer, name: str, **kw: Any) -> dict[str, Any]:
    doc = ob3(issuer, **kw)
    doc.pop("proof")
    doc["credentialSubject"]["name"] = name
    return issuer.sign(doc)


@pytest.fixture(scope="module")
def issuer() -> Issuer:
    return Issuer("Open Data Academy")


def test_holder_name_is_shown_as_stated_by_the_holder(issuer: Issuer) -> None:
    page, _ = _outputs(wallet_with(ob3(issuer)))
    assert f"<strong>{NAME}</strong> <span class=\"muted\">(as stated by the holder)</span>" in page
    assert HOLDER_DID in page  # the key the credentials are tied to, still there
    page, _ = _outputs(wallet_with(ob3(issuer)), holder_name=None)
    assert "as stated by the holder)" not in page and "Holder's key" in page


def test_name_the_issuer_wrote_is_labelled_as_such(issuer: Issuer) -> None:
    wallet = wallet_with(_with_subject_name(issuer, "Alexandra  Rivera"))
    page, found = _outputs(wallet)
    assert found[0]["subject_name"] == "Alexandra Rivera"
    assert ("Name on the credential: <strong>Alexandra Rivera</strong> <span class=\"muted\">"
            "(as written by the issuer)</span>") in page
    md = render_markdown(found, holder_name=NAME)
    assert "Holder: Alex Rivera (as stated by the holder)" in md
    assert "Name on the credential: Alexandra Rivera (as written by the issuer)" in md
    assert _outputs(wallet_with(ob3(issuer)))[1][0]["subject_name"] is None


def test_card_is_compact_and_plain(issuer: Issuer) -> None:
    wallet = wallet_with(ob3(issuer, valid_until="2027-01-31T00:00:00Z"))
    page, _ = _outputs(wallet)
    shown = _without_data_block(page)
    # Summary first: one row with name, issuer, date and status badge, linking to the details.
    summary = shown[shown.index('<table class="summary">'):shown.index("</table>")]
    assert ('<th scope="row"><a href="#cred-1">Data Analysis Fundamentals</a></th>'
            '<td class="issuer">Open Data Academy</td>') in summary
    assert '<span class="badge ok">Verified</span>' in summary
    assert shown.index('id="summary-h"') < shown.index("<article")
    card = shown[shown.index("<article"):shown.index("</article>")]
    line, body = card.split("</summary>", 1)
    # Collapsed, the card is one line: name, issuer, date in words, status.
    assert card.count("<details") == 2 and "open" not in card.split(">")[1]  # closed; no script
    assert ">Data Analysis Fundamentals</h3>" in line and "Open Data Academy" in line
    assert '<time datetime="2024-03-15T00:00:00Z">15 March 2024</time>' in line
    assert '<span class="badge ok">Verified</span>' in line
    # Opened: one plain verdict naming the verified signer and the revocation state, then the
    # checks in plain words; the technical part is folded once more.
    assert re.search(r'<span class="verdict ok">Verified</span>: signed by <span class="mono">'
                     + re.escape(issuer.did) + r"</span>, not revocable", body), body
    assert "The signature is valid" in body and "It had not expired." in body
    assert '<time datetime="2027-01-31T00:00:00Z">31 January 2027</time>' in body
    plain, technical = body.split('<details class="tech">', 1)
    for word in ("eddsa-rdfc-2022", "key_binding", "<table"):
        assert word not in plain and word not in line and word in technical
    assert re.sub(r'datetime="[^"]*"', "", plain).count("2024-03-15T") == 0
    # No wallet ids anywhere a reader sees.
    for cred in wallet.credentials:
        assert cred.id not in shown
    assert 'id="cred-1"' in shown


@pytest.mark.parametrize(("change", "badge"), [
    ({"valid_until": "2025-01-01T00:00:00Z"}, '<span class="badge warn">Expired</span>'),
])
def test_summary_badges_say_what_is_wrong(issuer: Issuer, change: dict[str, Any],
                                          badge: str) -> None:
    wallet = wallet_with()
    from tests.export.helpers import add

    add(wallet, ob3(issuer, **change), keep_invalid=True)
    sel = select(wallet, ExportOptions(fmt="html", now=NOW, include_unverified=True))
    found = [facts(i, sel.scrub, include_identity=False) for i in sel.items]
    assert found[0]["status"] == "expired"
    page = render_html(found, sel.items, holder=wallet.holder.did, generated="2026-06-01T12:00:00Z",
                       progress=None)
    summary = page[page.index('<table class="summary">'):page.index("</table>")]
    assert badge in summary and "Verified</span>" not in summary


def test_wording_addresses_the_reader(issuer: Issuer) -> None:
    page, _ = _outputs(wallet_with(ob3(issuer)))
    shown = _without_data_block(page)
    for owner_words in ("you trust no issuers", "credwallet trust", "on your trust list",
                        "Issuer trust ("):
        assert owner_words not in shown
    assert "does not list this issuer as recognised" in shown  # neutral, folded in the table
    assert "nothing about the signature" in shown


def test_dids_are_percent_decoded_for_display_only() -> None:
    assert display_id("did:web:example.edu%3A8443:alex") == "did:web:example.edu:8443:alex"
    for unchanged in ("did:web:x%0Ay", "did:web:%E2%80%AEevil", "did:web:%ff", "https://a%3Ab",
                      None):
        assert display_id(unchanged) == unchanged
    assert human_date("2026-06-01T23:30:00-05:00") == "2 June 2026"
    assert human_date("not a date") is None


def test_json_resume_basics_name(issuer: Issuer) -> None:
    _, found = _outputs(wallet_with(ob3(issuer)))
    doc = json_resume(found, None, holder_name=NAME)
    assert doc["basics"] == {"name": NAME} and len(doc["certificates"]) == 1
    assert "basics" not in json_resume(found, None)
    merged = json_resume(found, {"basics": {"email": "a@b.example"}}, holder_name=NAME)
    assert merged["basics"] == {"email": "a@b.example", "name": NAME}
    kept = json_resume(found, {"basics": {"name": "Alex R."}}, holder_name=NAME)
    assert kept["basics"] == {"name": "Alex R."}  # the resume's own name wins


def test_bundle_readme_names_the_holder() -> None:
    text = readme(HOLDER_DID, NAME)
    assert f"Holder: {NAME} (as stated by the holder" in text
    assert f"Holder's key: {HOLDER_DID}" in text
    assert NAME not in readme(HOLDER_DID)


@pytest.fixture
def cw(capsys: pytest.CaptureFixture[str], wallet_home: Any) -> Callable[..., Any]:
    from credwallet.cli.app import run

    def call(*args: str) -> tuple[int, Any]:
        capsys.readouterr()
        code = run([*args, "--json"])
        return code, json.loads(capsys.readouterr().out)

    return call


def test_identity_name_command(cw: Callable[..., Any]) -> None:
    assert cw("identity", "name") == (0, {"schema": "credwallet.identity.name/1", "ok": True,
                                          "name": None, "changed": False})
    code, out = cw("identity", "name", "  Alex \t Rivera ")
    assert code == 0 and out["name"] == NAME and out["changed"] is True
    assert cw("identity", "name", NAME)[1]["changed"] is False
    assert cw("identity", "list")[1]["holder_name"] == NAME
    code, out = cw("identity", "name", "Alex\u202eevil")
    assert code == 2 and out["error"]["kind"] == "usage"
    assert cw("identity", "name", "x" * 201)[0] == 2
    assert cw("identity", "name", "A", "--clear")[0] == 2
    assert cw("identity", "list")[1]["holder_name"] == NAME  # nothing changed by the failures
    code, out = cw("identity", "name", "--clear")
    assert code == 0 and out["name"] is None and out["changed"] is True
    assert cw("identity", "list")[1]["holder_name"] is None


def test_an_unverified_credential_is_never_under_a_verified_heading(issuer: Issuer) -> None:
    from tests.export.helpers import add

    wallet = wallet_with(ob3(issuer, name="Good Badge"))
    add(wallet, ob3(issuer, name="Expired Badge", valid_until="2025-01-01T00:00:00Z",
                    cred_id="urn:uuid:4d7f0f1e-0001-4f00-9a00-00000000e0e0"), keep_invalid=True)
    sel = select(wallet, ExportOptions(fmt="html", now=NOW, include_unverified=True))
    found = [facts(i, sel.scrub, include_identity=False) for i in sel.items]
    page = render_html(found, sel.items, holder=wallet.holder.did, generated="2026-06-01T12:00:00Z",
                       progress=None)
    assert "Verified learning credentials" not in page
    assert "<h1>The holder&#x27;s learning credentials</h1>" in page
    card = page[page.index(">Expired Badge</h3>"):]
    card = card[:card.index("</article>")]
    # The reason in plain words; the raw timestamps only in the technical table.
    assert '<span class="verdict bad">Not verified</span>: It has expired.</p>' in card
