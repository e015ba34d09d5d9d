"""Embedded proofs (Data Integrity and Linked Data Signatures): verify a proof set/chain, sign.

Rules: every proof is checked independently; a document verifies when at least one supported
proof verifies (OB 3.0, VC Data Integrity proof sets). Unsupported proofs are named, never
silently skipped. A proof with `previousProof` (a proof chain) is verified over the document
plus the proofs it references.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from credwallet.verify.contexts import ContextStore, context_urls, urls_with_variants
from credwallet.verify.dates import parse_datetime
from credwallet.verify.keys import KeyUnavailable, ResolvedKey, resolve
from credwallet.verify.material import MaterialSource
from credwallet.verify.suites.registry import UNSUPPORTED, SuiteError, find_suite

MAX_PROOFS = 16

Outcome = Literal["valid", "invalid", "unsupported", "error"]


@dataclass
class ProofOutcome:
    index: int
    suite: str
    outcome: Outcome
    detail: str
    key: ResolvedKey | None = None
    vm_id: str | None = None

    def line(self) -> str:
        who = f" by {self.vm_id}" if self.vm_id else ""
        return f"{self.suite}{who}: {self.detail}"


@dataclass
class ProofReport:
    outcomes: list[ProofOutcome] = field(default_factory=list)

    @property
    def valid(self) -> list[ProofOutcome]:
        return [o for o in self.outcomes if o.outcome == "valid"]

    def best(self, expected_controller: str | None) -> ProofOutcome | None:
        """The valid proof to report: one whose key is bound to `expected_controller` if any."""
        valid = self.valid
        for o in valid:
            if o.key is not None and o.key.bound_controller == expected_controller:
                return o
        return valid[0] if valid else None


def proofs_of(doc: dict[str, Any]) -> list[Any]:
    proof = doc.get("proof")
    if proof is None:
        return []
    return proof if isinstance(proof, list) else [proof]


def _suite_label(proof: dict[str, Any]) -> str:
    ptype = proof.get("type")
    suite = proof.get("cryptosuite")
    if isinstance(ptype, str) and isinstance(suite, str):
        return f"{ptype}/{suite}" if ptype != "DataIntegrityProof" else suite
    return ptype if isinstance(ptype, str) else "proof without a type"


def verify_proofs(
    doc: dict[str, Any],
    *,
    material: MaterialSource,
    store: ContextStore,
    now: datetime,
    purpose: str = "assertionMethod",
    domain: str | None = None,
) -> ProofReport:
    """`domain`: the verifier's own (env.domain), for proofs addressed to a verifier."""
    report = ProofReport()
    proofs = proofs_of(doc)
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    for i, proof in enumerate(proofs[:MAX_PROOFS]):
        outcome = _verify_one(i, proof, proofs, unsecured, material, store, now, purpose, domain)
        report.outcomes.append(outcome)
    if len(proofs) > MAX_PROOFS:
        report.outcomes.append(
            ProofOutcome(
                MAX_PROOFS,
                "proof set",
                "error",
                f"more than {MAX_PROOFS} proofs; the rest were not checked",
            )
        )
    return report


def _verify_one(
    i: int,
    proof: Any,
    proofs: list[Any],
    unsecured: dict[str, Any],
    material: MaterialSource,
    store: ContextStore,
    now: datetime,
    purpose: str,
    domain: str | None = None,
) -> ProofOutcome:
    if not isinstance(proof, dict):
        return ProofOutcome(i, "proof", "invalid", "proof is not a JSON object")
    label = _suite_label(proof)
    vm_id = proof.get("verificationMethod")
    vm = vm_id if isinstance(vm_id, str) else None
    suite = find_suite(proof.get("type"), proof.get("cryptosuite"))
    if suite is None:
        cs = proof.get("cryptosuite")
        why = UNSUPPORTED.get(cs) if isinstance(cs, str) else None
        return ProofOutcome(
            i,
            label,
            "unsupported",
            f"unsupported cryptosuite: {why}" if why else f"unsupported proof type {label!r}",
            vm_id=vm,
        )
    if proof.get("proofPurpose") != purpose:
        return ProofOutcome(
            i,
            suite.name,
            "invalid",
            f"proofPurpose is {proof.get('proofPurpose')!r}, expected {purpose!r}",
            vm_id=vm,
        )
    for name in ("created", "expires"):
        if name in proof and parse_datetime(proof[name]) is None:
            return ProofOutcome(i, suite.name, "invalid", f"proof {name} is not a valid date-time", vm_id=vm)
    expires = parse_datetime(proof.get("expires"))
    if expires is not None and expires < now:
        return ProofOutcome(i, suite.name, "invalid", f"proof expired at {proof['expires']}", vm_id=vm)
    try:
        key = resolve(vm_id, material, purpose)
    except KeyUnavailable as exc:
        return ProofOutcome(i, suite.name, "invalid", f"no usable key: {exc}", vm_id=vm)
    unusable = suite.accepts(key)
    if unusable is not None:
        return ProofOutcome(i, suite.name, "invalid", unusable, key=key, vm_id=vm)
    secured_part = _previous_proofs(proof, proofs)
    if isinstance(secured_part, str):
        return ProofOutcome(i, suite.name, "invalid", secured_part, key=key, vm_id=vm)
    document = dict(unsecured)
    if secured_part:
        document["proof"] = secured_part if len(secured_part) > 1 else secured_part[0]
    note = ""
    try:
        ok, shown = suite.check(document, proof, key, store, domain=domain)
    except SuiteError as exc:
        # Two published copies of OB 3.0.3 exist; the 1EdTech one defines `jti` and
        # `endorsementJwt`. A document using them can only have been signed with that copy.
        alternative = _variant_store(store, unsecured, str(exc))
        if alternative is None:
            return ProofOutcome(i, suite.name, "error", f"cannot be checked: {exc}", key=key, vm_id=vm)
        try:
            ok, shown = suite.check(document, proof, key, alternative, domain=domain)
        except SuiteError:
            return ProofOutcome(i, suite.name, "error", f"cannot be checked: {exc}", key=key, vm_id=vm)
        note = " with the 1EdTech validator's copy of the OB 3.0.3 context"
    if not ok:
        return ProofOutcome(
            i,
            suite.name,
            "invalid",
            "signature does not match the content (altered, or wrong key)",
            key=key,
            vm_id=vm,
        )
    detail = f"valid signature{note} ({key.how})" + (f"; {shown}" if shown else "")
    return ProofOutcome(i, suite.name, "valid", detail, key=key, vm_id=vm)


