"""Endorsements: who stands behind a credential, its achievement or its issuer.

Open Badges 3.0 embeds `EndorsementCredential`s (`endorsement`, JSON-LD with their own proof)
and compact VC-JWTs (`endorsementJwt`) on the credential, on the achievement, on the
achievement's creator and on the issuer profile. Each one is verified as a credential of its
own, by the same engine, with the same offline material and the same `now`. Open Badges 2.0
lists hosted `Endorsement`s by URL on the assertion, BadgeClass and Issuer; they can only be
checked from a copy cached at import.

An endorsement is a signal about the credential, not part of it: a failed or unavailable
endorsement is reported, it never fails the credential.

Who endorsed is the endorser's *identifier*, and only once proven: the key that signed is bound
to the endorsement's issuer id (proof and key_binding passed; for OB 2.0 hosted endorsements,
the document is hosted on the endorser's own host). Its trust status comes from the user's
trust list and followed registries. The endorser's `name` is what the endorser says about
itself (anyone can call their key "Harvard University"), so it is never "verified".
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from credwallet.errors import BadInput
from credwallet.ingest import recognise
from credwallet.ingest.jsonutil import dumps_compact
from credwallet.ingest.sniff import Recognised, as_list, types_of
from credwallet.models import VerificationResult
from credwallet.trust.check import TrustPolicy, apply_trust, evaluate_trust
from credwallet.verify.material import Kind, MaterialSource, cached_json

MAX_ENDORSEMENTS = 32  # per credential: each one costs a full verification
MAX_JWT_CHARS = 256 * 1024

Verdict = Literal["verified", "not_verified", "unreadable", "unavailable", "unsupported"]
# trust_list / registry: the proven endorser id is on one of the user's lists; unknown: proven
# but on none; unverified: the id is only claimed (proof or key binding failed, or unchecked).
EndorserTrust = Literal["trust_list", "registry", "unknown", "unverified"]


@dataclass
class Endorsement:
    on: str  # where it is attached: credential, achievement, achievement creator, issuer
    form: str  # embedded, jwt, ob2-hosted
    verdict: Verdict
    reason: str = ""  # why it is not verified (failed checks), or what was checked
    endorsement_id: str | None = None
    endorser_id: str | None = None
    endorser_name: str | None = None
    endorses_id: str | None = None  # the endorsement's subject id
    endorses: str | None = None  # what that id is: the credential, achievement, issuer, other
    comment: str | None = None
    issued: str | None = None
    signature: bool | None = None  # proof valid (None: not applicable / not checked)
    endorser_trusted: bool | None = None
    endorser_id_verified: bool = False  # the endorser id is bound to the key (or host) used
    endorser_trust: EndorserTrust = "unverified"
    endorser_trust_label: str | None = None  # the user's label, or the registry's name for it
    endorser_registry: str | None = None  # the registry URL that lists it
    result: VerificationResult | None = field(default=None, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "on": self.on,
            "form": self.form,
            "verdict": self.verdict,
            "reason": self.reason,
            "id": self.endorsement_id,
            "endorser": {
                "id": self.endorser_id,  # as claimed; `verified_id` only when proven
                "id_verified": self.endorser_id_verified,
                "verified_id": self.endorser_id if self.endorser_id_verified else None,
                "trust": self.endorser_trust,
                "trust_label": self.endorser_trust_label,
                "registry": self.endorser_registry,
                # Self-asserted: signed (at best) by the endorser itself, so never verified.
                "name": self.endorser_name,
                "name_verified": False,
                "trusted": self.endorser_trusted,
            },
            "endorses": {"id": self.endorses_id, "what": self.endorses},
            "comment": self.comment,
            "issued": self.issued,
            "signature": self.signature,
            "checks": [c.model_dump(mode="json") for c in self.result.checks]
            if self.result is not None
            else [],
        }


def _id(value: Any) -> str | None:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _name(value: Any) -> str | None:
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            return name
        if isinstance(name, dict):  # a language map
            return next((v for v in name.values() if isinstance(v, str)), None)
    return None


@dataclass
class _Targets:
    """Ids of the things an endorsement may be about, to name what it endorses."""

    ids: dict[str, str] = field(default_factory=dict)

    def add(self, what: str, ident: str | None) -> None:
        if ident and ident not in self.ids:
            self.ids[ident] = what

    def name(self, ident: str | None) -> str | None:
        if not ident:
            return None
        return self.ids.get(ident, "something else")


def _vc_sites(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, object) pairs that may carry endorsements in an OB 3.0 / CLR credential."""
    yield "credential", doc
    issuer = doc.get("issuer")
    if isinstance(issuer, dict):
        yield "issuer", issuer
    for subject in as_list(doc.get("credentialSubject"))[:1]:
        if not isinstance(subject, dict):
            continue
        ach = subject.get("achievement")
        if isinstance(ach, dict):
            yield "achievement", ach
            if isinstance(ach.get("creator"), dict):
                yield "achievement creator", ach["creator"]


