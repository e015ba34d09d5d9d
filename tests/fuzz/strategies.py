"""Hypothesis strategies for hostile, credential-shaped data."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import strategies as st

# Scalars that break naive code: wrong types, empty, huge, odd unicode, lookalike dates.
ODD_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from([
        "", " ", "\x00", "\u202e", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "https://", "did:key:", "did:key:z6Mk", "did:web:",
        "did:web:%2e%2e", "urn:uuid:", "data:,", "data:application/jwt,a.b.c", "#", "#key-0",
        "9999-12-31T23:59:59Z", "0000-00-00", "2024-02-30T00:00:00Z", "2024-01-01T00:00:00+25:00",
        "1e999", "-0", "NaN", "VerifiableCredential", "OpenBadgeCredential", "ClrCredential",
        "VerifiablePresentation", "Assertion", "EnvelopedVerifiableCredential",
        "https://www.w3.org/ns/credentials/v2", "https://w3id.org/openbadges/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "x" * 5000,
    ]),
)

JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    ODD_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=12), children, max_size=4),
    ),
    max_leaves=6,
)

CRED_KEYS = [
    "@context", "id", "type", "@type", "issuer", "name", "description", "validFrom", "validUntil",
    "issuanceDate", "expirationDate", "credentialSubject", "proof", "credentialStatus",
    "credentialSchema", "evidence", "endorsement", "endorsementJwt", "image", "verifiableCredential",
    "holder", "recipient", "badge", "verification", "issuedOn", "expires", "revocationList",
]
SUBJECT_KEYS = ["id", "type", "achievement", "creditsEarned", "result", "activityStartDate",
                "activityEndDate", "identifier", "verifiableCredential", "association", "name"]
ACHIEVEMENT_KEYS = ["id", "type", "name", "description", "achievementType", "criteria", "image",
                    "creditsAvailable", "fieldOfStudy", "tag", "tags", "alignment", "alignments",
                    "related", "resultDescription", "issuer"]
TYPES = st.sampled_from([
    "VerifiableCredential", ["VerifiableCredential", "OpenBadgeCredential"],
    ["VerifiableCredential", "AchievementCredential"], ["VerifiableCredential", "ClrCredential"],
    "VerifiablePresentation", "Assertion", ["Assertion"], "BadgeClass", "EndorsementCredential",
])


def _shaped(keys: list[str], inner: st.SearchStrategy[Any],
            size: int = 6) -> st.SearchStrategy[dict[str, Any]]:
    # Mostly scalars (cheap to generate, and where type confusion bites), sometimes structure.
    value = st.one_of(ODD_SCALARS, inner, JSON_VALUES)
    return st.dictionaries(st.sampled_from(keys), value, max_size=size)


ACHIEVEMENTS = _shaped(ACHIEVEMENT_KEYS, JSON_VALUES)
SUBJECTS = _shaped(SUBJECT_KEYS, st.one_of(ACHIEVEMENTS, st.lists(ACHIEVEMENTS, max_size=2)), size=4)


@st.composite
def credential_like(draw: st.DrawFn) -> dict[str, Any]:
    """A dict that looks enough like a credential to get past recognition, with odd fields."""
    doc = draw(_shaped(CRED_KEYS, st.one_of(SUBJECTS, st.lists(SUBJECTS, max_size=2)), size=8))
    if draw(st.booleans()):
        doc["type"] = draw(TYPES)
    if draw(st.booleans()):
        doc["@context"] = draw(st.sampled_from([
            ["https://www.w3.org/ns/credentials/v2",
             "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "https://w3id.org/openbadges/v2", ["https://www.w3.org/2018/credentials/v1"], 5, None,
        ]))
    return doc


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_json(value: Any) -> str:
    return b64url(json.dumps(value).encode())


@st.composite
def compact_jws(draw: st.DrawFn) -> str:
    """header.payload.signature where each part may be JSON, junk or empty."""
    header = draw(st.one_of(
        st.fixed_dictionaries({"alg": st.sampled_from(["RS256", "ES256", "EdDSA", "none", "HS256", "", 5])},
                              optional={"kid": ODD_SCALARS, "jwk": JSON_VALUES, "typ": ODD_SCALARS,
                                        "crit": JSON_VALUES, "b64": ODD_SCALARS}),
        JSON_VALUES,
    ))
    payload = draw(st.one_of(
        st.builds(lambda vc, extra: {"vc": vc, **extra}, credential_like(),
                  st.dictionaries(st.sampled_from(["iss", "sub", "nbf", "exp", "jti", "iat"]), ODD_SCALARS)),
        credential_like(),
        st.builds(lambda vp: {"vp": vp}, credential_like()),
        JSON_VALUES,
    ))
    parts = [b64url_json(header), b64url_json(payload),
             draw(st.one_of(st.just(""), st.binary(max_size=80).map(b64url)))]
    if draw(st.booleans()):
        i = draw(st.integers(0, 2))
        parts[i] = draw(st.text(alphabet="ABCabc012-_", max_size=12))
    return ".".join(parts)
