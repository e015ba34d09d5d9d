"""Import from issuer sites as they behave in the wild: content negotiation and HTML badge pages.

A learner pastes the link the issuer e-mailed. Hosts seen in the wild serve HTML to browsers
and JSON(-LD) only when asked for it (Accept, `?format=json`, `.json`), or only an HTML page
that links to, or embeds, the credential. Every test runs against a real loopback server.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from credwallet.models.entry import WalletData
from tests.conftest import Cli
from tests.importing.test_import_sites import checks, new_wallet, one
from tests.issuer_site import (
    OB2,
    Sites,
    badge_page,
    baked_png,
    negotiated,
    ob2_assertion,
)


def _badge(sites: Sites) -> str:
    return sites.site.url("/ob2/badge.json")


def _assertion(sites: Sites, path: str) -> bytes:
    return json.dumps(ob2_assertion(sites.site, path, _badge(sites))).encode()


def _imported(w: WalletData, item: Any, fmt: str = "ob2-hosted") -> None:
    assert item.status == "imported" and item.format == fmt, item
    assert item.verification is not None and item.verification.verified, item.verification
    assert checks(item)["proof"] == "passed"


@pytest.mark.parametrize("by", ["accept", "badgr"])
def test_accept_negotiation_badgr_style(sites: Sites, by: str) -> None:
    page = badge_page("Robotics | Loopback Academy")
    path = f"/real/neg/a1-{by}"
    url = negotiated(sites.site, path, _assertion(sites, path), page, by=by)
    w = new_wallet()
    item = one(w, url)
    _imported(w, item)
    assert w.cache[url].kind == "assertion"  # asked for JSON at its id: the hosted copy


def test_only_a_plain_application_json_accept_gets_json(sites: Sites) -> None:
    # A server that compares Accept with "application/json" and answers HTML to anything else.
    page = badge_page("Robotics | Exact Academy")
    url = negotiated(sites.site, "/real/neg/exact", _assertion(sites, "/real/neg/exact"), page,
                     by="accept-exact")
    w = new_wallet()
    _imported(w, one(w, url))


def test_format_json_query(sites: Sites) -> None:
    path = "/real/neg/fmt"
    doc = ob2_assertion(sites.site, path, _badge(sites))
    doc["id"] = sites.site.url(path + "?format=json")
    url = negotiated(sites.site, path, json.dumps(doc).encode(), badge_page("Query badge"),
                     by="format")
    w = new_wallet()
    _imported(w, one(w, url))


def test_json_suffix(sites: Sites) -> None:
    path = "/real/neg/sfx"
    doc = ob2_assertion(sites.site, path + ".json", _badge(sites))
    url = negotiated(sites.site, path, json.dumps(doc).encode(), badge_page("Suffix badge"),
                     by="suffix")
    w = new_wallet()
    _imported(w, one(w, url))


def test_page_linking_its_json_ld_alternate(sites: Sites) -> None:
    site = sites.site
    site.json("/real/page/a2.json", ob2_assertion(site, "/real/page/a2.json", _badge(sites)))
    for kind in ("application/ld+json", "application/json", "application/vc+ld+json"):
        path = f"/real/page/alt-{kind.replace('/', '-')}"
        page = badge_page("Your badge", head=f'<link rel="alternate" type="{kind}" '
                                             'href="a2.json">')
        url = negotiated(site, path, b"", page, by="never")
        w = new_wallet()
        item = one(w, url)
        _imported(w, item)
        assert item.source == url


def test_page_embedding_a_signed_vc(sites: Sites) -> None:
    doc = json.loads(sites.site.routes["/ob3/cred/1.json"].body)
    script = json.dumps(doc).replace("</", "<\\/")
    page = badge_page("OB3 page", head='<script type="application/ld+json">'
                                       '{"@context": "https://schema.org", "@type": "WebPage"}'
                                       '</script>',
                      body=f'<script type="application/ld+json">{script}</script>')
    url = negotiated(sites.site, "/real/page/embedded-vc", b"", page, by="never")
    w = new_wallet()
    _imported(w, one(w, url), "ob3-ldp")


def test_page_embedding_a_hosted_assertion_fetches_it_from_its_id(sites: Sites) -> None:
    site = sites.site
    aid = site.json("/real/page/a3.json", ob2_assertion(site, "/real/page/a3.json",
                                                          _badge(sites)))
    embedded = json.dumps(json.loads(site.routes["/real/page/a3.json"].body))
    page = badge_page("Hosted page", body=f'<script type="application/ld+json">{embedded}'
                                          "</script>")
    url = negotiated(site, "/real/page/embedded-ob2", b"", page, by="never")
    before = site.hits["/real/page/a3.json"]
    w = new_wallet()
    _imported(w, one(w, url))
    assert site.hits["/real/page/a3.json"] > before  # the hosted copy: from its own id
    assert w.cache[aid].kind == "assertion"


def test_page_without_a_credential_names_its_title_and_the_download_link(
        sites: Sites, wallet_home: Any, cw: Cli) -> None:
    site = sites.site
    site.raw("/real/page/baked.png", baked_png("openbadges", _assertion(sites, "/x")),
             "image/png")
    page = badge_page("Robotics Badge &amp; More | Loopback Academy",
                      head='<meta property="og:image" content="/img/badge.png">',
                      body='<a href="/real/page/baked.png" download>Download badge</a>')
    url = negotiated(site, "/real/page/plain", b"", page, by="never")
    res = cw("import", url, "--json")
    assert res.code == 3, res
    err = res.json()["items"][0]
    assert "Robotics Badge & More | Loopback Academy" in err["error"]
    assert "\n" not in err["error"]
    assert site.url("/real/page/baked.png") in (err["hint"] or ""), err
    human = cw("import", url)
    assert human.code == 3 and "Traceback" not in human.stderr


def test_page_never_runs_or_fetches_scripts_and_styles(sites: Sites) -> None:
    site = sites.site
    page = badge_page("Scripted", head='<script src="/real/page/app.js"></script>'
                                       '<link rel="stylesheet" href="/real/page/s.css">',
                      body='<img src="/real/page/pic.png"><iframe src="/real/page/f"></iframe>')
    url = negotiated(site, "/real/page/scripted", b"", page, by="never")
    w = new_wallet()
    item = one(w, url)
    assert item.status == "failed" and item.exit_code == 3, item
    assert "Scripted" in (item.error or "")
    for p in ("/real/page/app.js", "/real/page/s.css", "/real/page/pic.png", "/real/page/f"):
        assert site.hits[p] == 0, p


def test_alternate_that_is_another_page_does_not_recurse(sites: Sites) -> None:
    site = sites.site
    page2 = badge_page("Second page", head='<link rel="alternate" type="application/json" '
                                           'href="/real/page/loop1">')
    negotiated(site, "/real/page/loop2", b"", page2, by="never")
    page1 = badge_page("First page", head='<link rel="alternate" type="application/json" '
                                          'href="/real/page/loop2">')
    url = negotiated(site, "/real/page/loop1", b"", page1, by="never")
    w = new_wallet()
    item = one(w, url)
    assert item.status == "failed" and item.exit_code == 3, item
    assert site.hits["/real/page/loop2"] <= 4  # the one link, and the guesses: no chain


def test_alternate_on_a_private_address_is_refused(sites: Sites) -> None:
    page = badge_page("Elsewhere", head='<link rel="alternate" type="application/json" '
                                        'href="http://10.0.0.1/assertion.json">')
    url = negotiated(sites.site, "/real/page/private", b"", page, by="never")
    w = new_wallet()
    item = one(w, url)
    assert item.status == "failed" and item.exit_code == 3, item
    assert "private or local" in (item.error or ""), item


def test_huge_page_is_refused_quickly(sites: Sites) -> None:
    import time

    body = "<div>" * 300_000 + "x"
    page = badge_page("Deep", body=body)
    url = negotiated(sites.site, "/real/page/huge", b"", page, by="never")
    w = new_wallet()
    start = time.process_time()
    item = one(w, url)
    assert item.status == "failed" and item.exit_code == 3, item
    assert time.process_time() - start < 5


def test_ob2_context_page_is_not_a_badge_page(sites: Sites) -> None:
    # Sanity: a JSON answer that names HTML as its type is still read as JSON.
    url = sites.site.raw("/real/page/json-as-html", _assertion(sites, "/real/page/json-as-html"),
                         "text/html; charset=utf-8")
    w = new_wallet()
    _imported(w, one(w, url))
    assert OB2


def test_linked_documents_behind_exact_accept_negotiation(sites: Sites) -> None:
    """BadgeClass and issuer profile on a host that answers HTML unless Accept is exactly
    application/json: asked again that way at the same URL (still fetched from their ids)."""
    site = sites.site
    issuer = json.loads(site.routes["/ob2/issuer.json"].body)
    issuer.update(id=site.url("/real/ln/issuer"))
    issuer.pop("revocationList")
    negotiated(site, "/real/ln/issuer", json.dumps(issuer).encode(),
               badge_page("Issuer home"), by="accept-exact")
    badge = json.loads(site.routes["/ob2/badge.json"].body)
    badge.update(id=site.url("/real/ln/badge"), issuer=site.url("/real/ln/issuer"))
    negotiated(site, "/real/ln/badge", json.dumps(badge).encode(), badge_page("Badge"),
               by="accept-exact")
    url = site.json("/real/ln/a", ob2_assertion(site, "/real/ln/a", site.url("/real/ln/badge")))
    w = new_wallet()
    item = one(w, url)
    _imported(w, item)
    assert checks(item)["key_binding"] == "passed"
    assert w.cache[site.url("/real/ln/issuer")].kind == "issuer"


def test_linked_document_that_is_only_a_page_is_named_as_such(sites: Sites) -> None:
    site = sites.site
    negotiated(site, "/real/ln/page-badge", b"", badge_page("Badge page", head=(
        '<link rel="alternate" type="application/json" href="/ob2/badge.json">')), by="never")
    url = site.json("/real/ln/a2", ob2_assertion(site, "/real/ln/a2",
                                                   site.url("/real/ln/page-badge")))
    w = new_wallet()
    item = one(w, url)
    # A page at the BadgeClass's id is not the BadgeClass, whatever it links to: the id's own
    # document is what counts (trust-model.md), so the link is not followed.
    assert site.hits["/real/ln/page-badge"] >= 1
    assert any("HTML page, not JSON" in warning for warning in item.warnings), item.warnings
    assert item.verification is not None and not item.verification.verified


def test_what_a_page_leads_to_shares_one_deadline(sites: Sites) -> None:
    """A page whose every guess trickles: the whole search stops at one request's deadline."""
    import time
    from http.server import BaseHTTPRequestHandler

    page = badge_page("Slow host")

    def slow_json(h: BaseHTTPRequestHandler) -> None:
        wants_json = "format=json" in h.path or h.path.endswith(".json") or \
            h.headers.get("Accept") == "application/json"
        if not wants_json:
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Content-Length", str(len(page)))
            h.end_headers()
            h.wfile.write(page)
            return
        h.send_response(200)
        h.send_header("Content-Length", "1000")
        h.end_headers()
        try:
            for _ in range(40):
                h.wfile.write(b" ")
                h.wfile.flush()
                time.sleep(0.25)
        except OSError:
            pass

    url = sites.site.custom("/real/page/slow", slow_json)
    sites.site.custom("/real/page/slow.json", slow_json)
    w = new_wallet()
    start = time.monotonic()
    item = one(w, url)
    assert item.status == "failed" and item.exit_code == 5, item
    assert "did not arrive" in (item.error or ""), item
    assert time.monotonic() - start < 2.5 * 2 + 1  # the page, then one shared deadline
