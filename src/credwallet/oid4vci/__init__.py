"""Receiving credentials over OpenID for Verifiable Credential Issuance 1.0 (OID4VCI).

The protocol logic, free of the terminal and of httpx: every request goes through the `Http`
interface (`http.py`), which `credwallet.fetch.oid4vci_http` implements under the network rules
of `fetch/`; everything that needs the person at the keyboard (a transaction code, a browser)
goes through `flow.Interaction`, which the CLI implements.

    offer.py       credential offers: the link forms, by value and by reference
    metadata.py    issuer and authorization server metadata, signed metadata
    grants.py      token requests: pre-authorized code (+ tx_code), authorization code + PKCE
    proof.py       the holder's keys and `openid4vci-proof+jwt` proofs of possession
    credential.py  credential, nonce and notification endpoints
    deferred.py    deferred issuance: what is kept, and resuming it
    binding.py     is a received credential bound to the holder?
    qr.py          a QR code image -> the text it holds
    flow.py        the whole flow, step by step
"""
