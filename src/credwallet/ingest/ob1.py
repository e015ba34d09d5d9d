"""Open Badges 1.0 / 1.1 read in the Open Badges 2.0 model, the way the 1EdTech validator
upgrades them (pure functions: no material, no network).

Facts taken from 1EdTech/openbadges-validator-core @ 6fe7402 (Apache-2.0),
`openbadges/verifier/tasks/object_upgrades.py` and `tasks/graph.py`, and from the Open Badges 1.1
specification (1EdTech/openbadges-specification, `ob_v2p0/history/1.1-specification.md`):

* Version: a document naming the `https://w3id.org/openbadges/v1` context is 1.1; one with no
  context is 1.0 (0.5 when its `recipient` is a bare string: not supported here).
* 1.0 -> 1.1: an Assertion without `id` takes `verify.url` when hosted, `uid:<uid>` when
  signed; a BadgeClass or Issuer without `id` takes the URL it was fetched from (an Issuer is
  recognised by its `url`); `type` is set and `@context` becomes the v1 context.
* 1.1 -> 2.0: the document is compacted into the v2 context. For the terms the two contexts
  share, compaction keeps the names (v2 even aliases `verify` to `verification`); `IssuerOrg`
  becomes `Issuer`. Then `issuedOn` / `expires` given as Unix timestamps, dates or date-times
  without a zone become ISO 8601 date-times in UTC, and an alignment's `url` / `name` /
  `description` become `targetUrl` / `targetName` / `targetDescription`.

credwallet does not run a JSON-LD processor over 1.x documents (the v1 context is not bundled):
it applies exactly the renames above to the shared terms and keeps every other property as it
is, read by name like any OB 2.0 property. The 1.x `verify.url` is kept in `verification.url`.
"""

from __future__ import annotations

import copy
import re
from datetime import UTC, date, datetime
from typing import Any, Literal

OB1_CONTEXT = "https://w3id.org/openbadges/v1"
OB2_CONTEXT = "https://w3id.org/openbadges/v2"

Version = Literal["1.0", "1.1"]
Class = Literal["Assertion", "BadgeClass", "Issuer"]

_NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")
_PLAIN_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ALIGNMENT_RENAMES = (("url", "targetUrl"), ("name", "targetName"), ("description", "targetDescription"))


class UpgradeError(ValueError):
    """A 1.x document that cannot be read in the 2.0 model (one-line reason)."""


def _contexts(doc: dict[str, Any]) -> list[str]:
    ctx = doc.get("@context")
    items = ctx if isinstance(ctx, list) else [ctx]
    return [c.rstrip("/") for c in items if isinstance(c, str)]


def version_of(doc: dict[str, Any]) -> Version | None:
    """"1.1" (v1 context), "1.0" (no context), or None for anything else."""
    contexts = _contexts(doc)
    if OB1_CONTEXT in contexts and OB2_CONTEXT not in contexts:
        return "1.1"
    if "@context" not in doc:
        return "1.0"
    return None


def verify_object(doc: dict[str, Any]) -> tuple[str | None, str | None]:
    """(type, url) of a 1.x assertion's `verify` (lower-case type), each None when absent."""
    verify = doc.get("verify")
    if not isinstance(verify, dict):
        return None, None
    vtype, url = verify.get("type"), verify.get("url")
    return (vtype.lower() if isinstance(vtype, str) else None,
            url if isinstance(url, str) else None)


def upgrade_datetime(value: Any) -> str:
    """A 1.x date (Unix timestamp, plain date, date-time with or without zone) as an ISO 8601
    date-time; raises UpgradeError for anything else. Output as the validator writes it
    (`2017-07-19T00:22:10+00:00`)."""
    if isinstance(value, bool):
        raise UpgradeError(f"cannot read {value!r} as a date")
    try:
        if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.match(value)):
            return datetime.fromtimestamp(float(value), tz=UTC).isoformat()
        if isinstance(value, str) and _PLAIN_DATE.match(value.strip()):
            day = date.fromisoformat(value.strip())
            return datetime(day.year, day.month, day.day, tzinfo=UTC).isoformat()
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).isoformat()
    except (ValueError, OverflowError, OSError) as exc:
        raise UpgradeError(f"cannot read {str(value)[:60]!r} as a date") from exc
    raise UpgradeError(f"cannot read {str(value)[:60]!r} as a date")


