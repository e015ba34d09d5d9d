"""Property: renaming a verdict-gating term never launders a credential.

A credential is signed once; hypothesis then rewrites one gating field (credentialStatus,
validUntil, validFrom, issuer, credentialSubject, type, expirationDate, issuanceDate) under a
random new name: an inline alias with the same IRI and type, an absolute-IRI key, a compact IRI
through an inline prefix, or `@nest`. The RDF (and so the signature) is unchanged, but a reader
by key name would see the field gone. The verdict must never be "verified", and the report
must name the contexts check as the reason.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credwallet.errors import UnsupportedFormat
from credwallet.verify import DictMaterial, sign_data_integrity, verify_bytes
from tests.verify.test_keys_status import LIST_URL, _status_list
from tests.verify.vutil import FETCHED, NOW, cached, did_key_of, ob3_credential

SEED = bytes(range(7, 39))
CRED = "https://www.w3.org/2018/credentials#"
XSD_DT = "http://www.w3.org/2001/XMLSchema#dateTime"
V1 = "https://www.w3.org/2018/credentials/v1"

# field -> (IRI, JSON-LD type coercion) as the VC contexts define them.
FIELDS: dict[str, tuple[str, str | None]] = {
    "credentialStatus": (CRED + "credentialStatus", "@id"),
    "validUntil": (CRED + "validUntil", XSD_DT),
    "validFrom": (CRED + "validFrom", XSD_DT),
    "issuer": (CRED + "issuer", "@id"),
    "credentialSubject": (CRED + "credentialSubject", "@id"),
    "type": ("@type", None),
}
V1_FIELDS: dict[str, tuple[str, str | None]] = {
    "expirationDate": (CRED + "expirationDate", XSD_DT),
    "issuanceDate": (CRED + "issuanceDate", XSD_DT),
}


def _signed(v1: bool) -> dict[str, Any]:
    did, vm = did_key_of(SEED)
    entry = {"id": f"{LIST_URL}#5", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
             "statusListIndex": "5", "statusListCredential": LIST_URL}
    doc = ob3_credential(did, credentialStatus=entry, validUntil="2030-01-01T00:00:00Z")
    if v1:
        doc["@context"] = [V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
        for old, new in (("validFrom", "issuanceDate"), ("validUntil", "expirationDate")):
            doc[new] = doc.pop(old)
        doc.pop("credentialStatus")  # the VC 1.1 context has no BitstringStatusListEntry terms
    return sign_data_integrity(doc, seed=SEED, verification_method=vm, proof_purpose="assertionMethod",
                               created=FETCHED)


SIGNED = {False: _signed(False), True: _signed(True)}
MATERIAL = DictMaterial({LIST_URL: cached(LIST_URL, _status_list(SEED, {5}), kind="status_list")})


def _verify(doc: dict[str, Any]) -> Any:
    return verify_bytes(json.dumps(doc).encode(), now=NOW, material=MATERIAL)


def _rewrite(doc: dict[str, Any], field: str, how: str, name: str) -> dict[str, Any]:
    iri, coerce = (V1_FIELDS | FIELDS)[field]
    out = copy.deepcopy(doc)
    value = out.pop(field)
    ctx = list(out["@context"])
    if how == "nest":
        out["@nest"] = {field: value}
    elif iri == "@type":
        # `type` can only be hidden behind another alias of the keyword.
        out["@context"] = [*ctx, {name: "@type"}]
        out[name] = value
    elif how == "alias":
        definition: dict[str, Any] = {"@id": iri}
        if coerce:
            definition["@type"] = coerce
        out["@context"] = [*ctx, {name: definition}]
        out[name] = value
    elif how == "prefix":
        out["@context"] = [*ctx, {name: CRED}]
        out[f"{name}:{field}"] = _typed(value, coerce)
    else:  # absolute IRI as the key
        out[iri] = _typed(value, coerce)
    return out


def _typed(value: Any, coerce: str | None) -> Any:
    """The same RDF without the context's coercion: explicit value objects / node references."""
    if coerce == XSD_DT:
        return {"@value": value, "@type": XSD_DT}
    if coerce == "@id" and isinstance(value, str):
        return {"@id": value}
    return value


NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_", min_size=1, max_size=12)


def test_controls_verify() -> None:
    for v1, doc in SIGNED.items():
        result = _verify(doc)
        if v1:
            assert result.verified, [c for c in result.checks if c.status == "failed"]
        else:
            # Index 5 is revoked in the list: the genuine credential is refused for that reason.
            assert result.check("revocation").status == "failed"
            assert result.check("proof").status == "passed"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(v1=st.booleans(), data=st.data(), how=st.sampled_from(["alias", "iri", "prefix", "nest"]),
       name=NAMES)
def test_renamed_gating_field_never_verifies(v1: bool, data: st.DataObject, how: str, name: str) -> None:
    fields = sorted((V1_FIELDS if v1 else {}) | {k: v for k, v in FIELDS.items()
                                                  if not (v1 and k in ("validUntil", "validFrom",
                                                                       "credentialStatus"))})
    field = data.draw(st.sampled_from(fields))
    if name in (field, "id", "type", "proof") or (how == "prefix" and name in ("cred", "xsd", "schema")):
        return
    try:
        result = _verify(_rewrite(SIGNED[v1], field, how, name))
    except UnsupportedFormat:
        return  # with `type` hidden it is not even recognised as a credential: refused
    assert not result.verified, (field, how, name)
    # Whenever the rewrite kept the signature valid (a real laundering attempt), the reading
    # rule is what refuses it. (A rewrite that changes the RDF, such as a blank-node "_:"
    # prefix, already breaks the proof.)
    if result.check("proof").status == "passed":
        contexts = result.check("contexts")
        assert contexts is not None and contexts.status == "failed", (field, how, name, result.checks)