class Verifier(Protocol):
    """The engine's `verify_bytes`, handed in so this module never imports the engine."""

    def __call__(
        self,
        raw: bytes,
        *,
        now: datetime,
        material: MaterialSource,
        identities: Sequence[str] = ...,
        trust: TrustPolicy | None = ...,
        endorsements: bool = ...,
    ) -> VerificationResult: ...


def endorsements_of(
    rec: Recognised,
    *,
    now: datetime,
    material: MaterialSource,
    verify: Verifier,
    trust: TrustPolicy | None = None,
    identities: Sequence[str] = (),
) -> list[Endorsement]:
    """Verify every endorsement a recognised credential carries; never raises for bad ones."""
    doc = rec.document if isinstance(rec.document, dict) else None
    if doc is None:
        return []
    if rec.format.startswith("ob2"):
        return _ob2_endorsements(doc, material, trust)
    targets = _Targets()
    targets.add("the credential", _id(doc))
    out: list[Endorsement] = []
    sites = list(_vc_sites(doc))
    for where, obj in sites:
        what = {
            "credential": "the credential",
            "issuer": "the issuer",
            "achievement": "the achievement",
            "achievement creator": "the achievement's creator",
        }[where]
        targets.add(what, _id(obj) if where != "credential" else None)
    for where, obj in sites:
        items: list[tuple[str, Any]] = [("embedded", e) for e in as_list(obj.get("endorsement"))]
        items += [("jwt", e) for e in as_list(obj.get("endorsementJwt"))]
        for form, item in items:
            if len(out) >= MAX_ENDORSEMENTS:
                out.append(
                    Endorsement(
                        on=where,
                        form=form,
                        verdict="unsupported",
                        reason=f"more than {MAX_ENDORSEMENTS} endorsements: the rest are not checked",
                    )
                )
                return out
            out.append(
                _one(
                    where,
                    form,
                    item,
                    now=now,
                    material=material,
                    trust=trust,
                    identities=identities,
                    targets=targets,
                    verify=verify,
                )
            )
    return out