def _is_datetime(value: Any) -> bool:
    """Already an ISO 8601 date-time with a zone (what 2.0 requires): left as it is."""
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).tzinfo is not None
    except ValueError:
        return False


def _upgrade_alignment(items: Any) -> Any:
    def one(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        out = dict(node)
        for old, new in _ALIGNMENT_RENAMES:
            if out.get(old) and not out.get(new):
                out[new] = out.pop(old)
        return out

    return [one(a) for a in items] if isinstance(items, list) else one(items)


def _to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """The 1.1 -> 2.0 step on the terms both contexts share (see the module docstring)."""
    out = {"@context": OB2_CONTEXT, **{k: v for k, v in data.items() if k != "@context"}}
    if "verify" in out and "verification" not in out:
        out["verification"] = out.pop("verify")
    types = out.get("type")
    if types == "IssuerOrg":
        out["type"] = "Issuer"
    elif isinstance(types, list):
        out["type"] = ["Issuer" if t == "IssuerOrg" else t for t in types]
    return out


def upgrade_assertion(doc: dict[str, Any]) -> dict[str, Any]:
    """A 1.0 / 1.1 assertion in the 2.0 model. Raises UpgradeError when the validator would
    refuse it too (no id to give it, an unreadable date)."""
    if version_of(doc) is None:
        raise UpgradeError("not an Open Badges 1.x document")
    data = copy.deepcopy(doc)
    if not isinstance(data.get("id"), str):
        vtype, url = verify_object(data)
        uid = data.get("uid")
        if vtype == "hosted" and url:
            data["id"] = url
        elif vtype == "signed" and isinstance(uid, str | int) and not isinstance(uid, bool):
            data["id"] = f"uid:{uid}"
        else:
            raise UpgradeError("cannot give the assertion an id: no hosted verify.url and no uid")
    data["type"] = "Assertion" if version_of(doc) == "1.0" else data.get("type", "Assertion")
    out = _to_v2(data)
    for key in ("issuedOn", "expires"):
        if key in out and out[key] is not None and not _is_datetime(out[key]):
            out[key] = upgrade_datetime(out[key])
    return out


def upgrade_linked(doc: dict[str, Any], fetched_from: str, expected: Class) -> dict[str, Any]:
    """A 1.x BadgeClass or Issuer fetched from `fetched_from`, in the 2.0 model.

    Without an `id` (1.0) it takes the URL it was fetched from; a 1.1 document keeps the id it
    declares (the verifier compares it with where it came from). `expected`: what the
    assertion's link says it is (a BadgeClass has `criteria`, an Issuer a `url`).
    """
    data = copy.deepcopy(doc)
    if not isinstance(data.get("id"), str):
        data["id"] = fetched_from
    if version_of(doc) == "1.0" or "type" not in data:
        data["type"] = expected
    out = _to_v2(data)
    if expected == "BadgeClass" and out.get("alignment"):
        out["alignment"] = _upgrade_alignment(out["alignment"])
    return out


def revoked_in(revocation_list: dict[str, Any], ids: set[str]) -> tuple[bool, str | None]:
    """(revoked?, reason) from a 1.x revocation list: a JSON object whose keys are the `uid`
    (or `id`) of revoked assertions and whose values are the reasons. A 2.0-style list
    (`revokedAssertions`) published by a 1.x issuer is read too."""
    for key in ids:
        if key in revocation_list and key not in ("@context", "id", "type", "issuer"):
            reason = revocation_list[key]
            return True, reason if isinstance(reason, str) else None
    listed = revocation_list.get("revokedAssertions")
    for item in listed if isinstance(listed, list) else []:
        ref = item if isinstance(item, str) else item.get("id") if isinstance(item, dict) else None
        uid = item.get("uid") if isinstance(item, dict) else None
        if ref in ids or uid in ids:
            reason = item.get("revocationReason") if isinstance(item, dict) else None
            return True, reason if isinstance(reason, str) else None
    return False, None
