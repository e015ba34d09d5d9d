"""Who a credential is for: the recipient rules, through verify_bytes on credentials signed here.

Open Badges 3.0 names its recipient by `credentialSubject.id` and/or `identifier` IdentityObjects
(OB 3.0 §B.1.14: identityHash, hashed, salt); Open Badges 2.0 by `recipient` (OB 2.0
IdentityObject: identity, hashed, salt; a hashed identity is `sha256$<hex>` or `md5$<hex>` of the
identity followed by the salt). E-mail addresses are matched case-insensitively, with or without
`mailto:`; DIDs, URLs and other identifiers are matched exactly. The recipient check never fails
a credential: it passes (the wallet's own identity) or warns.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jws
from joserfc.jwk import ECKey
from tests.verify.vutil import NOW, cached, signed_ob3

from credwallet.models import VerificationResult
from credwallet.verify import DictMaterial, EmptyMaterial, verify_bytes
from credwallet.verify.checks import recipient_check

SEED = bytes(range(40, 72))
EMAIL = "Learner@Example.org"  # as the wallet holds it: mixed case


def sha256(text: str) -> str:
    return "sha256$" + hashlib.sha256(text.encode()).hexdigest()


def md5(text: str) -> str:
    return "md5$" + hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


# --- Open Badges 3.0 / VC: credentialSubject.id and identifier --------------------------------


def ob3_for(subject: dict[str, Any]) -> bytes:
    """An OB 3.0 credential about `subject` (plus the usual achievement), signed with SEED."""
    full = {
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://example.com/achievements/rules",
            "type": ["Achievement"],
            "name": "Rules",
            "criteria": {"narrative": "Knows the rules."},
        },
        **subject,
    }
    return json.dumps(signed_ob3(SEED, credentialSubject=full)).encode()


def verify_ob3(subject: dict[str, Any], identities: list[str]) -> VerificationResult:
    result = verify_bytes(ob3_for(subject), now=NOW, material=EmptyMaterial(), identities=identities)
    # The rest of the credential is sound: only the recipient check is in question.
    assert result.check("proof").status == "passed", result.check("proof")
    assert result.check("schema").status == "passed", result.check("schema")
    return result


def identity_object(
    identity_hash: str, *, hashed: Any = True, salt: Any = None, kind: str = "emailAddress"
) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "type": "IdentityObject",
        "identityHash": identity_hash,
        "identityType": kind,
        "hashed": hashed,
    }
    if salt is not None:
        obj["salt"] = salt
    return obj


def recipient_of(result: VerificationResult) -> str:
    return result.check("recipient").status


def test_subject_id_names_the_recipient() -> None:
    subject = {"id": "did:example:learner-7"}
    assert recipient_of(verify_ob3(subject, ["did:example:learner-7"])) == "passed"
    assert recipient_of(verify_ob3(subject, ["did:example:learner-8"])) == "warning"


def test_hashed_identifier_with_salt() -> None:
    subject = {"identifier": [identity_object(sha256(EMAIL.lower() + "s4lt"), salt="s4lt")]}
    result = verify_ob3(subject, [EMAIL])
    assert recipient_of(result) == "passed" and result.verified
    # The same hash with the salt left off, or another salt, is someone else's.
    unsalted = {"identifier": [identity_object(sha256(EMAIL.lower() + "s4lt"))]}
    assert recipient_of(verify_ob3(unsalted, [EMAIL])) == "warning"
    other = {"identifier": [identity_object(sha256(EMAIL.lower() + "s4lt"), salt="pepper")]}
    assert recipient_of(verify_ob3(other, [EMAIL])) == "warning"


def test_identifier_hashed_flag_decides_how_it_is_compared() -> None:
    # hashed: true -> the value is a digest of the identity, never the identity itself.
    digest = {"identifier": [identity_object(sha256("did:example:pat"))]}
    assert recipient_of(verify_ob3(digest, ["did:example:pat"])) == "passed"
    # hashed: false -> the value is the identity in clear; a digest-looking value is not ours.
    clear = {"identifier": [identity_object("did:example:pat", hashed=False)]}
    assert recipient_of(verify_ob3(clear, ["did:example:pat"])) == "passed"
    as_clear = {"identifier": [identity_object(sha256("did:example:pat"), hashed=False)]}
    assert recipient_of(verify_ob3(as_clear, ["did:example:pat"])) == "warning"
    # A missing flag is not a hash either.
    unflagged = identity_object("did:example:pat")
    del unflagged["hashed"]
    assert recipient_of(verify_ob3({"identifier": [unflagged]}, ["did:example:pat"])) == "passed"


def test_every_identifier_and_subject_is_a_candidate() -> None:
    # One IdentityObject (not a list), after a subject id that is not the wallet's.
    single = {
        "id": "did:example:someone-else",
        "identifier": identity_object(sha256("student-0042"), kind="studentId"),
    }
    assert recipient_of(verify_ob3(single, ["student-0042"])) == "passed"
    # Several identifiers: the last one is the wallet's.
    several = {
        "identifier": [
            identity_object(sha256("student-0001"), kind="studentId"),
            {"type": "IdentityObject", "identityType": "name"},  # no hash: skipped
            identity_object(md5("student-0042"), kind="studentId"),
        ]
    }
    assert recipient_of(verify_ob3(several, ["student-0042"])) == "passed"
    assert recipient_of(verify_ob3(several, ["student-0043"])) == "warning"


def test_non_string_salt_counts_as_no_salt() -> None:
    subject = {"identifier": [identity_object(sha256("student-0042"), kind="studentId", salt=42)]}
    assert recipient_of(verify_ob3(subject, ["student-0042"])) == "passed"


def test_each_subject_object_is_a_candidate() -> None:
    # A subject that is not an object makes the credential malformed (schema), yet the subject
    # objects after it still say whom it is for.
    doc = signed_ob3(SEED, credentialSubject=["did:example:someone", {"id": "did:example:learner-7"}])
    result = verify_bytes(
        json.dumps(doc).encode(), now=NOW, material=EmptyMaterial(), identities=["did:example:learner-7"]
    )
    assert result.check("schema").status == "failed"
    assert recipient_of(result) == "passed"


def test_credential_without_recipient_warns() -> None:
    result = verify_ob3({}, ["did:example:learner-7"])
    assert recipient_of(result) == "warning" and result.verified


# --- e-mail and other identity forms (hashed: the exact bytes hashed matter) ----------------


@pytest.mark.parametrize(
    "hashed_form",
    [
        EMAIL,  # exactly as the wallet holds it
        EMAIL.lower(),  # e-mail addresses are case-insensitive
        "mailto:" + EMAIL,
        "mailto:" + EMAIL.lower(),
    ],
)
def test_hashed_email_in_any_of_its_forms_is_mine(hashed_form: str) -> None:
    subject = {"identifier": [identity_object(sha256(hashed_form))]}
    assert recipient_of(verify_ob3(subject, [EMAIL])) == "passed"


@pytest.mark.parametrize("hashed_form", [EMAIL.upper(), "mailto:" + EMAIL.upper(), "MAILTO:" + EMAIL])
def test_hashed_email_forms_that_are_not_canonical_do_not_match(hashed_form: str) -> None:
    subject = {"identifier": [identity_object(sha256(hashed_form))]}
    assert recipient_of(verify_ob3(subject, [EMAIL])) == "warning"


@pytest.mark.parametrize(
    "mine",
    [
        "urn:student:AB12",  # no @: not an e-mail address
        "did:example:Alice@Home",  # a DID with an @ is still a DID
        "https://example.org/people/Alice@Home",  # and so is a URL
        "http://example.org/people/Alice@Home",
    ],
)
def test_identifiers_other_than_email_are_exact(mine: str) -> None:
    assert recipient_of(verify_ob3({"identifier": [identity_object(sha256(mine))]}, [mine])) == "passed"
    for other in (mine.lower(), "mailto:" + mine, "mailto:" + mine.lower()):
        subject = {"identifier": [identity_object(sha256(other))]}
        assert recipient_of(verify_ob3(subject, [mine])) == "warning", other


@pytest.mark.parametrize("mine", ["did:example:Alice@Home", "https://example.org/p/Alice@Home"])
def test_clear_dids_and_urls_with_an_at_are_case_sensitive(mine: str) -> None:
    subject = {"identifier": [identity_object(mine.lower(), hashed=False, kind="identifier")]}
    assert recipient_of(verify_ob3(subject, [mine])) == "warning"
    subject = {"identifier": [identity_object(mine, hashed=False, kind="identifier")]}
    assert recipient_of(verify_ob3(subject, [mine])) == "passed"


def test_clear_email_is_case_insensitive() -> None:
    subject = {"identifier": [identity_object("Alice@Example.ORG", hashed=False)]}
    assert recipient_of(verify_ob3(subject, ["alice@example.org"])) == "passed"


def test_clear_identifiers_without_at_are_case_sensitive() -> None:
    subject = {"identifier": [identity_object("urn:student:ab12", hashed=False, kind="studentId")]}
    assert recipient_of(verify_ob3(subject, ["urn:student:AB12"])) == "warning"


@pytest.mark.parametrize(
    "identity_hash",
    [
        "sha1$" + hashlib.sha1(b"student-0042").hexdigest(),
        # A digest of the right identity under an algorithm the hash does not name.
        "sha512$" + hashlib.md5(b"student-0042", usedforsecurity=False).hexdigest(),
        "sha512$" + hashlib.sha256(b"student-0042").hexdigest(),
        "sha256",
        "sha256$",
        "$" + hashlib.sha256(b"student-0042").hexdigest(),
    ],
)
def test_unknown_or_empty_hashes_never_match(identity_hash: str) -> None:
    subject = {"identifier": [identity_object(identity_hash, kind="studentId")]}
    assert recipient_of(verify_ob3(subject, ["student-0042"])) == "warning"


def test_hash_algorithm_and_digest_are_case_insensitive() -> None:
    digest = hashlib.sha256(b"student-0042").hexdigest().upper()
    subject = {"identifier": [identity_object("SHA256$" + digest, kind="studentId")]}
    assert recipient_of(verify_ob3(subject, ["student-0042"])) == "passed"


def test_a_malformed_wallet_identity_does_not_hide_the_next_one() -> None:
    check = recipient_check([("did:example:pat", False, None)], [None, 7, "did:example:pat"])  # type: ignore[list-item]
    assert check.status == "passed"


@pytest.mark.parametrize(
    "candidate",
    [
        ("sha256$\ud800", True, None),
        ("sha256$" + hashlib.sha256(b"x").hexdigest(), True, "\udfff"),
        ("md5$caf\u00e9", True, "\u00e9"),
    ],
)
def test_lone_surrogates_and_non_ascii_hashes_only_fail_to_match(
    candidate: tuple[str, bool, str | None],
) -> None:
    # The parsing edge refuses lone surrogates; the check function is total on its own as well.
    assert recipient_check([candidate], ["x", "\ud800@example.org"]).status == "warning"


# --- Open Badges 2.0: recipient -----------------------------------------------------------

OB2 = "https://w3id.org/openbadges/v2"
SITE = "https://issuer.example"
KEY_URL = f"{SITE}/key.json"
PROFILE_URL = f"{SITE}/issuer.json"
BADGE_URL = f"{SITE}/badge.json"


@pytest.fixture(scope="module")
def ob2_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def ob2_material(key: ec.EllipticCurvePrivateKey) -> DictMaterial:
    pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return DictMaterial(
        {
            KEY_URL: cached(
                KEY_URL,
                {
                    "@context": OB2,
                    "type": "CryptographicKey",
                    "id": KEY_URL,
                    "owner": PROFILE_URL,
                    "publicKeyPem": pem,
                },
                kind="key",
            ),
            PROFILE_URL: cached(
                PROFILE_URL,
                {
                    "@context": OB2,
                    "type": "Issuer",
                    "id": PROFILE_URL,
                    "name": "Rules College",
                    "url": SITE,
                    "publicKey": KEY_URL,
                },
                kind="issuer",
            ),
            BADGE_URL: cached(
                BADGE_URL,
                {
                    "@context": OB2,
                    "type": "BadgeClass",
                    "id": BADGE_URL,
                    "name": "Rules",
                    "description": "Knows the rules.",
                    "image": f"{SITE}/badge.png",
                    "criteria": {"narrative": "Knows the rules."},
                    "issuer": PROFILE_URL,
                },
                kind="badgeclass",
            ),
        }
    )


def verify_ob2(
    key: ec.EllipticCurvePrivateKey,
    recipient: Any,
    identities: list[str],
) -> VerificationResult:
    """An OB 2.0 signed assertion (ES256 JWS) for `recipient`."""
    assertion: dict[str, Any] = {
        "@context": OB2,
        "type": "Assertion",
        "id": "urn:uuid:6d2c1c2e-8a43-4b5e-9a77-0b2000000001",
        "badge": BADGE_URL,
        "verification": {"type": "SignedBadge", "creator": KEY_URL},
        "issuedOn": "2025-03-01T00:00:00Z",
        "recipient": recipient,
    }
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    token = jws.serialize_compact(
        {"alg": "ES256"}, json.dumps(assertion).encode(), ECKey.import_key(pem), algorithms=["ES256"]
    )
    result = verify_bytes(token.encode(), now=NOW, material=ob2_material(key), identities=identities)
    assert result.check("proof").status == "passed", result.check("proof")
    assert result.check("key_binding").status == "passed", result.check("key_binding")
    return result


def test_ob2_plain_email_recipient(ob2_key: ec.EllipticCurvePrivateKey) -> None:
    recipient = {"type": "email", "hashed": False, "identity": "learner@example.org"}
    result = verify_ob2(ob2_key, recipient, [EMAIL])
    assert recipient_of(result) == "passed" and result.verified
    assert recipient_of(verify_ob2(ob2_key, recipient, ["other@example.org"])) == "warning"


def test_ob2_salted_hash_recipient(ob2_key: ec.EllipticCurvePrivateKey) -> None:
    recipient = {
        "type": "email",
        "hashed": True,
        "salt": "deadsea",
        "identity": sha256("learner@example.org" + "deadsea"),
    }
    assert recipient_of(verify_ob2(ob2_key, recipient, [EMAIL])) == "passed"
    assert recipient_of(verify_ob2(ob2_key, recipient, ["other@example.org"])) == "warning"
    unsalted = {**recipient, "identity": sha256("learner@example.org")}
    assert recipient_of(verify_ob2(ob2_key, unsalted, [EMAIL])) == "warning"


def test_ob2_non_string_salt_counts_as_no_salt(ob2_key: ec.EllipticCurvePrivateKey) -> None:
    recipient = {"type": "email", "hashed": True, "salt": 42, "identity": sha256("learner@example.org")}
    assert recipient_of(verify_ob2(ob2_key, recipient, [EMAIL])) == "passed"


def test_ob2_hashed_flag_is_honoured(ob2_key: ec.EllipticCurvePrivateKey) -> None:
    digest = sha256("learner@example.org")
    assert (
        recipient_of(verify_ob2(ob2_key, {"type": "email", "hashed": True, "identity": digest}, [EMAIL]))
        == "passed"
    )
    # Not hashed: the identity is compared as it stands, and a digest is not an address.
    assert (
        recipient_of(verify_ob2(ob2_key, {"type": "email", "hashed": False, "identity": digest}, [EMAIL]))
        == "warning"
    )


@pytest.mark.parametrize(
    "recipient",
    [
        None,
        "learner@example.org",
        ["learner@example.org"],
        {"type": "email", "identity": 7},
        {"type": "email", "hashed": False},
    ],
)
def test_ob2_assertion_without_a_usable_recipient_warns(
    ob2_key: ec.EllipticCurvePrivateKey, recipient: Any
) -> None:
    result = verify_ob2(ob2_key, recipient, [EMAIL, "learner@example.org"])
    assert recipient_of(result) == "warning"


def test_recipient_details_say_how_it_matched_and_what_was_compared() -> None:
    """The detail is what a holder reads when a credential is not recognised as theirs: it says
    whether a salted hash matched, and names (at most three of) the identities compared."""
    salt = "deadsea"
    digest = hashlib.sha256(("alice@example.org" + salt).encode()).hexdigest()
    hashed = recipient_check([(f"sha256${digest}", True, salt)], ["alice@example.org"])
    assert (hashed.status, hashed.detail) == ("passed", "recipient is salted hash of alice@example.org")
    plain = recipient_check([("alice@example.org", False, None)], ["alice@example.org"])
    assert (plain.status, plain.detail) == ("passed", "recipient is alice@example.org")
    none = recipient_check([("bob@example.org", False, None), (f"sha256${digest}", True, "other"),
                            ("carol@example.org", False, None), ("dave@example.org", False, None)],
                           ["alice@example.org"])
    assert none.status == "warning"
    assert none.detail == ("recipient (bob@example.org, a hashed identity, carol@example.org) "
                           "matches none of the wallet's identities")


def test_date_check_details_name_the_field() -> None:
    from credwallet.verify.checks import expiry_check, not_before_check

    assert not_before_check(None, "validFrom", NOW).detail == "no validFrom: valid from issuance"
    bad = not_before_check("soon", "validFrom", NOW)
    assert (bad.status, bad.detail) == ("failed", "validFrom 'soon' is not a valid date-time")
    worse = expiry_check("never", "validUntil", NOW)
    assert (worse.status, worse.detail) == ("failed", "validUntil 'never' is not a valid date-time")
    assert expiry_check(None, "validUntil", NOW).detail == "no expiration date"