def _one(
    where: str,
    form: str,
    item: Any,
    *,
    now: datetime,
    material: MaterialSource,
    trust: TrustPolicy | None,
    identities: Sequence[str],
    targets: _Targets,
    verify: Verifier,
) -> Endorsement:
    if form == "jwt":
        if not isinstance(item, str) or len(item) > MAX_JWT_CHARS:
            return Endorsement(
                on=where,
                form=form,
                verdict="unreadable",
                reason="endorsementJwt entry is not a compact JWT string",
            )
        raw = item.strip().encode("ascii", "replace")
    elif isinstance(item, dict):
        raw = dumps_compact(item)
    else:
        return Endorsement(
            on=where,
            form=form,
            verdict="unreadable",
            reason="endorsement entry is not an object"
            + (" (a URL: OB 3.0 embeds endorsements)" if isinstance(item, str) else ""),
        )
    try:
        result = verify(
            raw,
            now=now,
            material=material,
            identities=identities,
            trust=trust.relaxed() if trust is not None else None,
            endorsements=False,
        )  # endorsements of endorsements: not followed
        body = recognise(raw).document or {}
    except BadInput as exc:
        return Endorsement(on=where, form=form, verdict="unreadable", reason=exc.message)
    except Exception as exc:  # noqa: BLE001 - an endorsement must never break the credential
        return Endorsement(
            on=where,
            form=form,
            verdict="unreadable",
            reason=f"could not be checked ({type(exc).__name__}); this is a bug, please report it",
        )
    subject = next((s for s in as_list(body.get("credentialSubject")) if isinstance(s, dict)), {})
    proof = result.check("proof")
    trust_check = result.check("issuer_trust")
    is_endorsement = "EndorsementCredential" in types_of(body)
    failed = [f"{c.check}: {c.detail}" for c in result.checks if c.status == "failed"]
    if not is_endorsement:
        failed.insert(0, "type: not an EndorsementCredential")
    verified = result.verified and is_endorsement
    subject_id = _id(subject)
    comment = subject.get("endorsementComment")
    binding = result.check("key_binding")
    id_verified = (_id(body.get("issuer")) is not None and proof is not None
                   and proof.status == "passed" and binding is not None
                   and binding.status == "passed")
    finding = result.extra.get("issuer_trust")
    who, label, registry = _endorser_trust(
        id_verified, trust_check is not None and trust_check.status == "passed",
        finding if isinstance(finding, dict) else {})
    return Endorsement(
        on=where,
        form=form,
        verdict="verified" if verified else "not_verified",
        reason="; ".join(failed)[:600] if failed else "every check passed",
        endorsement_id=_id(body),
        endorser_id=_id(body.get("issuer")),
        endorser_name=_name(body.get("issuer")),
        endorses_id=subject_id,
        endorses=targets.name(subject_id),
        comment=comment if isinstance(comment, str) else None,
        issued=_text(body.get("validFrom")) or _text(body.get("issuanceDate")),
        signature=None if proof is None or proof.status == "skipped" else proof.status == "passed",
        endorser_trusted=None if trust_check is None else trust_check.status == "passed",
        endorser_id_verified=id_verified,
        endorser_trust=who,
        endorser_trust_label=label,
        endorser_registry=registry,
        result=result,
    )


def _endorser_trust(id_verified: bool, passed: bool, finding: dict[str, Any]
                    ) -> tuple[EndorserTrust, str | None, str | None]:
    """(trust status, label, registry) of an endorser: lists apply only to a proven id."""
    if not id_verified:
        return "unverified", None, None
    source = finding.get("source")
    if passed and source in ("trust_list", "registry"):
        label = finding.get("label")
        registry = finding.get("registry")
        return ("trust_list" if source == "trust_list" else "registry",
                label if isinstance(label, str) else None,
                registry if isinstance(registry, str) else None)
    return "unknown", None, None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def annotate(
    result: VerificationResult,
    rec: Recognised,
    *,
    now: datetime,
    material: MaterialSource,
    trust: TrustPolicy | None,
    identities: Sequence[str] = (),
    endorsements: bool = True,
    verify: Verifier,
) -> None:
    """What verify_bytes adds after the checks proper: the `issuer_trust` check (always) and
    the endorsement results (`result.extra["endorsements"]`, never affecting `verified`)."""
    apply_trust(result, rec, material, trust)
    if endorsements:
        found = endorsements_of(
            rec, now=now, material=material, trust=trust, identities=identities, verify=verify
        )
        result.extra["endorsements"] = [e.as_dict() for e in found]


# --- Open Badges 2.0 hosted endorsements -----------------------------------------------------


def _cached(material: MaterialSource, ref: Any, kind: Kind) -> tuple[dict[str, Any] | None, str]:
    if isinstance(ref, dict):
        return ref, "embedded"
    if not isinstance(ref, str):
        return None, "not a URL"
    held = cached_json(material, ref, kind)
    if held.doc is None:
        return None, f"{held.problem}: it cannot be checked offline"
    if held.value is None:
        return None, held.problem
    return held.value, f"as of {held.as_of}"