def _variant_store(store: ContextStore, doc: dict[str, Any], reason: str) -> ContextStore | None:
    if store.variants or "is not defined by any @context" not in reason:
        return None
    if not set(context_urls(doc)) & urls_with_variants():
        return None
    return store.with_variants()


def _previous_proofs(proof: dict[str, Any], proofs: list[Any]) -> list[dict[str, Any]] | str:
    prev = proof.get("previousProof")
    if prev is None:
        return []
    wanted = prev if isinstance(prev, list) else [prev]
    found: list[dict[str, Any]] = []
    for ref in wanted:
        match = [p for p in proofs if isinstance(p, dict) and p.get("id") == ref and p is not proof]
        if not isinstance(ref, str) or len(match) != 1:
            return f"previousProof {ref!r} does not identify exactly one other proof"
        found.append(match[0])
    return found


ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v2"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"


def _add_suite_context(doc: dict[str, Any], cryptosuite: str) -> None:
    """Make the proof's terms defined, as reference signers do (VC 2.0 already defines them)."""
    ctx = doc.get("@context")
    if not isinstance(ctx, list):
        return
    if cryptosuite == "Ed25519Signature2020":
        needed = ED25519_2020_CONTEXT
    elif VC_V2_CONTEXT in ctx:
        return
    else:
        needed = DATA_INTEGRITY_CONTEXT
    if needed not in ctx:
        ctx.append(needed)


def sign_data_integrity(
    document: dict[str, Any],
    *,
    seed: bytes,
    verification_method: str,
    proof_purpose: str,
    created: datetime,
    challenge: str | None = None,
    domain: str | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
    extra_contexts: Mapping[str, dict[str, Any]] | None = None,
    expires: datetime | None = None,
) -> dict[str, Any]:
    """Return a copy of `document` with a DataIntegrityProof appended (Ed25519 `seed`).

    `expires` bounds the proof's life (the proof option `expires`, signed with the rest)."""
    if len(seed) != 32:
        raise ValueError("an Ed25519 seed is 32 bytes")
    if cryptosuite == "Ed25519Signature2020":
        suite = find_suite("Ed25519Signature2020", None)
        options: dict[str, Any] = {"type": "Ed25519Signature2020"}
    else:
        suite = find_suite("DataIntegrityProof", cryptosuite)
        options = {"type": "DataIntegrityProof", "cryptosuite": cryptosuite}
    if suite is None:
        raise ValueError(f"cannot sign with unsupported cryptosuite {cryptosuite!r}")
    stamp = created.astimezone(UTC).replace(microsecond=0)
    options["created"] = stamp.isoformat().replace("+00:00", "Z")
    if expires is not None:
        end = expires.astimezone(UTC).replace(microsecond=0)
        options["expires"] = end.isoformat().replace("+00:00", "Z")
    options["verificationMethod"] = verification_method
    options["proofPurpose"] = proof_purpose
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    out = copy.deepcopy(document)
    _add_suite_context(out, cryptosuite)
    if cryptosuite.endswith("-jcs-2022") and "@context" in out:
        # The JCS suites' "Add Proof" step copies the document's @context into the proof (the
        # W3C vectors do; verifiers such as Digital Bazaar's hash the proof as it is, so a proof
        # without it does not verify there). Same signed bytes: the config has it either way.
        options["@context"] = copy.deepcopy(out["@context"])
    existing = proofs_of(out)
    unsecured = {k: v for k, v in out.items() if k != "proof"}
    store = ContextStore(extra=extra_contexts)
    try:
        options["proofValue"] = suite.sign(unsecured, options, seed, store)
    except SuiteError as exc:
        raise ValueError(f"cannot sign: {exc}") from exc
    out["proof"] = [*existing, options] if existing else options
    return out
