"""The `issuer_trust` check: is the credential's issuer one the user (or a registry the user
subscribed to) vouches for?

- `passed`: the issuer id is on the user's trust list or in a cached registry (the detail
  names the list and, for a registry, the as-of time of the copy used);
- `warning`: unknown issuer. Unknown is not invalid: most legitimate issuers are on no list;
- `failed`: only under `require_trusted` (scripts that accept nothing else).

Trust applies to a proven issuer only: when the signature is not bound to the issuer, the
issuer id is merely claimed, so a listed issuer does not pass. Registries that could not be
fetched, were malformed or too large never block verification: the detail says what happened.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from credwallet.formats import spec
from credwallet.ingest import Recognised
from credwallet.material import Kind, MaterialSource, cached_json
from credwallet.models import Check, CheckName, CheckStatus, VerificationResult
from credwallet.models.results import VERDICT
from credwallet.trust.model import Registry, TrustSettings, load_trust, normalise_issuer_id

CHECK = CheckName.ISSUER_TRUST


@dataclass(frozen=True)
class TrustPolicy:
    settings: TrustSettings = field(default_factory=TrustSettings)
    require_trusted: bool = False
    has_wallet: bool = True  # False when checking a file without any wallet

    @classmethod
    def from_trust_data(cls, data: Mapping[str, Any], *, require_trusted: bool = False
                        ) -> TrustPolicy:
        return cls(_settings_of(data), require_trusted)

    def relaxed(self) -> TrustPolicy:
        """Same lists, no requirement (endorsers and nested credentials are informative)."""
        return TrustPolicy(self.settings, False, self.has_wallet)


_LAST: list[tuple[str, TrustSettings]] = []  # one entry: import/refresh verify many credentials


def _fingerprint(data: Mapping[str, Any]) -> str:
    """Cheap identity of the trust data: registry snapshots are named by hash and time, so the
    (possibly large) issuer maps need not be walked."""
    regs = []
    for r in data.get("registries") or []:
        snap = r.get("snapshot") if isinstance(r, dict) else None
        snap = snap if isinstance(snap, dict) else {}
        regs.append([{k: v for k, v in r.items() if k != "snapshot"} if isinstance(r, dict) else r,
                     snap.get("sha256"), snap.get("fetched_at"), len(snap.get("issuers") or {})])
    return json.dumps([data.get("version"), data.get("issuers"), regs], sort_keys=True,
                      default=str)


def _settings_of(data: Mapping[str, Any]) -> TrustSettings:
    key = _fingerprint(data)
    if _LAST and _LAST[0][0] == key:
        return _LAST[0][1]
    settings = load_trust(dict(data))
    _LAST[:] = [(key, settings)]
    return settings


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _registry_lines(registries: list[Registry]) -> list[str]:
    """What happened to each registry that could not be consulted (or only an old copy)."""
    out = []
    for reg in registries:
        if reg.status == "ok":
            continue
        if reg.status == "pending" and reg.snapshot is None:
            out.append(f"registry {reg.display} not fetched yet (run `credwallet refresh`)")
            continue
        what = {"unreachable": "was unreachable", "malformed": "was malformed",
                "too_large": "was too large", "pending": "not fetched"}[reg.status]
        when = f" at {_iso(reg.last_attempt_at)}" if reg.last_attempt_at else ""
        why = f" ({reg.error})" if reg.error else ""
        old = (f"; using the copy as of {_iso(reg.snapshot.fetched_at)}" if reg.snapshot
               else "; no copy to use")
        out.append(f"registry {reg.display} {what}{when}{why}{old}")
    return out


@dataclass
class TrustFinding:
    """The outcome of the trust lookup: the check plus structured facts for reports/export."""

    check: Check
    issuer: str | None = None
    source: str | None = None  # "trust_list" | "registry" (None: not found)
    label: str | None = None  # the user's label, or the registry's name for the issuer
    registry: str | None = None  # registry URL
    as_of: str | None = None  # registry copy as-of time
    registry_problems: list[str] = field(default_factory=list)
    # Every followed registry that lists the issuer, whatever decided the check: a public fact
    # an export may show (the holder's own trust list is not). Empty unless the signature
    # proves the credential comes from that issuer.
    listed_in: list[dict[str, str | None]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.check.status, "trusted": self.check.status == "passed",
                "issuer": self.issuer, "source": self.source, "label": self.label,
                "registry": self.registry, "as_of": self.as_of,
                "registry_problems": self.registry_problems, "listed_in": self.listed_in}


def _listings(registries: list[Registry], key: str) -> list[dict[str, str | None]]:
    out: list[dict[str, str | None]] = []
    for reg in registries:
        entry = reg.snapshot.issuers.get(key) if reg.snapshot else None
        if entry is not None and reg.snapshot is not None:
            out.append({"registry": reg.url, "registry_name": reg.snapshot.name or reg.label,
                        "name": entry.name, "as_of": _iso(reg.snapshot.fetched_at)})
    return out


def issuer_trust_check(issuer_id: str | None, policy: TrustPolicy | None, *,
                       proven: bool = True) -> Check:
    return evaluate_trust(issuer_id, policy, proven=proven).check


def evaluate_trust(issuer_id: str | None, policy: TrustPolicy | None, *,
                   proven: bool = True) -> TrustFinding:
    policy = policy or TrustPolicy(has_wallet=False)
    miss: CheckStatus = "failed" if policy.require_trusted else "warning"
    required = " (trusted issuer required)" if policy.require_trusted else ""
    if not issuer_id:
        return TrustFinding(Check(check=CHECK, status=miss,
                                  detail="the credential names no issuer id" + required))
    settings = policy.settings
    key = normalise_issuer_id(issuer_id)
    finding = TrustFinding(Check(check=CHECK, status=miss), issuer=issuer_id,
                           registry_problems=_registry_lines(settings.registries))
    if proven:
        finding.listed_in = _listings(settings.registries, key)
    found: str | None = None
    direct = settings.find_issuer(key)
    if direct is not None:
        label = f" as {direct.label!r}" if direct.label else ""
        found = f"on your trust list{label} (added {_iso(direct.added_at)})"
        finding.source, finding.label = "trust_list", direct.label
    else:
        for reg in settings.registries:
            entry = reg.snapshot.issuers.get(key) if reg.snapshot else None
            if entry is not None and reg.snapshot is not None:
                name = f" as {entry.name!r}" if entry.name else ""
                found = (f"listed{name} in registry {reg.display}, as of "
                         f"{_iso(reg.snapshot.fetched_at)}")
                finding.source, finding.label = "registry", entry.name
                finding.registry, finding.as_of = reg.url, _iso(reg.snapshot.fetched_at)
                break
    notes = finding.registry_problems
    tail = ("; " + "; ".join(notes)) if notes else ""
    if found is not None and not proven:
        finding.check = finding.check.but(
            detail=f"issuer {issuer_id} is {found}, but the signature does not prove the "
            "credential comes from it, so trust does not apply" + required)
        return finding
    if found is not None:
        finding.check = Check(check=CHECK, status="passed", detail=f"issuer {issuer_id} is {found}")
        return finding
    if not policy.has_wallet:
        where = "no wallet trust list was consulted"
    elif not settings.issuers and not settings.registries:
        where = "you trust no issuers and follow no registries yet (see `credwallet trust`)"
    else:
        n = len(settings.registries)
        where = (f"not on your trust list ({len(settings.issuers)} issuer(s)) nor in "
                 f"{n} registr{'y' if n == 1 else 'ies'}")
    finding.check = finding.check.but(
        detail=f"unknown issuer {issuer_id}: {where}; unknown is not invalid" + required + tail)
    return finding


def _proven(result: VerificationResult) -> bool:
    proof, binding = result.check("proof"), result.check("key_binding")
    return (proof is not None and proof.status == "passed"
            and binding is not None and binding.status == "passed")


def issuer_of(rec: Recognised, material: MaterialSource | None = None) -> str | None:
    """The issuer id a recognised credential claims (OB 2.0: via its BadgeClass)."""
    doc = rec.document if isinstance(rec.document, dict) else {}
    if not rec.format.startswith(("ob2", "ob1")):
        # A JWT may name its issuer only in `iss` (VCDM 1.1 mapping, SD-JWT VC).
        payload = rec.jwt_payload if isinstance(rec.jwt_payload, dict) else {}
        return _id(doc.get("issuer")) or _id(doc.get("iss")) or _id(payload.get("iss"))
    badge = doc.get("badge")
    if isinstance(badge, str) and material is not None:
        badge = cached_json(material, badge, Kind.BADGECLASS).value
    return _id(badge.get("issuer")) if isinstance(badge, dict) else None


def _id(value: Any) -> str | None:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str) and value["id"]:
        return str(value["id"])
    return None


def apply_trust(result: VerificationResult, rec: Recognised, material: MaterialSource | None,
                policy: TrustPolicy | None, *, depth: int = 0) -> None:
    """Append `issuer_trust` to `result` and recompute `verified` (fail closed).

    Credentials nested in a CLR get the check informatively (never failing): the CLR's own
    issuer is the one the policy is about. A presentation has no issuer: each credential it
    holds is checked under the policy and the presentation's check sums them up."""
    presentation = spec(rec.format).is_presentation
    nested_ok = depth < 4 and len(rec.children) == len(result.nested)
    if nested_ok:
        # A presentation has no issuer: the policy is about each credential it holds.
        inner = policy if presentation else (policy or TrustPolicy(has_wallet=False)).relaxed()
        for child, child_rec in zip(result.nested, rec.children, strict=True):
            apply_trust(child, child_rec, material, inner, depth=depth + 1)
    result.checks = [c for c in result.checks if c.check != CHECK]
    if presentation:
        result.checks.append(_presentation_check(result, policy))
    else:
        finding = evaluate_trust(issuer_of(rec, material), policy, proven=_proven(result))
        result.checks.append(finding.check)
        result.extra["issuer_trust"] = finding.as_dict()
    result.verified = VERDICT.verified(result.checks)


def _presentation_check(result: VerificationResult, policy: TrustPolicy | None) -> Check:
    inner = [c for c in (r.check(CHECK) for r in result.nested) if c is not None]
    if not inner:
        status: CheckStatus = "failed" if policy is not None and policy.require_trusted \
            else "warning"
        return Check(check=CHECK, status=status, detail="the presentation holds no credentials")
    trusted = sum(c.status == "passed" for c in inner)
    worst: CheckStatus = "failed" if any(c.status == "failed" for c in inner) else \
        "warning" if trusted < len(inner) else "passed"
    return Check(check=CHECK, status=worst,
                 detail=f"{trusted} of {len(inner)} credential issuer(s) trusted")
