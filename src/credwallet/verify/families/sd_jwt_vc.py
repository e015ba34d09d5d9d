"""SD-JWT VC (draft-ietf-oauth-sd-jwt-vc over RFC 9901 SD-JWT), compact serialization.

* `proof`: the issuer-signed JWT verifies (the JOSE allow-list of `suites/jose.py`) with the
  issuer's key, and every Disclosure matches a digest the issuer signed (RFC 9901 7.1: no
  Disclosure twice, none unreferenced, no digest twice, no reserved or clashing claim names).
* `key_binding`: the key belongs to `iss`. Two mechanisms of the draft (section 2.5):
  - JWT VC Issuer Metadata (section 4): the document cached at import from
    `https://<host>/.well-known/jwt-vc-issuer/<path>` of an https `iss`, whose `issuer` is
    exactly `iss`, with `jwks` (or `jwks_uri`, also cached): bound.
  - `x5c`: the end-entity certificate's key checks the signature and the chain is checked as
    far as it goes (each certificate signed by the next, all valid at `now`), but credwallet
    has no X.509 trust anchors for credential issuers (no trusted list): nothing anchors the
    chain, so `key_binding` fails unless the issuer's metadata lists the same key.
  A DID `iss` (did:key, did:jwk, did:web) is resolved like a VC-JWT issuer: a mechanism of
  earlier drafts only, said so in the detail.
* `holder_binding`: the Key Binding JWT, when present (RFC 9901 7.3): `typ` `kb+jwt`, signed by
  `cnf.jwk`, `sd_hash` over the presented SD-JWT, `iat` not in the future, `nonce`/`aud`
  compared with the expected values when the caller has them. Absent: skipped (an SD-JWT as
  issued proves no holder).
* Dates from the processed payload (`nbf`, else `iat`; `exp`).
* `revocation`: `status.status_list` (IETF Token Status List), read by `verify/token_status.py`
  from the Status List Token cached at import, which must be signed by a key this module binds
  to the same `iss` (the same resolution as the credential's own key). Another status mechanism:
  a warning, never a pass.
* Type Metadata (`vct` resolution, `vct#integrity`) is not processed.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
from datetime import timedelta
from typing import Any

from credwallet.ingest import Recognised, sdjwt
from credwallet.models import Check, CheckName
from credwallet.verify import token_status
from credwallet.verify.checks import expiry_check, not_before_check, recipient_check
from credwallet.verify.dates import iso
from credwallet.verify.did_jwk import did_jwk_of, public_key_from_jwk
from credwallet.verify.env import Env, Outcome, format_check
from credwallet.verify.families.vc_jwt import epoch, jwt_key
from credwallet.verify.keys import KeyUnavailable, ResolvedKey
from credwallet.verify.material import Kind, cached_json
from credwallet.verify.suites import jose

FORMAT = "sd-jwt-vc"
TYPES = ("dc+sd-jwt", "vc+sd-jwt")  # vc+sd-jwt: drafts up to -05 of SD-JWT VC
# Registered claims SD-JWT VC section 2.2.2.3 forbids in Disclosures.
NEVER_DISCLOSED = ("iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "aka_vcts", "status")
MAX_X5C = 10
MAX_CERT = 16 * 1024
MAX_JWKS_KEYS = 32
CLOCK_SKEW = timedelta(minutes=5)


def _typ(header: dict[str, Any]) -> str | None:
    typ = header.get("typ")
    return typ.strip().lower().removeprefix("application/") if isinstance(typ, str) else None


def verify_sd_jwt_vc(rec: Recognised, env: Env) -> Outcome:
    checks = [
        format_check(FORMAT),
        Check(check=CheckName.CONTEXTS, status="skipped",
              detail="SD-JWT VC is plain JSON: no JSON-LD contexts"),
    ]
    try:
        sd = sdjwt.split(rec.raw.decode("ascii", "replace"))
    except sdjwt.SdJwtError as exc:
        checks += _unproven(f"malformed SD-JWT: {exc}")
        return Outcome(checks)
    processed: sdjwt.Processed | None = None
    disclosure_error: str | None = None
    try:
        processed = sdjwt.process(sd)
    except sdjwt.SdJwtError as exc:
        disclosure_error = str(exc)
    payload = processed.payload if processed is not None else sdjwt.disclosed_payload(sd)
    proof, binding, signer, suite = _issuer_signature(sd, env)
    if disclosure_error is not None and proof.status == "passed":
        proof = proof.but(status="failed", detail=f"{proof.detail}; but the disclosures are rejected: "
                          f"{disclosure_error}")
    elif processed is not None and proof.status == "passed":
        proof = proof.but(detail=f"{proof.detail}; {len(sd.disclosures)} disclosure(s), each matching a "
                          f"signed digest ({sdjwt.hash_name(sd.payload)})")
    checks += [proof, binding]
    checks += _dates(payload, env)
    checks.append(_status(payload, env))
    checks.append(_recipient(payload, env))
    checks.append(_schema(sd, processed, payload))
    if proof.status == "passed":
        checks.append(_key_binding_jwt(sd, payload, env))
    else:
        checks.append(Check(check=CheckName.HOLDER_BINDING, status="skipped",
                            detail="no verified issuer signature: its cnf key is nobody's word"))
    return Outcome(checks, signer, suite)


def _unproven(detail: str) -> list[Check]:
    return [
        Check(check=CheckName.PROOF, status="failed", detail=detail),
        Check(check=CheckName.KEY_BINDING, status="skipped", detail="no verified signature"),
    ]


# --- the issuer's signature and key ----------------------------------------------------


def _issuer_signature(sd: sdjwt.SdJwt, env: Env) -> tuple[Check, Check, str | None, str | None]:
    try:
        parsed = jose.parse_compact(sd.issuer_jwt)
    except jose.JwsError as exc:
        proof, binding = _unproven(f"issuer-signed JWT: {exc}")
        return proof, binding, None, None
    alg = str(parsed.header["alg"])
    suite = f"SD-JWT VC JWS {alg}"
    iss = sd.payload.get("iss") if isinstance(sd.payload.get("iss"), str) else None
    try:
        candidates, why_none = _issuer_keys(parsed.header, iss, env)
    except (KeyUnavailable, jose.JwsError) as exc:
        proof, binding = _unproven(f"JWS {alg}: {exc}")
        return proof, binding, None, suite
    if not candidates:
        proof, binding = _unproven(f"JWS {alg}: no issuer key: {why_none}")
        return proof, binding, None, suite
    errors: list[str] = []
    for key in candidates:
        try:
            ok = jose.verify_signature(parsed, key)
        except jose.JwsError as exc:
            errors.append(str(exc))
            continue
        if ok:
            proof = Check(check=CheckName.PROOF, status="passed",
                          detail=f"valid JWS {alg} signature by {key.vm_id} ({key.how})")
            return proof, _binding(key, iss), key.vm_id, suite
        errors.append(f"the signature does not verify with {key.vm_id}")
    proof, binding = _unproven(f"JWS {alg}: " + "; ".join(errors[:4]))
    return proof, binding, None, suite


def _binding(key: ResolvedKey, iss: str | None) -> Check:
    if key.bound_controller is not None and key.bound_controller == iss:
        return Check(check=CheckName.KEY_BINDING, status="passed",
                     detail=f"key {key.vm_id} is the issuer {iss}'s ({key.how})")
    why = "; ".join(key.notes) or "nothing binds it to the issuer"
    return Check(check=CheckName.KEY_BINDING, status="failed",
                 detail=f"key {key.vm_id} is not bound to the issuer {iss or '(no iss)'}: {why}")


def _issuer_keys(header: dict[str, Any], iss: str | None, env: Env) -> tuple[list[ResolvedKey], str]:
    """Candidate issuer keys, each saying what binds it (section 2.5 of the draft)."""
    if "x5c" in header:
        leaf = _x5c_key(header["x5c"], iss, env)
        listed, _ = _metadata_keys(iss, header, env)
        mine = jose.thumbprint(jose.public_jwk(leaf))
        for key in listed:
            if jose.thumbprint(jose.public_jwk(key)) == mine:
                key.how += "; the same key as the x5c end-entity certificate"
                return [key], ""
        return [leaf], ""
    if iss is None:
        return [], "the SD-JWT has neither iss nor x5c"
    if iss.startswith("https://"):
        return _metadata_keys(iss, header, env)
    if iss.startswith("did:"):
        key = jwt_key(header, iss, env, "assertionMethod")
        key.how += "; DID key resolution (earlier SD-JWT VC drafts; not a mechanism of the current draft)"
        return [key], ""
    return [], (f"iss {iss[:120]!r} is neither an https URL (JWT VC Issuer Metadata) nor a DID, "
                "and there is no x5c")


def _metadata_keys(iss: str | None, header: dict[str, Any], env: Env) -> tuple[list[ResolvedKey], str]:
    url = sdjwt.jwt_vc_issuer_metadata_url(iss)
    if url is None or iss is None:
        return [], f"iss {str(iss)[:120]!r} is not an https URL without query or fragment"
    held = cached_json(env.material, url, Kind.KEY, exact=True)
    meta = held.value
    if meta is None:
        return [], f"JWT VC Issuer Metadata {url} {held.problem}"
    if meta.get("issuer") != iss:
        return [], (f"JWT VC Issuer Metadata {url} names the issuer {str(meta.get('issuer'))[:120]!r}, "
                    f"not {iss}: it must not be used")
    source = f"JWT VC Issuer Metadata {url} (cached {held.as_of})"
    if ("jwks" in meta) == ("jwks_uri" in meta):
        return [], f"{source} must carry exactly one of jwks and jwks_uri"
    jwks: Any = meta.get("jwks")
    if "jwks_uri" in meta:
        uri = meta["jwks_uri"]
        if not isinstance(uri, str) or not uri.startswith("https://"):
            return [], f"{source}: jwks_uri is not an https URL"
        keys_held = cached_json(env.material, uri, Kind.KEY, exact=True)
        if keys_held.doc is None or keys_held.doc.http_status != 200:
            return [], f"{source}: its jwks_uri {uri} {keys_held.problem}"
        jwks = keys_held.value
        source += f", keys from {uri} (cached {keys_held.as_of})"
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list):
        return [], f"{source} has no JWK Set"
    kid = header.get("kid")
    chosen = [k for k in keys[:MAX_JWKS_KEYS]
              if isinstance(k, dict) and (kid is None or k.get("kid") == kid)]
    if not chosen:
        return [], f"{source} lists no key with kid {kid!r}"
    out: list[ResolvedKey] = []
    problems: list[str] = []
    for i, jwk in enumerate(chosen):
        label = f"{url}#{jwk.get('kid') if isinstance(jwk.get('kid'), str) else i}"
        try:
            key = public_key_from_jwk(jwk, label)
        except KeyUnavailable as exc:
            problems.append(str(exc))
            continue
        key.controller = key.bound_controller = iss
        key.how = source
        key.as_of = held.as_of
        out.append(key)
    return out, "; ".join(problems[:3])


def _x5c_key(x5c: list[str], iss: str | None, env: Env) -> ResolvedKey:
    """The end-entity certificate's key; the chain checked as far as it is self-consistent.

    Never bound: credwallet holds no X.509 trust anchors for credential issuers, so the chain
    proves nothing about who the issuer is (the note says exactly how far the chain checks).
    """
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature

    if len(x5c) > MAX_X5C:
        raise KeyUnavailable(f"x5c has more than {MAX_X5C} certificates")
    certs = []
    for i, text in enumerate(x5c):
        try:
            der = base64.b64decode(text, validate=True)  # RFC 7515 4.1.6: base64, not base64url
        except (binascii.Error, ValueError) as exc:
            raise KeyUnavailable(f"x5c certificate #{i + 1} is not base64") from exc
        if len(der) > MAX_CERT:
            raise KeyUnavailable(f"x5c certificate #{i + 1} is larger than {MAX_CERT} bytes")
        try:
            certs.append(x509.load_der_x509_certificate(der))
        except ValueError as exc:
            raise KeyUnavailable(f"x5c certificate #{i + 1} is not a DER X.509 certificate") from exc
    if not certs:
        raise KeyUnavailable("x5c is empty")
    leaf = certs[0]
    key = _key_of_certificate(leaf, f"x5c end-entity certificate ({leaf.subject.rfc4514_string()[:120]})")
    problems: list[str] = []
    for i in range(len(certs) - 1):
        try:
            certs[i].verify_directly_issued_by(certs[i + 1])
        except (ValueError, TypeError, InvalidSignature):
            problems.append(f"certificate #{i + 1} is not signed by certificate #{i + 2}")
    for i, cert in enumerate(certs, start=1):
        if not cert.not_valid_before_utc <= env.now <= cert.not_valid_after_utc:
            problems.append(f"certificate #{i} is not valid at {iso(env.now)} "
                            f"({iso(cert.not_valid_before_utc)} to {iso(cert.not_valid_after_utc)})")
    top = certs[-1]
    names = _san_names(leaf)
    matches = iss is not None and (iss in names["uri"] or _host(iss) in names["dns"])
    key.how = f"x5c end-entity certificate, chain of {len(certs)}"
    chain = ("; ".join(problems) if problems else
             f"the chain of {len(certs)} is self-consistent and valid at {iso(env.now)}")
    key.notes.append(
        f"{chain}; it ends at '{top.subject.rfc4514_string()[:160]}', which no trust anchor vouches for "
        "(credwallet holds no X.509 trust list for credential issuers)"
        + ("" if iss is None else
           f"; iss {iss} {'is' if matches else 'is not'} a subjectAltName of the end-entity certificate")
    )
    return key


def _key_of_certificate(cert: Any, vm_id: str) -> ResolvedKey:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = cert.public_key()
    if isinstance(public, ec.EllipticCurvePublicKey):
        key = ResolvedKey(vm_id=vm_id, ec=public)
        key.jwk = jose.public_jwk(key)
        return key
    if isinstance(public, rsa.RSAPublicKey):
        numbers = public.public_numbers()

        def b64(n: int) -> str:
            raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

        return ResolvedKey(vm_id=vm_id, jwk={"kty": "RSA", "n": b64(numbers.n), "e": b64(numbers.e)})
    if isinstance(public, ed25519.Ed25519PublicKey):
        return ResolvedKey(vm_id=vm_id, ed25519=public.public_bytes(Encoding.Raw, PublicFormat.Raw))
    raise KeyUnavailable(f"{vm_id}: unsupported public key type {type(public).__name__}")


def _san_names(cert: Any) -> dict[str, list[str]]:
    from cryptography import x509

    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return {"uri": [], "dns": []}
    return {
        "uri": san.get_values_for_type(x509.UniformResourceIdentifier),
        "dns": [d.lower() for d in san.get_values_for_type(x509.DNSName)],
    }


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "").lower() if url.startswith("https://") else ""


# --- claims ----------------------------------------------------------------------------


def _dates(payload: dict[str, Any], env: Env) -> list[Check]:
    out: list[Check] = []
    for claim in ("nbf", "iat"):
        if claim in payload:
            when = epoch(payload[claim])
            value = iso(when) if when is not None else repr(payload[claim])[:40]
            out.append(not_before_check(value, f"JWT {claim}", env.now))
            break
    else:
        out.append(not_before_check(None, "nbf", env.now))
    if "exp" in payload:
        when = epoch(payload["exp"])
        shown = iso(when) if when is not None else repr(payload["exp"])[:40]
        out.append(expiry_check(shown, "JWT exp", env.now))
    else:
        out.append(expiry_check(None, "exp", env.now))
    return out


def _status(payload: dict[str, Any], env: Env) -> Check:
    status = payload.get("status")
    if status is None:
        return Check(check=CheckName.REVOCATION, status="passed",
                     detail="the credential declares no status: the issuer cannot revoke it")
    if not isinstance(status, dict):
        return Check(check=CheckName.REVOCATION, status="failed", detail="the status claim is not an object")
    if "status_list" in status:
        iss = payload.get("iss") if isinstance(payload.get("iss"), str) else None

        def issuer_keys(header: dict[str, Any]) -> tuple[list[ResolvedKey], str]:
            return _issuer_keys(header, iss, env)

        return token_status.status_check(status["status_list"], iss, env.material, env.now, issuer_keys)
    named = ", ".join(sorted(str(k)[:40] for k in status)[:5]) or "(none)"
    return Check(check=CheckName.REVOCATION, status="warning",
                 detail=f"the status mechanism ({named}) is not supported; status not checked")


def _recipient(payload: dict[str, Any], env: Env) -> Check:
    candidates: list[tuple[str, bool, str | None]] = []
    if isinstance(payload.get("sub"), str):
        candidates.append((payload["sub"], False, None))
    cnf = payload.get("cnf")
    jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
    if isinstance(jwk, dict):
        # The holder key as a DID: a wallet identity that is this key is the recipient.
        with contextlib.suppress(ValueError, KeyError):
            candidates.append((did_jwk_of(jwk), False, None))
        if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519" and isinstance(jwk.get("x"), str):
            from credwallet.didkey import MultibaseError, did_key_from_public

            try:
                raw = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
                candidates.append((did_key_from_public(raw), False, None))
            except (binascii.Error, ValueError, MultibaseError):
                pass
    return recipient_check(candidates, env.identities)


def _schema(sd: sdjwt.SdJwt, processed: sdjwt.Processed | None, payload: dict[str, Any]) -> Check:
    problems: list[str] = []
    notes: list[str] = []
    typ = _typ(sd.header)
    if typ not in TYPES:
        problems.append(f"typ is {str(sd.header.get('typ'))[:40]!r}, not dc+sd-jwt")
    elif typ == "vc+sd-jwt":
        notes.append("typ vc+sd-jwt (SD-JWT VC drafts up to -05)")
    if not isinstance(payload.get("vct"), str):
        problems.append("vct is missing or not a string")
    if "iss" in payload and not isinstance(payload["iss"], str):
        problems.append("iss is not a string")
    if "iss" not in payload and "x5c" not in sd.header:
        problems.append("neither iss nor an x5c header names the issuer")
    if "cnf" in payload and not isinstance(payload["cnf"], dict):
        problems.append("cnf is not an object")
    for claim in ("iat", "nbf", "exp"):
        if claim in payload and epoch(payload[claim]) is None:
            problems.append(f"{claim} is not a NumericDate")
    if processed is not None:
        hidden = sorted({p.split("/")[1] for p in processed.disclosed if p.count("/") >= 1}
                        & set(NEVER_DISCLOSED))
        if hidden:
            problems.append(f"{', '.join(hidden)} must not be selectively disclosed")
    if problems:
        return Check(check=CheckName.SCHEMA, status="failed", detail="; ".join(problems))
    extra = f" ({'; '.join(notes)})" if notes else ""
    return Check(check=CheckName.SCHEMA, status="passed", detail=f"SD-JWT VC claims well formed{extra}")


def _key_binding_jwt(sd: sdjwt.SdJwt, payload: dict[str, Any], env: Env) -> Check:
    name = CheckName.HOLDER_BINDING
    if sd.kb_jwt is None:
        return Check(check=name, status="skipped",
                     detail="no key binding JWT: an SD-JWT as issued proves no holder")

    def failed(why: str) -> Check:
        return Check(check=name, status="failed", detail=f"key binding JWT: {why}")

    try:
        parsed = jose.parse_compact(sd.kb_jwt)
    except jose.JwsError as exc:
        return failed(str(exc))
    if _typ(parsed.header) != "kb+jwt":
        return failed(f"typ is {str(parsed.header.get('typ'))[:40]!r}, not kb+jwt")
    cnf = payload.get("cnf")
    jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
    if not isinstance(jwk, dict):
        return failed("the credential has no cnf.jwk (other confirmation methods are not supported)")
    try:
        key = public_key_from_jwk(jwk, "the holder key (cnf.jwk)")
        ok = jose.verify_signature(parsed, key)
    except (KeyUnavailable, jose.JwsError) as exc:
        return failed(str(exc))
    if not ok:
        return failed("the signature does not verify with the cnf.jwk key")
    claims = parsed.payload
    iat = epoch(claims.get("iat"))
    if iat is None:
        return failed("iat is missing or not a NumericDate")
    if iat > env.now + CLOCK_SKEW:
        return failed(f"issued in the future ({iso(iat)}, checked at {iso(env.now)})")
    expected = sdjwt.digest(sd.presented, sdjwt.hash_name(sd.payload))
    if claims.get("sd_hash") != expected:
        return failed("sd_hash does not match the presented SD-JWT")
    nonce, aud = claims.get("nonce"), claims.get("aud")
    if not isinstance(nonce, str) or not isinstance(aud, str):
        return failed("nonce and aud must be strings")
    for label, got, want in (("nonce", nonce, env.challenge), ("aud", aud, env.domain)):
        if want is not None and got != want:
            return failed(f"{label} {got[:80]!r} is not the expected {want[:80]!r}")
    seen = ", ".join(
        f"{label} {got[:80]!r}" + ("" if want is not None else " (no expected value)")
        for label, got, want in (("nonce", nonce, env.challenge), ("aud", aud, env.domain))
    )
    return Check(check=name, status="passed",
                 detail=f"the holder signed with the cnf key at {iso(iat)} over this presentation; {seen}")
