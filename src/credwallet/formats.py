"""The format registry: every credential format credwallet knows, and what each one is.

One `FormatSpec` per stored format id. Code that behaves differently per format dispatches on
`spec.family` (and `spec.securing`) with a `match` ending in `assert_never`, so a family without
a handler is a type error, never a silent skip. Adding a format: a line here, a verifier module
in `verify/families/`, and the arms the type checker then asks for (see docs/architecture.md).

This module depends on nothing else in credwallet: every layer may read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal, get_args

FormatId = Literal[
    "ob3-ldp",
    "vc-ldp",
    "ob3-jwt",
    "vc-jwt",
    "clr-ldp",
    "clr-jwt",
    "vp-ldp",
    "vp-jwt",
    "ob2-signed",
    "ob2-hosted",
    "ob2-assertion-json",
    "sd-jwt-vc",
    "ob1-hosted",
    "ob1-signed",
]


class Family(Enum):
    """How a format is verified and shown: one verifier module each."""

    VC_DATA_INTEGRITY = "vc-data-integrity"  # VC / OB 3.0 with an embedded proof
    VC_JWT = "vc-jwt"  # VC / OB 3.0 as a JWT
    CLR = "clr"  # CLR 2.0: a credential that carries credentials
    VP_DATA_INTEGRITY = "vp-data-integrity"
    VP_JWT = "vp-jwt"
    OB2_SIGNED = "ob2-signed"
    OB2_HOSTED = "ob2-hosted"
    SD_JWT_VC = "sd-jwt-vc"  # IETF SD-JWT VC: selective disclosure, plain JSON claims
    OB1 = "ob1"  # Open Badges 1.0 / 1.1, read in the 2.0 model (hosted or signed)


class Securing(Enum):
    """What the signature (or the issuer's vouching) covers."""

    RDF_PROOF = "rdf-proof"  # Data Integrity: the canonical RDF, not the JSON keys
    JWS = "jws"  # the exact bytes of a compact JWS
    HOSTED = "hosted"  # the copy the issuer hosts at the assertion's id


Embedding = Literal["json-ld", "enveloped-jwt", "ob2-original", "never"]


@dataclass(frozen=True, slots=True)
class FormatSpec:
    id: FormatId
    family: Family
    securing: Securing
    label: str
    media_type: str
    extension: str  # of the original in a bundle
    embedding: Embedding  # how it goes into a presentation the holder signs
    container: bool = False  # carries other credentials (CLR, presentations)

    @property
    def is_presentation(self) -> bool:
        return self.family in (Family.VP_DATA_INTEGRITY, Family.VP_JWT)


_SPECS: tuple[FormatSpec, ...] = (
    FormatSpec("ob3-ldp", Family.VC_DATA_INTEGRITY, Securing.RDF_PROOF,
               "Open Badges 3.0 credential (JSON-LD, embedded proof)", "application/vc+ld+json",
               ".json", "json-ld"),
    FormatSpec("vc-ldp", Family.VC_DATA_INTEGRITY, Securing.RDF_PROOF,
               "W3C verifiable credential (JSON-LD, embedded proof)", "application/vc+ld+json",
               ".json", "json-ld"),
    FormatSpec("ob3-jwt", Family.VC_JWT, Securing.JWS, "Open Badges 3.0 credential (VC-JWT)",
               "application/vc+jwt", ".jwt", "enveloped-jwt"),
    FormatSpec("vc-jwt", Family.VC_JWT, Securing.JWS, "W3C verifiable credential (VC-JWT)",
               "application/vc+jwt", ".jwt", "enveloped-jwt"),
    FormatSpec("clr-ldp", Family.CLR, Securing.RDF_PROOF, "CLR 2.0 credential (JSON-LD, embedded proof)",
               "application/vc+ld+json", ".json", "json-ld", container=True),
    FormatSpec("clr-jwt", Family.CLR, Securing.JWS, "CLR 2.0 credential (VC-JWT)", "application/vc+jwt",
               ".jwt", "enveloped-jwt", container=True),
    FormatSpec("vp-ldp", Family.VP_DATA_INTEGRITY, Securing.RDF_PROOF,
               "verifiable presentation (JSON-LD, embedded proof)", "application/vp+ld+json", ".json",
               "never", container=True),
    FormatSpec("vp-jwt", Family.VP_JWT, Securing.JWS, "verifiable presentation (JWT)", "application/vp+jwt",
               ".jwt", "never", container=True),
    FormatSpec("ob2-signed", Family.OB2_SIGNED, Securing.JWS, "Open Badges 2.0 signed assertion (JWS)",
               "application/jws", ".jwt", "ob2-original"),
    FormatSpec("ob2-hosted", Family.OB2_HOSTED, Securing.HOSTED, "Open Badges 2.0 hosted assertion",
               "application/ld+json", ".json", "ob2-original"),
    FormatSpec("ob2-assertion-json", Family.OB2_HOSTED, Securing.HOSTED, "Open Badges 2.0 assertion",
               "application/ld+json", ".json", "ob2-original"),
    FormatSpec("sd-jwt-vc", Family.SD_JWT_VC, Securing.JWS, "SD-JWT VC (IETF, selective disclosure)",
               "application/dc+sd-jwt", ".sd-jwt", "never"),
    FormatSpec("ob1-hosted", Family.OB1, Securing.HOSTED,
               "Open Badges 1.x hosted assertion (upgraded to 2.0)", "application/json", ".json",
               "ob2-original"),
    FormatSpec("ob1-signed", Family.OB1, Securing.JWS,
               "Open Badges 1.x signed assertion (JWS, upgraded to 2.0)", "application/jws", ".jwt",
               "ob2-original"),
)

SPECS: dict[str, FormatSpec] = {s.id: s for s in _SPECS}
FORMAT_IDS: tuple[FormatId, ...] = get_args(FormatId)


class UnknownFormat(ValueError):
    """A format id credwallet does not know (a stored entry from a newer version, say)."""


def spec(fmt: str) -> FormatSpec:
    found = SPECS.get(fmt)
    if found is None:
        raise UnknownFormat(f"format {fmt!r} is not one credwallet knows")
    return found


def is_known(fmt: str) -> bool:
    return fmt in SPECS
