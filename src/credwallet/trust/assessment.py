"""What a credential says about how it was earned: criteria, evidence, results, dates, credits.

Learners and employers use this to tell an assessed credential from a participation badge.
Nothing is inferred: a credential that describes no criteria, no evidence and no results is
flagged "no assessment described". Every value says whether it comes from signed data or
only from an unsigned document fetched at import (OB 2.0 BadgeClass/Issuer profiles).

OB 3.0 results: each `result` points at one of the achievement's `resultDescription`s (by id).
A result's `achievedLevel` names a `rubricCriterionLevel`; `value` is compared with
`requiredValue` using the description's `allowedValue` order (low to high, as the spec asks
issuers to list them) or numerically; `requiredLevel` is compared by rubric level order.
"""

from __future__ import annotations

from typing import Any

from credwallet.ingest.describe import as_number
from credwallet.models.view import CredentialView

NO_ASSESSMENT = "no assessment described"
MAX_ITEMS = 100  # evidence/results shown; a hostile credential must not flood the output


def _s(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):  # language map
        return next((v for v in value.values() if isinstance(v, str)), None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _ids(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _s(value.get("id"))
    return None


def _level(level: dict[str, Any] | None) -> dict[str, Any] | None:
    if level is None:
        return None
    return {"id": _s(level.get("id")), "name": _s(level.get("name")),
            "level": _s(level.get("level")), "points": _s(level.get("points")),
            "description": _s(level.get("description"))}


def _levels(desc: dict[str, Any]) -> list[dict[str, Any]]:
    raw = desc.get("rubricCriterionLevel")
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    return [lv for lv in items if isinstance(lv, dict)]


def _compare_value(value: str | None, required: str | None, desc: dict[str, Any]
                   ) -> tuple[bool | None, str]:
    if value is None or required is None:
        return None, ""
    allowed = [_s(v) for v in desc.get("allowedValue") or [] if _s(v) is not None] \
        if isinstance(desc.get("allowedValue"), list) else []
    if value in allowed and required in allowed:
        ok = allowed.index(value) >= allowed.index(required)
        return ok, f"{value} {'meets' if ok else 'is below'} the required {required} " \
                   f"(allowed, low to high: {', '.join(a for a in allowed if a)})"
    v, r = as_number(value), as_number(required)
    if v is not None and r is not None:
        ok = v >= r
        return ok, f"{value} {'meets' if ok else 'is below'} the required {required}"
    return None, f"{value} cannot be compared with the required {required}"


def _result(res: dict[str, Any], descriptions: list[dict[str, Any]]) -> dict[str, Any]:
    desc_id = _ids(res.get("resultDescription"))
    desc = next((d for d in descriptions if _s(d.get("id")) == desc_id), None)
    all_levels = {(_s(lv.get("id")) or ""): lv for d in descriptions for lv in _levels(d)}
    achieved_id = _ids(res.get("achievedLevel"))
    achieved = all_levels.get(achieved_id or "") if achieved_id else None
    out: dict[str, Any] = {
        "result_description": desc_id,
        "name": _s(desc.get("name")) if desc else None,
        "result_type": _s(desc.get("resultType")) if desc else None,
        "value": _s(res.get("value")),
        "status": _s(res.get("status")),
        "achieved_level": _level(achieved) or ({"id": achieved_id} if achieved_id else None),
        "required_value": _s(desc.get("requiredValue")) if desc else None,
        "required_level": None,
        "meets_requirement": None,
        "detail": "",
    }
    notes: list[str] = []
    if desc_id and desc is None:
        notes.append(f"resultDescription {desc_id} is not described by the achievement")
    if achieved_id and achieved is None:
        notes.append(f"achieved level {achieved_id} is not among the achievement's rubric levels")
    if desc is not None:
        req_level_id = _ids(desc.get("requiredLevel"))
        if req_level_id:
            req = all_levels.get(req_level_id)
            out["required_level"] = _level(req) or {"id": req_level_id}
            order = [_s(lv.get("id")) for lv in _levels(desc)]
            if achieved_id in order and req_level_id in order:
                ok = order.index(achieved_id) >= order.index(req_level_id)
                out["meets_requirement"] = ok
                notes.append(f"level {_name_of(achieved)} {'meets' if ok else 'is below'} the "
                             f"required level {_name_of(req)}")
            elif achieved_id == req_level_id:
                out["meets_requirement"] = True
                notes.append(f"level {_name_of(achieved)} is the required level")
        ok_value, why = _compare_value(out["value"], out["required_value"], desc)
        if why:
            notes.append(why)
        if ok_value is not None:
            prev = out["meets_requirement"]
            out["meets_requirement"] = ok_value if prev is None else (prev and ok_value)
    out["detail"] = "; ".join(notes)
    return out


def _name_of(level: dict[str, Any] | None) -> str:
    if not level:
        return "?"
    return _s(level.get("name")) or _s(level.get("level")) or _s(level.get("id")) or "?"


def _evidence(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _s(item.get(k)) for k in ("id", "name", "description", "narrative", "genre",
                                         "audience")}


def issuer_display(view: CredentialView) -> dict[str, Any]:
    """Issuer name/URL/image with where they come from: a name that appears only in an
    unsigned fetched profile must never be shown as if the issuer had signed it."""
    iss = view.issuer
    return {
        "id": iss.id, "name": iss.name, "url": iss.url, "image": iss.image, "email": iss.email,
        "signed": iss.signed,
        "source": "signed credential" if iss.signed
        else "unsigned issuer profile fetched at import (not covered by any signature)",
    }


def assessment_summary(view: CredentialView) -> dict[str, Any]:
    ach = view.achievement
    criteria = {"narrative": ach.criteria_narrative, "url": ach.criteria_url,
                "signed": ach.signed}
    has_criteria = bool(ach.criteria_narrative or ach.criteria_url)
    descriptions = [d for d in ach.result_descriptions if isinstance(d, dict)]
    results = [_result(r, descriptions) for r in view.results[:MAX_ITEMS] if isinstance(r, dict)]
    evidence = [_evidence(e) for e in view.evidence[:MAX_ITEMS] if isinstance(e, dict)]
    flags: list[str] = []
    if not has_criteria and not evidence and not results:
        flags.append(NO_ASSESSMENT)
    elif not evidence and not results:
        flags.append("criteria only: no evidence or results of an assessment")
    if any(r["meets_requirement"] is False for r in results):
        flags.append("a result is below its required level or value")
    if has_criteria and not ach.signed:
        flags.append("criteria come from an unsigned document fetched at import")
    level = "assessed" if (evidence or results) else "criteria only" if has_criteria else "none"
    return {
        "assessment": level,
        "flags": flags,
        "criteria": criteria,
        "evidence": evidence,
        "results": results,
        "activity": {"start": view.activity_start, "end": view.activity_end},
        "credits": {"earned": view.credits_earned, "available": ach.credits_available},
        "issuer": issuer_display(view),
    }
