"""Whatever a server answers, import reports it per source and never crashes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credwallet.importer import import_all
from credwallet.models.entry import Holder, WalletData
from tests.issuer_site import Sites, baked_png

NOW = datetime(2026, 6, 1, tzinfo=UTC)
CTYPES = ["application/json", "application/ld+json", "text/html", "image/png", "image/svg+xml",
          "text/plain", "application/octet-stream"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["@context", "type", "id", "badge", "issuer", "proof", "recipient",
                         "verification", "credentialStatus", "credentialSubject", "image"]),
        inner, max_size=6),
    max_leaves=20)
bodies = st.one_of(
    st.binary(max_size=400),
    json_values.map(lambda v: json.dumps(v).encode()),
    json_values.map(lambda v: baked_png("openbadges", json.dumps(v).encode())),
    st.builds(lambda t: f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges='
                        f'"http://openbadges.org"><openbadges:assertion verify="{t}"/></svg>'
              .encode(), st.text(alphabet="abcxyz:/.1", max_size=30)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies, ctype=st.sampled_from(CTYPES),
       status=st.sampled_from([200, 200, 200, 404, 410, 503]))
def test_any_answer_is_a_per_source_result(sites: Sites, body: bytes, ctype: str,
                                           status: int) -> None:
    url = sites.site.raw("/prop/answer", body, ctype, status=status)
    holder = Holder(did="did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH",
                    private_seed_b64="AA==", created_at=NOW)
    wallet = WalletData(created_at=NOW, holder=holder)
    [item] = import_all(wallet, [url], now=NOW)
    assert item.status in ("imported", "failed")
    if item.status == "failed":
        assert item.exit_code in (1, 3, 5) and item.error
        assert wallet.credentials == []