def _host(url: str | None) -> str:
    try:
        return (urllib.parse.urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""


def _ob2_endorsements(assertion: dict[str, Any], material: MaterialSource,
                      trust: TrustPolicy | None = None) -> list[Endorsement]:
    badge, _ = _cached(material, assertion.get("badge"), Kind.BADGECLASS)
    issuer, _ = _cached(material, badge.get("issuer"), Kind.ISSUER) if badge else (None, "")
    targets = _Targets()
    targets.add("the credential", _id(assertion))
    targets.add("the achievement", _id(badge) or _id(assertion.get("badge")))
    targets.add("the issuer", _id(issuer) or (_id(badge.get("issuer")) if badge else None))
    out: list[Endorsement] = []
    for where, obj in (("credential", assertion), ("achievement", badge), ("issuer", issuer)):
        for ref in as_list(obj.get("endorsement")) if obj else []:
            if len(out) >= MAX_ENDORSEMENTS:
                return out
            out.append(_ob2_one(where, ref, material, targets, trust))
    return out


def _ob2_one(where: str, ref: Any, material: MaterialSource, targets: _Targets,
             trust: TrustPolicy | None = None) -> Endorsement:
    url = ref if isinstance(ref, str) else _id(ref)
    doc, how = _cached(material, ref, Kind.ENDORSEMENT)
    if doc is None:
        return Endorsement(
            on=where,
            form="ob2-hosted",
            verdict="unavailable",
            reason=f"endorsement {url or '(no id)'} {how}",
            endorsement_id=url,
        )
    raw_claim = doc.get("claim")
    claim: dict[str, Any] = raw_claim if isinstance(raw_claim, dict) else {}
    endorser_ref = doc.get("issuer")
    endorser, _ = _cached(material, endorser_ref, Kind.ISSUER)
    vtype = doc.get("verification", {}).get("type") if isinstance(doc.get("verification"), dict) else None
    vtype = vtype.rsplit(":", 1)[-1] if isinstance(vtype, str) else None
    endorser_id = _id(endorser_ref)
    base = Endorsement(
        on=where,
        form="ob2-hosted",
        verdict="not_verified",
        endorsement_id=_id(doc) or url,
        endorser_id=endorser_id,
        endorser_name=_name(endorser),
        endorses_id=_id(claim),
        endorses=targets.name(_id(claim)),
        comment=claim.get("endorsementComment") if isinstance(claim.get("endorsementComment"), str) else None,
        issued=_text(doc.get("issuedOn")),
    )
    problems = []
    if "Endorsement" not in types_of(doc):
        problems.append("type is not Endorsement")
    if vtype not in ("hosted", "HostedBadge"):
        base.verdict = "unsupported"
        base.reason = f"verification type {vtype!r}: only hosted OB 2.0 endorsements are checked"
        return base
    if how == "embedded" or not isinstance(ref, str):
        problems.append("a hosted endorsement must be fetched from its issuer, not embedded")
    hosts = {_host(url), _host(_id(doc)), _host(endorser_id)}
    if len(hosts) != 1 or "" in hosts:
        problems.append(
            "the endorsement is not hosted on its issuer's host "
            f"({', '.join(sorted(h or '?' for h in hosts))})"
        )
    if problems:
        base.reason = "; ".join(problems)
        return base
    base.verdict = "verified"
    base.reason = f"hosted by its issuer at {url} ({how}); unsigned: as trustworthy as that host"
    # Hosted on the endorser's own host: the id is as proven as an unsigned OB 2.0 one can be.
    found = evaluate_trust(endorser_id, trust.relaxed() if trust is not None else None)
    base.endorser_id_verified = True
    base.endorser_trusted = found.check.status == "passed"
    base.endorser_trust, base.endorser_trust_label, base.endorser_registry = _endorser_trust(
        True, base.endorser_trusted, found.as_dict())
    return base
