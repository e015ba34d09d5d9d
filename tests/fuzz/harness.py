"""The fuzzing harness of issue #17: one target per parser or command that takes outside input.

A target is a function of bytes that exercises one entry point the way the product does, with
its seeds and a mutator that keeps inputs meaningful (JSON structure, JWT parts, PNG chunks,
SVG markup, zip entries). The invariant (`check`): a target returns, or raises a
CredwalletError whose exit code is in the contract (docs/cli.md), never another exception,
within a time budget and a memory cap.

The `resigned-*` targets sign the mutated credential again before verifying it (Ed25519 Data
Integrity with `credwallet.verify.sign_data_integrity`, ECDSA P-256 Data Integrity, and VC-JWT /
SD-JWT with EdDSA, ES256 and RS256 through joserfc), so a mutation reaches the date, status,
schema, key-binding and holder-binding checks behind the signature instead of stopping at
"signature does not verify". Their inputs start with one line naming the key and suite
(`eddsa-rdfc-2022`, `ES256`, `SD-JWT`, ...); the placeholder `did:example:ISSUER` in the rest
is replaced by the DID of that key, `did:example:ISSUER#key` by its verification method.

Used by tests/fuzz/test_harness.py (a short derandomized hypothesis budget in CI, and a replay
of tests/fuzz/corpus/) and by benchmarks/fuzz.py (a long run, coverage-guided with atheris
when it is installed). Nothing here touches the network: fetch targets answer from an
in-memory transport. `python -m tests.fuzz.harness --list` lists the targets.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import io
import json
import os
import random
import re
import struct
import sys
import tempfile
import time
import traceback
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from credwallet.errors import CredwalletError

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
VECTORS = REPO / "tests" / "vectors"
CORPUS = HERE / "corpus"
FINDINGS = HERE / "findings"

NOW = datetime(2026, 6, 1, tzinfo=UTC)
CREATED = datetime(2025, 1, 1, tzinfo=UTC)
CLEAN_CODES = frozenset({1, 2, 3, 4, 5, 6, 130})
TIME_BUDGET_S = 5.0
MEMORY_CAP = 512 * 1024 * 1024
PASSPHRASE = "fuzz passphrase"
PLACEHOLDER = "did:example:ISSUER"
V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
WEB_DID = "did:web:issuer.example"
WEB_DID_URL = "https://issuer.example/.well-known/did.json"
STATUS_URL = "https://status.example/list"


class Skip(Exception):
    """The harness itself could not build the input (a signer refused the mutated document)."""


class Hang(BaseException):
    """A target ran past its time budget (BaseException: product code catching Exception
    must not swallow it)."""


# --- the invariant ------------------------------------------------------------------------------


@dataclass
class Finding:
    target: str
    kind: str  # "exception", "exit-code", "timeout", "memory", "no-message"
    summary: str  # one line: exception type, innermost frames, message
    data: bytes
    trace: str = ""

    @property
    def signature(self) -> str:
        """What two findings of the same bug share (not the message: it names the input)."""
        return f"{self.target}|{self.kind}|{self.summary.split(': ', 1)[0]}"

    def write(self, directory: Path = FINDINGS) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(self.data).hexdigest()[:12]
        path = directory / f"{self.target}-{digest}.bin"
        path.write_bytes(self.data)
        path.with_suffix(".txt").write_text(
            f"target: {self.target}\nkind: {self.kind}\nsummary: {self.summary}\n"
            f"replay: python -m tests.fuzz.harness --replay "
            f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path} "
            f"--target {self.target}\n\n{self.trace}", encoding="utf-8")
        return path


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "credwallet" in f.filename] or frames
    return " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in ours[-1:-4:-1])


def _alarm(signum: int, frame: Any) -> None:
    raise Hang()


def check(target: Target, data: bytes, *, seconds: float = TIME_BUDGET_S,
          memory_cap: int | None = None) -> Finding | None:
    """Run `target` on `data`; a Finding when the invariant breaks, else None."""
    import signal

    memory = memory_cap is not None and not tracemalloc.is_tracing()
    if memory:
        tracemalloc.start()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    finding: Finding | None = None
    try:
        target.run(data)
    except Skip:
        pass
    except CredwalletError as exc:
        if exc.exit_code not in CLEAN_CODES:
            finding = Finding(target.name, "exit-code",
                              f"{type(exc).__name__} exit {exc.exit_code}: {exc.message[:200]}", data)
        elif not isinstance(exc.message, str) or not exc.message:
            finding = Finding(target.name, "no-message", f"{type(exc).__name__} has no message", data)
    except Hang:
        finding = Finding(target.name, "timeout", f"Timeout after {seconds} s", data)
    except RecursionError as exc:
        finding = Finding(target.name, "exception", f"RecursionError at {_where(exc)}: {exc}", data)
    except BaseException as exc:  # the point of the invariant: nothing else may escape
        if isinstance(exc, KeyboardInterrupt):
            raise
        text = str(exc).replace("\n", " ")[:200]
        finding = Finding(target.name, "exception", f"{type(exc).__name__} at {_where(exc)}: {text}",
                          data, "".join(traceback.format_exception(exc, limit=-25)))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        # None: a handler installed outside Python (libFuzzer's); put the default back.
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        if memory:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    elapsed = time.monotonic() - started
    if finding is None and elapsed > seconds:  # a slow C call the alarm could not interrupt
        finding = Finding(target.name, "timeout", f"Timeout: {elapsed:.1f} s (budget {seconds} s)", data)
    if finding is None and memory and memory_cap is not None and peak > memory_cap:
        finding = Finding(target.name, "memory",
                          f"Memory: peak {peak // 2**20} MiB (cap {memory_cap // 2**20} MiB)", data)
    return finding


# --- JSON helpers: a serializer that can write duplicate keys and raw numbers -------------------


class Dup:
    """An object written with repeated keys (`pairs` may name one key twice)."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        self.pairs = pairs


class Raw:
    """A JSON token written verbatim (`1e400`, `NaN`, 400 digits)."""

    def __init__(self, text: str) -> None:
        self.text = text


def dumps(value: Any) -> str:
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Dup):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dumps(v)}" for k, v in value.pairs) + "}"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    if isinstance(value, float) and value != value:
        return "NaN"
    return json.dumps(value)


def loads_loose(data: bytes | str) -> Any:
    """JSON as Python reads it (duplicates: last wins), or a Skip."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        raise Skip() from None


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- mutators -----------------------------------------------------------------------------------

Mutator = Callable[[bytes, random.Random], bytes]

ODD_VALUES: list[Any] = [
    None, True, False, 0, -1, 1, 2**53 + 1, 2**64, -(2**63), 1.5, 1e308, -0.0, "", " ", "\x00",
    "\u202e", "\ud800", "\udfff", "𝔘", "x" * 3000, [], {}, [None], {"": None}, {"@value": "x"},
    {"id": None}, {"@id": "_:b0"}, "urn:uuid:", "did:", "did:key:", "did:key:z6Mk", "did:web:",
    "did:web:issuer.example%3A0", "did:jwk:e30", "https://", "http://127.0.0.1/", "data:,",
    "#key-1", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2024-02-30T00:00:00Z",
    "2026-06-01T00:00:00+14:00", "2026-06-01", "2030-01-01T00:00:00.123456789Z", "1e999",
    "VerifiableCredential", "VerifiablePresentation", "OpenBadgeCredential", "ClrCredential",
    "BitstringStatusListEntry", "StatusList2021Entry", "1EdTechRevocationList", "Assertion",
    "DataIntegrityProof", "EnvelopedVerifiableCredential", "assertionMethod", "authentication",
    V2, OB3, "https://www.w3.org/2018/credentials/v1", "https://w3id.org/openbadges/v2",
    Raw("1e400"), Raw("-1e400"), Raw("1" * 400), Raw("NaN"), Raw("Infinity"), Raw("1E-400"),
]
KEYS = [
    "@context", "id", "type", "@type", "issuer", "name", "description", "validFrom", "validUntil",
    "issuanceDate", "expirationDate", "credentialSubject", "proof", "credentialStatus",
    "credentialSchema", "evidence", "endorsement", "endorsementJwt", "image", "holder",
    "verifiableCredential", "achievement", "creditsEarned", "result", "statusListIndex",
    "statusListCredential", "statusPurpose", "encodedList", "verificationMethod", "controller",
    "assertionMethod", "publicKeyMultibase", "publicKeyJwk", "cryptosuite", "proofValue",
    "challenge", "domain", "created", "expires", "previousProof", "@id", "@graph", "@included",
    "@reverse", "@nest", "@protected", "@vocab", "@base", "@import", "@propagate", "@version",
    "iss", "sub", "nbf", "exp", "iat", "jti", "vc", "vp", "cnf", "vct", "_sd", "_sd_alg", "...",
    "kid", "alg", "typ", "crit", "jwk", "x5c", "b64", "badge", "recipient", "verification",
    "revocationList", "revokedAssertions", "issuedOn", "hashed", "salt", "identity",
]
CONTEXT_GAMES: list[Any] = [
    None, [], V2, [V2], [V2, OB3], [V2, OB3, OB3, OB3], [V2] * 70, [OB3, V2],
    [V2, {"@vocab": "https://evil.example/#"}], [V2, {"name": "https://evil.example/name"}],
    [V2, {"@protected": True, "name": {"@id": "https://evil.example/n", "@type": "@json"}}],
    [V2, {"@version": 1.1, "@import": "https://evil.example/ctx"}],
    [V2, {"type": "@id"}], [V2, {"@context": {"@context": V2}}], [V2, None, OB3],
    [V2, "https://unknown.example/ctx.jsonld"], [V2, {"VerifiableCredential": None}],
    [V2, {"@base": "http://[::1]/"}], [V2, {"x": {"@id": "@type"}}], [V2, {"@propagate": False}],
    [V2, {"credentialSubject": {"@id": "https://evil.example/s", "@context": {"@vocab": "x:"}}}],
    "https://www.w3.org/2018/credentials/v1", [V2, {"@language": "xx", "@direction": "rtl"}],
    [V2, 5], {"@vocab": "https://example.org/"},
]


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    out = [(path, value)]
    if len(path) > 40:
        return out
    if isinstance(value, dict):
        for k, v in value.items():
            out += _nodes(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _nodes(v, (*path, i))
    return out


def _set(root: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    parent = root
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new
    return root


def mutate_json_value(value: Any, rng: random.Random, donors: list[Any] | None = None) -> Any:
    """One structural mutation of a parsed JSON value (returns the new root)."""
    value = copy.deepcopy(value)
    nodes = _nodes(value)
    path, node = rng.choice(nodes)
    op = rng.randrange(16)
    if op == 0 and isinstance(node, dict) and node:  # drop a key
        node.pop(rng.choice(list(node)))
    elif op == 1 and isinstance(node, dict) and node:  # duplicate a key, the copy changed
        k = rng.choice(list(node))
        pairs = [*node.items(), (k, rng.choice(ODD_VALUES))]
        if rng.random() < 0.5:
            pairs.reverse()
        return _set(value, path, Dup(pairs))
    elif op == 2:  # retype
        return _set(value, path, rng.choice(ODD_VALUES))
    elif op == 3:  # wrap: list of it, object around it, or deep nesting
        depth = rng.choice([1, 1, 2, 40, 63, 64, 65, 100])
        new = node
        for _ in range(depth):
            new = [new] if rng.random() < 0.5 else {"@value": new} if depth < 3 else [new]
        return _set(value, path, new)
    elif op == 4 and isinstance(node, dict):  # add a known key with an odd value
        node[rng.choice(KEYS)] = rng.choice(ODD_VALUES) if rng.random() < 0.7 else copy.deepcopy(
            rng.choice(nodes)[1])
    elif op == 5 and isinstance(value, dict):  # @context games
        target = node if isinstance(node, dict) else value
        target["@context"] = copy.deepcopy(rng.choice(CONTEXT_GAMES))
    elif op == 6 and isinstance(node, list) and node:  # reorder / repeat / truncate a list
        choice = rng.randrange(4)
        if choice == 0:
            rng.shuffle(node)
        elif choice == 1:
            node.extend(copy.deepcopy(node) * rng.choice([1, 3, 200]))
        elif choice == 2:
            del node[rng.randrange(len(node)):]
        else:
            node.insert(rng.randrange(len(node) + 1), rng.choice(ODD_VALUES))
    elif op == 7 and isinstance(node, str):  # string edits
        choice = rng.randrange(6)
        if choice == 0:
            new_s = node + rng.choice(["#", "/", "?x=1", "%00", "\u0000", "\ud800", " ", "Z", "+25:00"])
        elif choice == 1:
            new_s = node[: rng.randrange(len(node) + 1)]
        elif choice == 2:
            new_s = node.upper()
        elif choice == 3:
            new_s = node * rng.choice([2, 50, 5000])
        elif choice == 4:
            new_s = re.sub(r"\d", lambda m: str(rng.randrange(10)), node)
        else:
            new_s = node.replace("https://", "http://").replace("did:key:", "did:web:")
        return _set(value, path, new_s)
    elif op == 8 and isinstance(node, int | float) and not isinstance(node, bool):
        return _set(value, path, rng.choice([node + 1, node - 1, -node, node * 2**40,
                                             Raw(str(node) + "0" * 400), str(node),
                                             -0.0 if node == 0 else 1 / node]))
    elif op == 9 and donors:  # crossover: a subtree of another seed
        donor_nodes = _nodes(rng.choice(donors))
        return _set(value, path, copy.deepcopy(rng.choice(donor_nodes)[1]))
    elif op == 10 and len(nodes) > 2:  # swap two subtrees
        other_path, other = rng.choice(nodes)
        if other_path[: len(path)] != path and path[: len(other_path)] != other_path:
            value = _set(value, path, copy.deepcopy(other))
    elif op == 11 and isinstance(node, dict) and node:  # rename a key
        k = rng.choice(list(node))
        v = node.pop(k)
        node[rng.choice([k.upper(), "@" + k, k + " ", rng.choice(KEYS), ""])] = v
    elif op == 12 and isinstance(node, dict):  # type games
        node["type"] = rng.choice([[], "VerifiablePresentation", ["VerifiableCredential"] * 3,
                                   ["VerifiableCredential", "ClrCredential"], ["Assertion"],
                                   ["VerifiableCredential", "EnvelopedVerifiableCredential"], 7])
    elif op == 13 and isinstance(node, str):  # dates
        return _set(value, path, rng.choice([
            "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", "2026-05-31T23:59:59Z",
            "2026-06-01T00:00:00-23:59", "1970-01-01T00:00:00Z", "2038-01-19T03:14:08Z",
            "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2026-13-01T00:00:00Z",
            "2026-06-01T24:00:00Z", "2026-06-01T00:00:60Z", "2026-W22", "20260601"]))
    elif op == 14 and isinstance(node, int | str) and not isinstance(node, bool):  # indexes
        return _set(value, path, rng.choice([0, 5, 131071, 131072, -1, "5", "0x5", "５", 2**31]))
    else:  # fall back: a retyped leaf somewhere
        leaf_path, _ = rng.choice(nodes)
        return _set(value, leaf_path, rng.choice(ODD_VALUES))
    return value


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    """Plain byte mutations, for when structure is not the point."""
    buf = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 4])):
        op = rng.randrange(7)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            buf[min(pos, len(buf) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            buf[pos:pos] = bytes([rng.randrange(256)]) * rng.choice([1, 1, 4, 100])
        elif op == 2:
            del buf[pos:pos + rng.choice([1, 4, 64])]
        elif op == 3:
            del buf[pos:]
        elif op == 4:
            buf[pos:pos] = rng.choice([b"{", b"}", b"[", b"]", b'"', b"\\u", b"\xff", b"\xef\xbb\xbf",
                                       b".", b"~", b"\x00", b"<", b"&", b"]]>", b"\r\n"])
        elif op == 5 and len(buf) > 2:
            a, b = sorted(rng.sample(range(len(buf)), 2))
            buf[pos:pos] = buf[a:b][:512]
        else:
            buf[pos:pos] = rng.choice([b"1e400", b"NaN", b"-0", b"null", b"true", b"[]", b"{}"])
    return bytes(buf)


def json_mutator(donors: Callable[[], list[Any]] | None = None) -> Mutator:
    def mutate(data: bytes, rng: random.Random) -> bytes:
        if rng.random() < 0.15:
            return mutate_bytes(data, rng)
        try:
            value = json.loads(data)
        except (ValueError, RecursionError):
            return mutate_bytes(data, rng)
        pool = donors() if donors is not None else None
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            value = mutate_json_value(value, rng, pool)
            if isinstance(value, Dup | Raw):
                break
        return dumps(value).encode("utf-8", "surrogatepass")
    return mutate


def with_prefix(inner: Mutator, variants: list[str]) -> Mutator:
    """Keep the first line (the key/suite/format selector); mutate the rest."""
    def mutate(data: bytes, rng: random.Random) -> bytes:
        head, _, body = data.partition(b"\n")
        if rng.random() < 0.05:
            head = rng.choice(variants).encode()
        return head + b"\n" + inner(body, rng)
    return mutate


def _mutate_json_text(text: str, rng: random.Random) -> str:
    return json_mutator()(text.encode("utf-8", "surrogatepass"), rng).decode("utf-8", "surrogatepass")


def mutate_jwt(data: bytes, rng: random.Random) -> bytes:
    """Mutate the header or payload of a compact JWS (or SD-JWT) as JSON, or its parts."""
    text = data.decode("ascii", "replace").strip()
    jwt, sep, rest = text.partition("~")
    parts = jwt.split(".")
    op = rng.randrange(10)
    if op < 6 and len(parts) == 3:
        i = 0 if op < 2 else 1
        try:
            decoded = b64url_decode(parts[i]).decode("utf-8")
            parts[i] = b64url(_mutate_json_text(decoded, rng).encode("utf-8", "surrogatepass"))
        except ValueError:
            parts[i] = b64url(mutate_bytes(parts[i].encode(), rng))
    elif op == 6:
        parts[-1] = rng.choice(["", parts[-1][:-2], parts[-1] + "AA", "A" * 4000, "===", parts[0]])
    elif op == 7:
        parts = rng.choice([parts[:2], [*parts, ""], [*parts, parts[-1]], parts[::-1],
                            [p + "=" for p in parts], [parts[0], "", parts[-1]]])
    elif op == 8 and sep:  # SD-JWT disclosures
        disclosures = rest.split("~")
        j = rng.randrange(len(disclosures))
        choice = rng.randrange(4)
        if choice == 0 and disclosures[j]:
            try:
                decoded = b64url_decode(disclosures[j]).decode("utf-8")
                disclosures[j] = b64url(_mutate_json_text(decoded, rng).encode("utf-8", "surrogatepass"))
            except ValueError:
                disclosures[j] = disclosures[j][::-1]
        elif choice == 1:
            disclosures.insert(j, disclosures[j])
        elif choice == 2:
            del disclosures[j]
        else:
            disclosures.append(rng.choice(["", "x", jwt, b64url(b'["s","n"]'), b64url(b"[]")]))
        rest = "~".join(disclosures)
    else:
        return mutate_bytes(data, rng)
    return (".".join(parts) + (sep + rest if sep else "")).encode("ascii", "replace")


# PNG


PNG_SIG = b"\x89PNG\r\n\x1a\n"


def png_chunk(ctype: bytes, body: bytes, *, crc: int | None = None, length: int | None = None) -> bytes:
    return (struct.pack(">I", len(body) if length is None else length) + ctype + body
            + struct.pack(">I", zlib.crc32(ctype + body) if crc is None else crc))


def _png_split(data: bytes) -> list[tuple[bytes, bytes]] | None:
    if not data.startswith(PNG_SIG):
        return None
    out, pos = [], len(PNG_SIG)
    while pos + 12 <= len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        if pos + 12 + n > len(data):
            return None
        out.append((data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]))
        pos += 12 + n
    return out


def _mutate_text_chunk(ctype: bytes, body: bytes, rng: random.Random) -> bytes:
    keyword, _, rest = body.partition(b"\0")
    if ctype == b"iTXt" and len(rest) >= 2:
        flag, method, tail = rest[:1], rest[1:2], rest[2:]
        lang, _, tail = tail.partition(b"\0")
        translated, _, text = tail.partition(b"\0")
        if flag == b"\x01":
            with contextlib.suppress(zlib.error):
                text = zlib.decompress(text)
        text = json_mutator()(text, rng) if text[:1] in b"{[" else mutate_bytes(text, rng)
        if rng.random() < 0.3:
            flag, text = b"\x01", zlib.compress(text)
        elif flag == b"\x01":
            text = zlib.compress(text)
        return keyword + b"\0" + flag + method + lang + b"\0" + translated + b"\0" + text
    return keyword + b"\0" + (json_mutator()(rest, rng) if rest[:1] in b"{[" else mutate_bytes(rest, rng))


def mutate_png(data: bytes, rng: random.Random) -> bytes:
    chunks = _png_split(data)
    if chunks is None or rng.random() < 0.1:
        return mutate_bytes(data, rng)
    op = rng.randrange(9)
    text_idx = [i for i, (t, _) in enumerate(chunks) if t in (b"tEXt", b"iTXt", b"zTXt")]
    raw_crc: dict[int, int] = {}
    raw_len: dict[int, int] = {}
    if op < 3 and text_idx:
        i = rng.choice(text_idx)
        chunks[i] = (chunks[i][0], _mutate_text_chunk(chunks[i][0], chunks[i][1], rng))
    elif op == 3 and chunks:
        del chunks[rng.randrange(len(chunks))]
    elif op == 4 and chunks:
        i = rng.randrange(len(chunks))
        chunks.insert(rng.randrange(len(chunks) + 1), chunks[i])
    elif op == 5:
        keyword = rng.choice([b"openbadges", b"openbadgecredential", b"OpenBadges", b"Comment"])
        payload = rng.choice([b"{}", b"https://example.org/assertion", b"a.b.c",
                              zlib.compress(b"\0" * 2**20), PNG_SIG + b"x"])
        ctype = rng.choice([b"tEXt", b"iTXt", b"zTXt"])
        body = (keyword + b"\0" + (b"\0\0\0\0" if ctype == b"iTXt" else b"\0" if ctype == b"zTXt" else b"")
                + payload)
        chunks.insert(rng.randrange(len(chunks) + 1), (ctype, body))
    elif op == 6 and chunks:
        i = rng.randrange(len(chunks))
        chunks[i] = (rng.choice([b"iTXt", b"tEXt", b"zTXt", b"IEND", b"IHDR", b"itxt", b"\0\0\0\0"]),
                     chunks[i][1])
    elif op == 7 and chunks:
        raw_crc[rng.randrange(len(chunks))] = rng.randrange(2**32)
    elif op == 8 and chunks:
        raw_len[rng.randrange(len(chunks))] = rng.choice([0, 2**31 - 1, 2**32 - 1, 13])
    out = PNG_SIG + b"".join(png_chunk(t, b, crc=raw_crc.get(i), length=raw_len.get(i))
                             for i, (t, b) in enumerate(chunks))
    if rng.random() < 0.05:
        out = out[: rng.randrange(len(out) + 1)]
    return out


# SVG

_SVG_PAYLOAD = re.compile(rb"(<openbadges:(?:credential|assertion)[^>]*>)(.*?)"
                          rb"(</openbadges:(?:credential|assertion)>)", re.DOTALL)


def mutate_svg(data: bytes, rng: random.Random) -> bytes:
    from html import escape, unescape

    op = rng.randrange(10)
    m = _SVG_PAYLOAD.search(data)
    if op < 4 and m:
        inner = m.group(2)
        cdata = inner.startswith(b"<![CDATA[")
        text = inner[9:-3] if cdata else unescape(inner.decode("utf-8", "replace")).encode()
        text = json_mutator()(text, rng) if text.strip()[:1] in b"{[" else mutate_jwt(text, rng)
        new = (b"<![CDATA[" + text.replace(b"]]>", b"") + b"]]>") if cdata or rng.random() < 0.3 else \
            escape(text.decode("utf-8", "replace"), quote=False).encode()
        return data[:m.start(2)] + new + data[m.end(2):]
    if op == 4 and m:  # a second payload element
        return data[:m.end()] + m.group(0) + data[m.end():]
    if op == 5:
        doctype = rng.choice([
            b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
            b'<!DOCTYPE svg SYSTEM "http://127.0.0.1:9/x.dtd">',
            b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>', b"<!DOCTYPE svg>"])
        at = data.find(b"<svg")
        return data[:max(at, 0)] + doctype + data[max(at, 0):]
    if op == 6:
        return rng.choice([
            data.replace(b"https://purl.imsglobal.org/ob/v3p0", b"http://openbadges.org"),
            data.replace(b"http://openbadges.org", b"https://purl.imsglobal.org/ob/v3p0"),
            data.replace(b"openbadges:", b"ob:").replace(b"xmlns:openbadges", b"xmlns:ob"),
            data.replace(b"<openbadges:assertion", b'<openbadges:assertion verify="https://example.org/a"'),
        ])
    if op == 7:
        decl = rng.choice([b'<?xml version="1.0" encoding="UTF-16"?>',
                           b'<?xml version="1.0" encoding="EBCDIC"?>',
                           b'<?xml version="1.1"?>', b"\xef\xbb\xbf", b"<!-- <svg -->", b"<?pi x?>"])
        return decl + data
    if op == 8:
        at = data.rfind(b"</svg>")
        if at > 0:
            depth = rng.choice([10, 99, 101, 2000])
            return data[:at] + b"<g>" * depth + b"</g>" * depth + data[at:]
    if op == 9 and rng.random() < 0.5:
        try:
            return data.decode("utf-8").encode(rng.choice(["utf-16", "utf-16-le", "latin-1"]), "replace")
        except UnicodeDecodeError:
            pass
    return mutate_bytes(data, rng)


# zip bundles and pages


def mutate_artifact(data: bytes, rng: random.Random) -> bytes:
    if data[:4] == b"PK\x03\x04" and rng.random() < 0.85:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                files = [(i.filename, archive.read(i)) for i in archive.infolist()]
        except Exception:
            return mutate_bytes(data, rng)
        op = rng.randrange(7)
        if op < 3 and files:
            names = [n for n, _ in files if n.endswith(".json")] or [n for n, _ in files]
            name = rng.choice(names)
            files = [(n, json_mutator()(b, rng) if n == name else b) for n, b in files]
        elif op == 3 and files:
            del files[rng.randrange(len(files))]
        elif op == 4:
            files.append((rng.choice(["../evil.json", "/abs.json", "presentation.json", "a/",
                                      "manifest.json", "x" * 300, "credentials/\u202e.json"]),
                          rng.choice([b"{}", b"", b"\0" * 1000])))
        elif op == 5 and files:
            i = rng.randrange(len(files))
            files[i] = (files[i][0], mutate_bytes(files[i][1], rng))
        else:
            out = bytearray(data)
            out[rng.randrange(len(out))] ^= 0xFF
            return bytes(out)
        buf = io.BytesIO()
        method = rng.choice([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
        import warnings

        with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", method) as archive:
            warnings.simplefilter("ignore")  # duplicate names are the point
            for name, body in files:
                archive.writestr(name, body)
        return buf.getvalue()
    start = data.find(b'id="credwallet-presentation">')
    end = data.find(b"</script>", start)
    if start > 0 and end > 0 and rng.random() < 0.8:
        start += len(b'id="credwallet-presentation">')
        if rng.random() < 0.2:
            return data[:end + 9] + data[start - 80:end + 9] + data[end + 9:]
        return data[:start] + json_mutator()(data[start:end], rng) + data[end:]
    return mutate_bytes(data, rng)


# wallet files


def mutate_wallet_file(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n", 2)
    if len(lines) == 3 and rng.random() < 0.7:
        magic, header, rest = lines
        op = rng.randrange(5)
        if op < 3:
            header = json_mutator()(header, rng)
            if rng.random() < 0.5:  # canonical again, so the mutation reaches the next check
                with contextlib.suppress(ValueError, RecursionError):
                    header = json.dumps(json.loads(header), sort_keys=True, separators=(",", ":"),
                                        ensure_ascii=True).encode()
        elif op == 3:
            magic = rng.choice([b"credwallet/v2", b"credwallet/v01", b"credwallet/v", b"credwallet/v1 ",
                                b"credwallet/v99999999999999999999"])
        else:
            rest = mutate_bytes(rest, rng)
        return magic + b"\n" + header + b"\n" + rest
    return mutate_bytes(data, rng)


# pathways


def mutate_pathway(data: bytes, rng: random.Random) -> bytes:
    head, _, body = data.partition(b"\n")
    fmt = head.decode("ascii", "replace")
    if fmt in (".json", ".jsonld") and rng.random() < 0.85:
        return head + b"\n" + json_mutator()(body, rng)
    if fmt in (".yaml", ".yml") and rng.random() < 0.7:
        import yaml

        try:
            value = yaml.safe_load(body)
            value = mutate_json_value(json.loads(json.dumps(value, default=str)), rng)
            if isinstance(value, Dup | Raw):
                raise ValueError
            text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False).encode()
        except Exception:
            text = mutate_bytes(body, rng)
        if rng.random() < 0.2:
            text = rng.choice([b"x: &a [*a]\n", b"!!python/name:os.system\n", b"? [a]\n: b\n",
                               b"<<: {name: 1}\n", b"%YAML 1.1\n---\n", b"---\n---\n"]) + text
        return head + b"\n" + text
    if fmt == ".toml" and rng.random() < 0.7:
        lines = body.split(b"\n")
        i = rng.randrange(len(lines))
        op = rng.randrange(5)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2:
            lines.insert(i, rng.choice([b"[[requirements]]", b"count = 1e400", b"count = -1",
                                        b'name = "\\ud800"', b"credits = inf", b"of = []",
                                        b"[[requirements.of]]", b"type = 5", b'min_credits = "x"',
                                        b"a = " + b"[" * 60 + b"]" * 60, b"x = 1979-05-27T07:32:00Z"]))
        elif op == 3:
            lines[i] = re.sub(rb"\d+", lambda _m: str(rng.choice([0, -1, 10**20, 2**63])).encode(),
                              lines[i])
        else:
            lines[i] = lines[i].replace(b'"', b"'", 1)
        return head + b"\n" + b"\n".join(lines)
    return head + b"\n" + mutate_bytes(body, rng)


# --- keys and material for the re-signing targets ---------------------------------------------


@dataclass
class Keys:
    ed_seed: bytes
    ed_did: str
    ed_vm: str
    ec: Any  # cryptography EC private key (P-256)
    ec_jwk: dict[str, str]
    rsa: Any  # cryptography RSA private key (2048)
    rsa_jwk: dict[str, str]
    holder_ec: Any
    holder_jwk: dict[str, str]

    def did_jwk(self, jwk: dict[str, str]) -> str:
        return "did:jwk:" + b64url(json.dumps(jwk, separators=(",", ":")).encode())


def _ec_jwk(key: Any) -> dict[str, str]:
    n = key.public_key().public_numbers()
    return {"kty": "EC", "crv": "P-256", "x": b64url(n.x.to_bytes(32, "big")),
            "y": b64url(n.y.to_bytes(32, "big"))}


@cache
def keys() -> Keys:
    import nacl.signing
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    from credwallet.didkey import did_key_from_public, verification_method_id

    seed = hashlib.sha256(b"credwallet fuzz issuer").digest()
    did = did_key_from_public(bytes(nacl.signing.SigningKey(seed).verify_key))
    ec_key = ec.derive_private_key(int.from_bytes(hashlib.sha256(b"ec").digest(), "big") >> 8,
                                   ec.SECP256R1())
    holder = ec.derive_private_key(int.from_bytes(hashlib.sha256(b"holder").digest(), "big") >> 8,
                                   ec.SECP256R1())
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rn = rsa_key.public_key().public_numbers()
    rsa_jwk = {"kty": "RSA", "n": b64url(rn.n.to_bytes(256, "big")), "e": b64url(rn.e.to_bytes(3, "big"))}
    return Keys(seed, did, verification_method_id(did), ec_key, _ec_jwk(ec_key), rsa_key, rsa_jwk,
                holder, _ec_jwk(holder))


def _encoded_list(revoked: set[int]) -> str:
    bits = bytearray(16 * 1024)
    for i in revoked:
        bits[i // 8] |= 0x80 >> (i % 8)
    import gzip

    return "u" + b64url(gzip.compress(bytes(bits), mtime=0))


@cache
def _material_docs() -> dict[str, bytes]:
    """Documents a verifier has cached: the did:web issuer's DID document and a status list."""
    from credwallet.didkey import ed25519_multikey
    from credwallet.verify import sign_data_integrity

    k = keys()
    import nacl.signing

    pub = bytes(nacl.signing.SigningKey(k.ed_seed).verify_key)
    did_doc = {"@context": ["https://www.w3.org/ns/did/v1"], "id": WEB_DID, "verificationMethod": [
        {"id": f"{WEB_DID}#ed", "type": "Multikey", "controller": WEB_DID,
         "publicKeyMultibase": ed25519_multikey(pub)},
        {"id": f"{WEB_DID}#ec", "type": "JsonWebKey", "controller": WEB_DID, "publicKeyJwk": k.ec_jwk},
        {"id": f"{WEB_DID}#rsa", "type": "JsonWebKey", "controller": WEB_DID, "publicKeyJwk": k.rsa_jwk}],
        "assertionMethod": [f"{WEB_DID}#ed", f"{WEB_DID}#ec", f"{WEB_DID}#rsa"],
        "authentication": [f"{WEB_DID}#ed"]}
    status = sign_data_integrity({
        "@context": [V2], "id": STATUS_URL, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": k.ed_did, "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": STATUS_URL + "#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation", "encodedList": _encoded_list({5})}},
        seed=k.ed_seed, verification_method=k.ed_vm, proof_purpose="assertionMethod", created=CREATED)
    return {WEB_DID_URL: json.dumps(did_doc).encode(), STATUS_URL: json.dumps(status).encode(),
            TOKEN_STATUS_URL: _token_status_list({3}).encode(),
            **{url: body for url, (_kind, body) in _ob1_docs().items()}}


TOKEN_STATUS_URL = "https://status.example/token-status-list"


def _token_status_list(revoked: set[int]) -> str:
    """An IETF Token Status List Token (JWT form, 1 bit per credential, ZLIB-compressed `lst`)
    signed by the SD-JWT VC issuer's key (the did:jwk of the harness's P-256 key)."""
    bits = bytearray(1024)
    for i in revoked:
        bits[i // 8] |= 1 << (i % 8)  # least significant bit first (draft section 4.1)
    k = keys()
    did = k.did_jwk(k.ec_jwk)
    claims = {"sub": TOKEN_STATUS_URL, "iat": int(CREATED.timestamp()), "ttl": 43200,
              "status_list": {"bits": 1, "lst": b64url(zlib.compress(bytes(bits), 9))}}
    return _sign_jws({"alg": "ES256", "typ": "statuslist+jwt", "kid": did + "#0"},
                     json.dumps(claims).encode(), k.ec)


# Open Badges 1.0 / 1.1: a hosted graph (assertion, BadgeClass, issuer, revocation list) and the
# PEM key of signed 1.x assertions, shaped after the 1EdTech validator's 1.x fixtures
# (tests/ingest/vectors/ob1).
OB1_SITE = "https://ob1.example"
OB1_ASSERTION = f"{OB1_SITE}/assertions/1.json"
OB1_ASSERTION_11 = f"{OB1_SITE}/assertions/11.json"
OB1_BADGE = f"{OB1_SITE}/badge.json"
OB1_ISSUER = f"{OB1_SITE}/issuer.json"
OB1_REVOKED = f"{OB1_SITE}/revoked.json"
OB1_KEY = f"{OB1_SITE}/key.pem"
OB1_CONTEXT = "https://w3id.org/openbadges/v1"


def ob1_assertion(version: str = "1.0", *, signed: bool = False, uid: str = "a1") -> dict[str, Any]:
    """A 1.0 (no context, no id) or 1.1 assertion, hosted at its URL or signed (verify.url: the key)."""
    url = OB1_ASSERTION if version == "1.0" else OB1_ASSERTION_11
    doc: dict[str, Any] = {
        "uid": uid, "recipient": {"type": "email", "hashed": False, "identity": "learner@example.org"},
        "badge": OB1_BADGE, "issuedOn": 1400000000, "expires": "2030-01-01",
        "evidence": f"{OB1_SITE}/work.html", "image": f"{OB1_SITE}/badge.png",
        "verify": {"type": "signed", "url": OB1_KEY} if signed else {"type": "hosted", "url": url}}
    if version == "1.1":
        doc = {"@context": OB1_CONTEXT, "type": "Assertion", "id": url if not signed else f"urn:uuid:{uid}",
               **doc, "issuedOn": "2016-12-31T23:59:59Z"}
        doc["recipient"] = {"type": "email", "hashed": True, "salt": "deadsea", "identity":
                            "sha256$" + hashlib.sha256(b"learner@example.orgdeadsea").hexdigest()}
    return doc


@cache
def _ob1_docs() -> dict[str, tuple[str, bytes]]:
    from cryptography.hazmat.primitives import serialization

    pem = keys().rsa.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    badge = {"name": "Legacy Robotics", "description": "Built a robot in 2014.",
             "image": f"{OB1_SITE}/badge.png", "criteria": f"{OB1_SITE}/criteria.html",
             "issuer": OB1_ISSUER, "alignment": [{"name": "Robots 101", "url": "https://std.example/r101"}]}
    issuer = {"name": "Legacy Academy", "url": OB1_SITE, "email": "badges@ob1.example",
              "revocationList": OB1_REVOKED}
    docs: dict[str, tuple[str, Any]] = {
        OB1_ASSERTION: ("assertion", ob1_assertion("1.0")),
        OB1_ASSERTION_11: ("assertion", ob1_assertion("1.1")),
        OB1_BADGE: ("badgeclass", badge), OB1_ISSUER: ("issuer", issuer),
        OB1_REVOKED: ("revocation_list", {"revoked-1": "Issued in error"}), OB1_KEY: ("pem_key", pem)}
    return {url: (kind, body if isinstance(body, bytes) else json.dumps(body).encode())
            for url, (kind, body) in docs.items()}


def material() -> Any:
    from credwallet.models import CachedDocument
    from credwallet.verify import DictMaterial

    kinds = {WEB_DID_URL: "did", STATUS_URL: "status_list", TOKEN_STATUS_URL: "token_status_list",
             **{url: kind for url, (kind, _body) in _ob1_docs().items()}}
    return DictMaterial({url: CachedDocument.make(url, kinds[url], body, CREATED)
                         for url, body in _material_docs().items()})


def _sign_jws(header: dict[str, Any], payload: bytes, key: Any) -> str:
    import warnings

    from joserfc import jws
    from joserfc.jwk import ECKey, OKPKey, RSAKey

    alg = header["alg"]
    if alg == "EdDSA":
        import nacl.signing

        sk = nacl.signing.SigningKey(key)
        jwk: Any = OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "d": b64url(bytes(sk)),
                                      "x": b64url(bytes(sk.verify_key))})
    elif alg == "ES256":
        jwk = ECKey.import_key(key)
    else:
        jwk = RSAKey.import_key(key)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return str(jws.serialize_compact(header, payload, jwk, algorithms=[alg]))
    except Exception:
        raise Skip() from None


def _placeholders(body: bytes, did: str, vm: str) -> bytes:
    body = body.replace(f"{PLACEHOLDER}#key".encode(), vm.encode())
    return body.replace(PLACEHOLDER.encode(), did.encode())


# --- targets ------------------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    doc: str
    run: Callable[[bytes], Any]
    seeds: Callable[[], list[bytes]]
    mutate: Mutator
    corpus_dirs: tuple[str, ...] = ()  # tests/fuzz/corpus/<dir>/ files replayed through `replay`
    replay: Callable[[Path], bytes] = field(default=lambda p: p.read_bytes())


def _verify(data: bytes, mat: Any = None, **kw: Any) -> Any:
    from credwallet.verify import EmptyMaterial, verify_bytes

    result = verify_bytes(data, now=NOW, material=mat if mat is not None else EmptyMaterial(), **kw)
    json.dumps(result.model_dump(mode="json"))  # what `verify --json` prints must serialise
    return result


def run_credential(data: bytes) -> Any:
    """`import` / `verify --file` of a file: recognise, describe, verify offline."""
    from credwallet.ingest.describe import view_of
    from credwallet.ingest.sniff import recognise

    rec = recognise(data, "fuzz")
    if rec.document is not None:
        json.dumps(view_of(rec.format, rec.document).model_dump(mode="json"))
    return _verify(data, material())


def _vector_files(*suffixes: str) -> list[Path]:
    return sorted(p for p in VECTORS.rglob("*") if p.is_file() and p.suffix in suffixes)


def _corpus_files(*dirs: str) -> list[Path]:
    return sorted(p for d in dirs if (CORPUS / d).is_dir() for p in (CORPUS / d).iterdir() if p.is_file())


def _small(paths: list[Path], limit: int = 256 * 1024) -> list[bytes]:
    return [p.read_bytes() for p in paths if p.stat().st_size <= limit]


@cache
def _json_seeds() -> list[bytes]:
    out = []
    for p in _vector_files(".json", ".jsonld"):
        if p.stat().st_size > 64 * 1024:
            continue
        try:
            value = json.loads(p.read_bytes())
        except ValueError:
            continue
        if isinstance(value, dict) and ("type" in value or "@type" in value) and (
                "issuer" in value or "badge" in value or "verifiableCredential" in value):
            out.append(p.read_bytes())
    # Open Badges 1.0 and 1.1 hosted assertions, their graph in the cached material.
    out += [json.dumps(ob1_assertion("1.0")).encode(), json.dumps(ob1_assertion("1.1")).encode(),
            json.dumps(ob1_assertion("1.0", uid="revoked-1")).encode()]
    return out


@cache
def _json_donors() -> list[Any]:
    return [json.loads(s) for s in _json_seeds()[:40]]


def _jwt_seeds() -> list[bytes]:
    out = [p.read_bytes().strip() for p in _vector_files(".jwt")]
    for body in resigned_jwt_inputs()[:3]:
        out.append(_build_jwt(body).encode())
    out.append(_build_sd_jwt(resigned_sd_jwt_inputs()[0]).encode())
    out += [_build_jwt(body).encode() for body in resigned_ob1_inputs()]  # signed OB 1.x
    return out


def _png_seeds() -> list[bytes]:
    out = _small(_vector_files(".png"), 512 * 1024)
    cred = resigned_di_inputs()[0].partition(b"\n")[2]
    k = keys()
    signed = _sign_di(json.loads(_placeholders(cred, k.ed_did, k.ed_vm)), "eddsa-jcs-2022")
    body = json.dumps(signed).encode()
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
    out.append(PNG_SIG + ihdr + png_chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0" + body)
               + png_chunk(b"IEND", b""))
    out.append(PNG_SIG + ihdr + png_chunk(b"iTXt", b"openbadgecredential\0\x01\0\0\0" + zlib.compress(body))
               + png_chunk(b"IEND", b""))
    return out


def _svg_seeds() -> list[bytes]:
    from html import escape

    out = _small(_vector_files(".svg"), 512 * 1024)
    k = keys()
    cred = resigned_di_inputs()[0].partition(b"\n")[2]
    signed = json.dumps(_sign_di(json.loads(_placeholders(cred, k.ed_did, k.ed_vm)), "eddsa-jcs-2022"))
    ns = 'xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"'
    out.append(f"<svg {ns}><openbadges:credential>{escape(signed, quote=False)}</openbadges:credential>"
               "</svg>".encode())
    out.append(f'<?xml version="1.0" encoding="UTF-8"?><svg {ns}><openbadges:credential><![CDATA['
               f"{_build_jwt(resigned_jwt_inputs()[0])}]]></openbadges:credential></svg>".encode())
    return out


# Re-signed Data Integrity credentials

DI_VARIANTS = ["eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020", "eddsa-rdfc-2022@web",
               "ecdsa-rdfc-2019@web", "vp"]


def _sign_di(doc: Any, suite: str, *, vm: str | None = None, purpose: str = "assertionMethod",
             challenge: str | None = None, domain: str | None = None) -> dict[str, Any]:
    from credwallet.verify import sign_data_integrity

    if not isinstance(doc, dict):
        raise Skip()
    k = keys()
    for attempt in (suite, "eddsa-jcs-2022"):  # JCS signs any JSON; RDF canonicalization may refuse
        try:
            return sign_data_integrity(doc, seed=k.ed_seed, verification_method=vm or k.ed_vm,
                                       proof_purpose=purpose, created=CREATED, cryptosuite=attempt,
                                       challenge=challenge, domain=domain)
        except Exception:
            continue
    raise Skip()


def _sign_ecdsa_di(doc: Any, vm: str) -> dict[str, Any]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    from credwallet.didkey import multibase_encode
    from credwallet.verify.contexts import ContextStore
    from credwallet.verify.suites.registry import find_suite

    suite = find_suite("DataIntegrityProof", "ecdsa-rdfc-2019")
    if suite is None or not isinstance(doc, dict):
        raise Skip()
    options = {"type": "DataIntegrityProof", "cryptosuite": "ecdsa-rdfc-2019",
               "created": "2025-01-01T00:00:00Z", "verificationMethod": vm,
               "proofPurpose": "assertionMethod"}
    try:
        proof_hash, doc_hash = suite.hash_data(doc, suite.proof_config(doc, options), ContextStore(),
                                               "sha256")
    except Exception:
        raise Skip() from None
    r, s = decode_dss_signature(keys().ec.sign(proof_hash + doc_hash, ec.ECDSA(hashes.SHA256())))
    value = multibase_encode(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    return {**doc, "proof": {**options, "proofValue": value}}


def _sign_nested(doc: Any) -> None:
    """Sign the unsigned credentials inside a presentation or a CLR (JCS: fast)."""
    if not isinstance(doc, dict):
        return
    for holder in (doc, doc.get("credentialSubject")):
        inner = holder.get("verifiableCredential") if isinstance(holder, dict) else None
        if isinstance(inner, list) and isinstance(holder, dict):
            holder["verifiableCredential"] = [
                _sign_di(c, "eddsa-jcs-2022") if isinstance(c, dict) and "proof" not in c else c
                for c in inner[:4]]


def run_resigned_di(data: bytes) -> Any:
    head, _, body = data.partition(b"\n")
    variant = head.decode("ascii", "replace")
    k = keys()
    web = variant.endswith("@web")
    did = WEB_DID if web else k.ed_did
    vm = f"{WEB_DID}#ec" if variant.startswith("ecdsa") else f"{WEB_DID}#ed" if web else k.ed_vm
    doc = loads_loose(_placeholders(body, did, vm))
    _sign_nested(doc)
    if variant == "vp":
        if not isinstance(doc, dict):
            raise Skip()
        signed = _sign_di(doc, "eddsa-rdfc-2022", purpose="authentication", challenge="fuzz-challenge",
                          domain="verifier.example")
        return _verify(json.dumps(signed).encode(), material(), challenge="fuzz-challenge",
                       domain="verifier.example", holder_did=k.ed_did)
    if variant.startswith("ecdsa"):
        signed = _sign_ecdsa_di(doc, vm)
    else:
        suite = variant.removesuffix("@web")
        known = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020")
        signed = _sign_di(doc, suite if suite in known else "eddsa-rdfc-2022", vm=vm)
    return _verify(json.dumps(signed).encode(), material(), identities=["did:example:learner"])


def _ob3_template(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [V2, OB3], "id": "urn:uuid:2f1e0a6e-8d7e-4a51-9c1c-5a1b1e4c0001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": PLACEHOLDER, "type": ["Profile"], "name": "Fuzz Issuer"},
        "validFrom": "2025-01-01T00:00:00Z", "name": "Fuzz Badge",
        "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"],
                              "achievement": {"id": "https://example.com/achievements/fuzz",
                                              "type": ["Achievement"], "name": "Fuzzing",
                                              "criteria": {"narrative": "Found a bug"}}}}
    doc.update(extra)
    return doc


def _status_entry(index: int) -> dict[str, Any]:
    return {"id": f"{STATUS_URL}#{index}", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(index), "statusListCredential": STATUS_URL}


@cache
def resigned_di_inputs() -> list[bytes]:
    full = _ob3_template(validUntil="2030-01-01T00:00:00Z", credentialStatus=_status_entry(4),
                         credentialSchema=[{"id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                                                  "ob_v3p0_achievementcredential_schema.json",
                                            "type": "1EdTechJsonSchemaValidator2019"}])
    v1 = {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"],
          "issuer": PLACEHOLDER, "issuanceDate": "2025-01-01T00:00:00Z",
          "expirationDate": "2027-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:learner"}}
    inner = [_ob3_template(), _ob3_template(credentialStatus=_status_entry(5))]
    for cred in inner:
        cred["credentialSubject"]["id"] = PLACEHOLDER
    vp = {"@context": [V2], "type": ["VerifiablePresentation"], "holder": PLACEHOLDER,
          "verifiableCredential": inner}
    rdfc_full = _ob3_template(validUntil="2030-01-01T00:00:00Z", credentialStatus=_status_entry(4))
    clr = _ob3_template(type=["VerifiableCredential", "ClrCredential"],
                        **{"@context": [V2, CLR, OB3]})
    clr["credentialSubject"] = {"id": "did:example:learner", "type": ["ClrSubject"],
                                "verifiableCredential": [_ob3_template()],
                                "achievement": [{"id": "https://example.com/a", "type": ["Achievement"],
                                                 "name": "A", "criteria": {"narrative": "n"}}]}
    return [f"{variant}\n".encode() + json.dumps(doc).encode()
            for variant, doc in (("eddsa-rdfc-2022", _ob3_template()), ("eddsa-jcs-2022", full),
                                 ("Ed25519Signature2020", v1), ("eddsa-rdfc-2022@web", rdfc_full),
                                 ("ecdsa-rdfc-2019@web", _ob3_template()), ("vp", vp),
                                 ("eddsa-jcs-2022", clr))]


# Re-signed JWTs (VC-JWT) and SD-JWT VCs

JWT_VARIANTS = ["EdDSA", "ES256", "RS256", "ES256@web", "RS256@web", "SD-JWT"]


def _jwt_key(variant: str) -> tuple[str, str, str, Any]:
    """(alg, issuer DID, kid, private key) of a JWT variant."""
    k = keys()
    if variant == "EdDSA":
        return "EdDSA", k.ed_did, k.ed_vm, k.ed_seed
    alg = variant.split("@")[0]
    key = k.ec if alg == "ES256" else k.rsa
    if variant.endswith("@web"):
        return alg, WEB_DID, f"{WEB_DID}#{'ec' if alg == 'ES256' else 'rsa'}", key
    did = k.did_jwk(k.ec_jwk if alg == "ES256" else k.rsa_jwk)
    return alg, did, did + "#0", key


def _build_jwt(data: bytes) -> str:
    head, _, body = data.partition(b"\n")
    alg, did, kid, key = _jwt_key(head.decode("ascii", "replace") if head in
                                  (b"EdDSA", b"ES256", b"RS256", b"ES256@web", b"RS256@web") else "ES256")
    doc = loads_loose(_placeholders(body, did, kid))
    if not isinstance(doc, dict) or not isinstance(doc.get("header"), dict):
        raise Skip()
    header = {**doc["header"], "alg": alg}
    payload = doc.get("payload")
    raw = payload.encode("utf-8", "surrogatepass") if isinstance(payload, str) else \
        dumps(payload).encode("utf-8", "surrogatepass")
    return _sign_jws(header, raw, key)


def _build_sd_jwt(data: bytes) -> str:
    k = keys()
    did = k.did_jwk(k.ec_jwk)
    doc = loads_loose(_placeholders(data.partition(b"\n")[2], did, did + "#0"))
    if not isinstance(doc, dict) or not isinstance(doc.get("header"), dict) \
            or not isinstance(doc.get("payload"), dict):
        raise Skip()
    payload = dict(doc["payload"])
    encoded = []
    disclosures = doc.get("disclosures")
    for disclosure in disclosures if isinstance(disclosures, list) else []:
        enc = b64url(dumps(disclosure).encode("utf-8", "surrogatepass"))
        encoded.append(enc)
        if isinstance(payload.get("_sd"), list):
            payload["_sd"] = [*payload["_sd"], b64url(hashlib.sha256(enc.encode()).digest())]
    issuer_jwt = _sign_jws({**doc["header"], "alg": "ES256"},
                           dumps(payload).encode("utf-8", "surrogatepass"), k.ec)
    presented = issuer_jwt + "~" + "".join(e + "~" for e in encoded)
    kb = doc.get("kb")
    if isinstance(kb, dict):
        kb_payload = {**kb, "sd_hash": b64url(hashlib.sha256(presented.encode()).digest())} \
            if "sd_hash" not in kb else kb
        presented += _sign_jws({"alg": "ES256", "typ": "kb+jwt"}, dumps(kb_payload).encode(
            "utf-8", "surrogatepass"), k.holder_ec)
    return presented


def run_resigned_jwt(data: bytes) -> Any:
    head = data.partition(b"\n")[0]
    try:
        token = _build_sd_jwt(data) if head == b"SD-JWT" else _build_jwt(data)
    except (Skip, CredwalletError):
        raise
    except Exception:  # the harness could not build this one: not a product finding
        raise Skip() from None
    return _verify(token.encode(), material(), identities=["did:example:learner"],
                   challenge="fuzz-nonce", domain="verifier.example")


@cache
def resigned_jwt_inputs() -> list[bytes]:
    out = []
    for variant in JWT_VARIANTS[:-1]:
        vc = _ob3_template(credentialStatus=_status_entry(4))
        payload = {"iss": PLACEHOLDER, "sub": "did:example:learner", "jti": vc["id"], "nbf": 1735689600,
                   "exp": 1893456000, "vc": vc}
        out.append(f"{variant}\n".encode() + json.dumps(
            {"header": {"kid": f"{PLACEHOLDER}#key", "typ": "JWT"}, "payload": payload}).encode())
    v2 = _ob3_template()
    out.append(b"ES256\n" + json.dumps({"header": {"kid": f"{PLACEHOLDER}#key", "typ": "vc+jwt"},
                                         "payload": v2}).encode())
    vp = {"@context": [V2], "type": ["VerifiablePresentation"], "holder": PLACEHOLDER,
          "verifiableCredential": [{"@context": [V2], "type": "EnvelopedVerifiableCredential",
                                    "id": "data:application/vc+jwt,eyJhbGciOiJub25lIn0.e30."}]}
    out.append(b"EdDSA\n" + json.dumps({"header": {"kid": f"{PLACEHOLDER}#key", "typ": "JWT"},
                                         "payload": {"iss": PLACEHOLDER, "vp": vp, "nonce": "fuzz-nonce",
                                                     "aud": "verifier.example"}}).encode())
    return [*out, *resigned_sd_jwt_inputs(), *resigned_ob1_inputs()]


def resigned_ob1_inputs() -> list[bytes]:
    """Signed Open Badges 1.0 / 1.1 assertions (RS256, the key a PEM at verify.url)."""
    return [b"RS256\n" + json.dumps({"header": {"alg": "RS256"}, "payload": ob1_assertion(v, signed=True)}
                                    ).encode() for v in ("1.0", "1.1")]


@cache
def resigned_sd_jwt_inputs() -> list[bytes]:
    k = keys()
    base = {"header": {"typ": "dc+sd-jwt", "kid": f"{PLACEHOLDER}#key"},
            "payload": {"iss": PLACEHOLDER, "vct": "https://credentials.example/degree", "iat": 1735689600,
                        "exp": 1893456000, "_sd_alg": "sha-256", "_sd": [],
                        "cnf": {"jwk": k.holder_jwk}, "degree": {"_sd": [], "type": "BSc"}},
            "disclosures": [["salt1", "given_name", "Ada"], ["salt2", "family_name", "Lovelace"],
                            ["salt3", "email", "ada@example.org"]]}
    kb = {**base, "kb": {"iat": 1780000000, "nonce": "fuzz-nonce", "aud": "verifier.example"}}
    status = copy.deepcopy(base)  # an IETF Token Status List reference (index 3 is revoked)
    status["payload"]["status"] = {"status_list": {"idx": 2, "uri": TOKEN_STATUS_URL}}
    return [b"SD-JWT\n" + json.dumps(base).encode(), b"SD-JWT\n" + json.dumps(kb).encode(),
            b"SD-JWT\n" + json.dumps(status).encode()]


# Pathways

PATHWAY_FORMATS = [".json", ".yaml", ".toml", ".jsonld"]


@cache
def _held() -> list[Any]:
    from credwallet.ingest.describe import view_of
    from credwallet.pathways.held import HeldCredential

    out = []
    for i, name in enumerate(["Fuzzing", "Python", "Data Analysis"]):
        doc = _ob3_template(name=name)
        doc["credentialSubject"]["achievement"]["name"] = name
        doc["credentialSubject"]["creditsEarned"] = 3
        view = view_of("ob3-ldp", doc)
        out.append(HeldCredential(id=f"c{i}", view=view, status="verified", reason=None))
    return out


def run_pathway(data: bytes) -> Any:
    """`pathway add FILE` then `progress`: load the file, evaluate it against three credentials."""
    from credwallet.pathways import load_pathway_bytes
    from credwallet.pathways.evaluate import evaluate

    head, _, body = data.partition(b"\n")
    suffix = head.decode("ascii", "replace")
    pathway = load_pathway_bytes(body, "fuzz" + suffix, suffix if suffix in PATHWAY_FORMATS else "")
    progress = evaluate(pathway, _held(), NOW, {pathway.name: pathway})
    json.dumps(progress.model_dump(mode="json"))
    return progress


def _pathway_seeds() -> list[bytes]:
    out = []
    for p in sorted((REPO / "examples").rglob("*")) + _vector_files(".toml", ".yaml", ".yml"):
        if p.is_file() and p.suffix in (".toml", ".yaml", ".yml", ".json", ".jsonld") \
                and "pathway" in p.as_posix().lower() and p.stat().st_size < 64 * 1024:
            out.append(p.suffix.replace(".yml", ".yaml").encode() + b"\n" + p.read_bytes())
    out.append(b'.toml\nname = "Fuzz"\n[[requirements]]\ntype = "at_least"\ncount = 2\n'
               b'[[requirements.of]]\nname = "Fuzzing"\n[[requirements.of]]\nname = "Python"\n')
    out.append(b".yaml\nname: Fuzz\nrequirements:\n  - name: Fuzzing\n  - type: credits\n    credits: 4\n"
               b"    of:\n      - name: Python\n      - name: Data Analysis\n")
    return out


def _pathway_replay(path: Path) -> bytes:
    return path.suffix.replace(".yml", ".yaml").encode() + b"\n" + path.read_bytes()


# Wallet files (restore) and wallet contents (what list / show / progress read)


@cache
def _wallet_plaintext() -> bytes:
    import base64 as b64

    from credwallet.importer import Fetched, add_fetched
    from credwallet.ingest.sniff import recognise
    from credwallet.models.entry import Holder, WalletData
    from credwallet.verify import verify_stored

    k = keys()
    holder = Holder(did=k.ed_did, private_seed_b64=b64.b64encode(k.ed_seed).decode(), created_at=NOW)
    wallet = WalletData(created_at=NOW, holder=holder)
    raw = json.dumps(_sign_di(json.loads(_placeholders(resigned_di_inputs()[0].partition(b"\n")[2],
                                                       k.ed_did, k.ed_vm)), "eddsa-jcs-2022")).encode()
    add_fetched(wallet, Fetched(recognise(raw, "a.json"), "a.json"), now=NOW, verifier=verify_stored,
                keep_invalid=True)
    wallet.pathways.append({"name": "Fuzz", "requirements": [{"name": "Fuzz Badge"}]})
    return wallet.model_dump_json().encode()


@cache
def _wallet_payload_seeds() -> list[bytes]:
    """Version 1 (one JSON object) and version 2 (an index line, a views line, one line per
    entry: wallet/layout.py) of the same wallet."""
    from credwallet.models.entry import WalletData
    from credwallet.wallet import layout

    v1 = _wallet_plaintext()
    return [v1, layout.encode(WalletData.model_validate_json(v1))]


def mutate_payload(data: bytes, rng: random.Random) -> bytes:
    """Payload v2: one line (an entry, the index, the views) mutated as JSON, or lines dropped,
    repeated or swapped, keeping the layout; else JSON structure (which writes v1)."""
    lines = data.split(b"\n")
    if len(lines) < 4 or rng.random() < 0.3:
        return json_mutator()(data, rng)
    i = rng.randrange(len(lines))
    op = rng.randrange(5)
    if op < 2:
        line = lines[i]
        comma = line.endswith(b",")
        body = line[:-1] if comma else line
        key, sep, value = body.partition(b":") if body.startswith(b'"') and not body.startswith(
            (b'"index"', b'"views"')) else (b"", b"", body)
        if value.startswith((b'"index":', b'"views":')):
            key, sep, value = value.partition(b":")
        new = json_mutator()(value, rng) if value[:1] in b"{[" else mutate_bytes(value, rng)
        lines[i] = key + sep + new + (b"," if comma else b"")
    elif op == 2:
        del lines[i]
    elif op == 3:
        lines.insert(i, lines[i])
    else:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def _weak_kdf() -> Any:
    from credwallet.wallet import fileformat

    return fileformat.KdfParams(fileformat.WEAK_M_KIB, fileformat.WEAK_T, 1)


def run_wallet_file(data: bytes) -> Any:
    """`restore PATH`: header, cost check, key derivation, decryption, payload structure."""
    from pydantic import ValidationError

    from credwallet.errors import WalletCorrupted
    from credwallet.models.entry import WalletData
    from credwallet.wallet import fileformat

    os.environ[fileformat.WEAK_ENV] = "1"  # the seeds use the cheap KDF; real costs are refused below
    try:
        params, salt, _nonce, _aad, _ct = fileformat.parse_header(data)
        fileformat.check_foreign_cost(params)
        if params.m_kib > 1024 or params.t > 2:
            return None  # a legitimate but expensive header: nothing more to learn per second
        key = fileformat.derive_key(PASSPHRASE, salt, params)
        try:
            return WalletData.model_validate_json(fileformat.decrypt_with_key(data, key))
        except ValidationError:
            raise WalletCorrupted("backup payload does not match the expected structure") from None
    finally:
        os.environ.pop(fileformat.WEAK_ENV, None)


def _wallet_file_seeds() -> list[bytes]:
    from credwallet.wallet import fileformat

    os.environ[fileformat.WEAK_ENV] = "1"
    try:
        return [fileformat.encrypt_wallet(_wallet_plaintext(), PASSPHRASE, params=_weak_kdf(),
                                          salt=b"\1" * 16, nonce=b"\2" * 24),
                fileformat.encrypt_wallet(b'{"created_at": "2026-01-01T00:00:00Z"}', PASSPHRASE,
                                          params=_weak_kdf(), salt=b"\1" * 16, nonce=b"\2" * 24)]
    finally:
        os.environ.pop(fileformat.WEAK_ENV, None)


def run_wallet_payload(data: bytes) -> Any:
    """A wallet that decrypted: load it as `WalletStore.load` does, then what `list`, `show`,
    `verify --all` and `progress` do with it."""
    from credwallet.wallet import fileformat
    from credwallet.wallet.store import WalletStore

    os.environ[fileformat.WEAK_ENV] = "1"
    try:
        blob = fileformat.encrypt_wallet(data, PASSPHRASE, params=_weak_kdf(), salt=b"\1" * 16,
                                         nonce=b"\2" * 24)
    finally:
        os.environ.pop(fileformat.WEAK_ENV, None)
    with tempfile.TemporaryDirectory(prefix="cw-fuzz-") as tmp:
        path = Path(tmp) / "wallet.cwlt"
        path.write_bytes(blob)
        os.environ[fileformat.WEAK_ENV] = "1"
        try:
            wallet = WalletStore(path).load(PASSPHRASE)
        finally:
            os.environ.pop(fileformat.WEAK_ENV, None)
    from credwallet.ingest.describe import credential_view
    from credwallet.pathways.evaluate import evaluate_all
    from credwallet.pathways.loader import pathway_from_dict
    from credwallet.pathways.store import held_credentials
    from credwallet.verify import verify_stored
    from credwallet.wallet import layout

    # `list` reads the index rows (payload v2: without parsing an entry); a save writes the
    # layout back, damaged entries byte for byte.
    json.dumps([row.model_dump(mode="json") for row in wallet.rows()])
    layout.encode(wallet)
    for cred in wallet.credentials[:5]:
        with contextlib.suppress(CredwalletError):
            json.dumps(credential_view(cred, wallet.cache).model_dump(mode="json"))
        with contextlib.suppress(CredwalletError):
            verify_stored(cred, wallet, NOW)
    pathways = []
    for raw in wallet.pathways[:5]:
        with contextlib.suppress(CredwalletError):
            pathways.append(pathway_from_dict(raw, "wallet"))
    return evaluate_all(pathways, held_credentials(wallet, NOW), NOW)


# Fetch layer: server responses from an in-memory transport


def run_fetch(data: bytes) -> Any:
    """`import URL`: fetch the source, recognise the response, walk the issuer graph (every
    response from the JSON map in `data`: url -> body, or url -> {status, headers, body}),
    then store and verify with what was gathered."""
    import ipaddress

    import httpx

    from credwallet.fetch import FetchPolicy, complete
    from credwallet.importer import add_fetched
    from credwallet.models.entry import Holder, WalletData
    from credwallet.verify import verify_stored

    spec = loads_loose(data)
    if not isinstance(spec, dict) or not isinstance(spec.get("responses"), dict):
        raise Skip()
    responses: dict[str, Any] = spec["responses"]
    source: str = spec["source"] if isinstance(spec.get("source"), str) else "https://issuer.example/cred"

    def handler(request: httpx.Request) -> httpx.Response:
        entry = responses.get(str(request.url), responses.get(str(request.url).split("?")[0]))
        if entry is None:
            return httpx.Response(404, stream=httpx.ByteStream(b"not found"))
        status: Any = 200
        headers: Any = {}
        body = entry
        if isinstance(entry, dict) and "body" in entry and set(entry) <= {"status", "headers", "body"}:
            status = entry.get("status") if isinstance(entry.get("status"), int) else 200
            headers = entry.get("headers") if isinstance(entry.get("headers"), dict) else {}
            body = entry["body"]
        if isinstance(body, str):
            content = body.encode("utf-8", "surrogatepass")
            if body.startswith("base64:"):
                with contextlib.suppress(ValueError):
                    content = base64.b64decode(body[7:])
        else:
            content = dumps(body).encode("utf-8", "surrogatepass")
        if not headers:
            headers = {"content-type": "application/json" if content[:1] in b"{[" else "text/plain"}
        try:
            # A stream, not content: the client reads the body itself, with its size cap.
            return httpx.Response(status if 100 <= status <= 599 else 200,
                                  headers={str(k): str(v) for k, v in headers.items()},
                                  stream=httpx.ByteStream(content))
        except Exception:
            return httpx.Response(500, stream=httpx.ByteStream(b""))

    async def public(host: str, port: int) -> list[Any]:
        return [ipaddress.ip_address("93.184.216.34")]

    policy = FetchPolicy(retries=0, backoff=0.0, total_timeout=4.0, max_documents=16)
    [(_, got)] = complete([(0, source)], transport=httpx.MockTransport(handler), resolver=public,
                          policy=policy)
    if isinstance(got, CredwalletError):
        raise got
    k = keys()
    wallet = WalletData(created_at=NOW, holder=Holder(did=k.ed_did, private_seed_b64=base64.b64encode(
        k.ed_seed).decode(), created_at=NOW))
    return add_fetched(wallet, got, now=NOW, verifier=verify_stored, keep_invalid=True)


@cache
def _fetch_seeds() -> list[bytes]:
    out = []
    manifest = json.loads((VECTORS / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["entries"]:
        assets = entry.get("assets") or {}
        path = VECTORS / entry["file"]
        if not assets or path.suffix not in (".json", ".jwt") or path.stat().st_size > 64 * 1024:
            continue
        responses: dict[str, Any] = {}
        for url, rel in assets.items():
            body = (VECTORS / rel).read_bytes()
            try:
                responses[url] = json.loads(body)
            except ValueError:
                responses[url] = "base64:" + base64.b64encode(body).decode()
        raw = path.read_bytes()
        try:
            cred: Any = json.loads(raw)
        except ValueError:
            cred = raw.decode("ascii", "replace").strip()
        source = "https://holder.example/cred"
        responses[source] = {"status": 200, "headers": {"content-type": "application/json"}, "body": cred} \
            if isinstance(cred, dict) else cred
        out.append(json.dumps({"source": source, "responses": responses}).encode())
        if len(out) >= 12:
            break
    # A did:web issuer, a status list, a redirect and an image: every kind the walker caches.
    docs = _material_docs()
    cred = _ob3_template(credentialStatus=_status_entry(4))
    cred["credentialSubject"]["achievement"]["image"] = {"id": "https://issuer.example/img.png",
                                                         "type": "Image"}
    signed = _sign_di(json.loads(_placeholders(json.dumps(cred).encode(), WEB_DID, f"{WEB_DID}#ed")),
                      "eddsa-jcs-2022", vm=f"{WEB_DID}#ed")
    out.append(json.dumps({"source": "https://issuer.example/cred", "responses": {
        "https://issuer.example/cred": {"status": 302, "headers": {"location": "/cred2"}, "body": ""},
        "https://issuer.example/cred2": signed,
        WEB_DID_URL: json.loads(docs[WEB_DID_URL]), STATUS_URL: json.loads(docs[STATUS_URL]),
        "https://issuer.example/img.png": {"status": 200, "headers": {"content-type": "image/png"},
                                           "body": "base64:" + base64.b64encode(PNG_SIG + b"x").decode()},
    }}).encode())
    # Open Badges 1.x graphs: a hosted 1.0 assertion (its BadgeClass and issuer take the URLs they
    # come from, the issuer names a revocation list) and a signed 1.1 one (the key at verify.url).
    ob1: dict[str, Any] = {url: {"status": 200, "headers": {"content-type": "application/x-pem-file"
                                                            if kind == "pem_key" else "application/json"},
                                 "body": body.decode()} for url, (kind, body) in _ob1_docs().items()}
    ob1[f"{OB1_SITE}/badge.png"] = {"status": 200, "headers": {"content-type": "image/png"},
                                    "body": "base64:" + base64.b64encode(PNG_SIG + b"x").decode()}
    out.append(json.dumps({"source": OB1_ASSERTION, "responses": ob1}).encode())
    # Issuer badge pages (ingest/html.py, fetch/pages.py): the credential embedded in a JSON-LD
    # block, or named by a rel=alternate link; a page with neither (only a download link).
    page = "<!doctype html><html><head><title>Your badge</title>{}</head><body><h1>Badge</h1>{}</body></html>"
    html = {"content-type": "text/html; charset=utf-8"}
    out.append(json.dumps({"source": "https://issuer.example/badges/1", "responses": {
        "https://issuer.example/badges/1": {"status": 200, "headers": html, "body": page.format(
            "", f'<script type="application/ld+json">{json.dumps(signed)}</script>')},
        WEB_DID_URL: json.loads(docs[WEB_DID_URL]), STATUS_URL: json.loads(docs[STATUS_URL])}}).encode())
    out.append(json.dumps({"source": "https://issuer.example/badges/2", "responses": {
        "https://issuer.example/badges/2": {"status": 200, "headers": html, "body": page.format(
            '<link rel="alternate" type="application/ld+json" href="/badges/2/cred.json">',
            '<a download href="/badges/2/badge.png">Download</a>')},
        "https://issuer.example/badges/2/cred.json": signed,
        WEB_DID_URL: json.loads(docs[WEB_DID_URL]), STATUS_URL: json.loads(docs[STATUS_URL])}}).encode())
    signed = _build_jwt(resigned_ob1_inputs()[1])
    out.append(json.dumps({"source": f"{OB1_SITE}/signed.jws", "responses": {
        **ob1, f"{OB1_SITE}/signed.jws": {"status": 200, "headers": {"content-type": "text/plain"},
                                          "body": signed}}}).encode())
    return out


# Artifacts: the bundle zip and the portfolio page an employer receives


def run_artifact(data: bytes) -> Any:
    """`verify --file` of a bundle zip or a portfolio page, offline."""
    from credwallet.artifact import open_artifact

    opened = open_artifact(data, "fuzz")
    return _verify(opened.data, material())


@cache
def _artifact_seeds() -> list[bytes]:
    from credwallet.artifact import embed_block

    k = keys()
    vp_input = resigned_di_inputs()[5].partition(b"\n")[2]
    doc = json.loads(_placeholders(vp_input, k.ed_did, k.ed_vm))
    doc["verifiableCredential"] = [_sign_di(c, "eddsa-jcs-2022") for c in doc["verifiableCredential"]]
    vp = json.dumps(_sign_di(doc, "eddsa-jcs-2022", purpose="authentication")).encode()
    files = {"presentation.json": vp,
             "credentials/1.json": json.dumps(doc["verifiableCredential"][0]).encode()}
    manifest = {"algorithm": "sha256", "files": [{"path": n, "sha256": hashlib.sha256(b).hexdigest()}
                                                 for n, b in files.items()]}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        for name, body in files.items():
            archive.writestr(name, body)
    page = ("<!doctype html><html><head><title>Portfolio</title></head><body><h1>Portfolio</h1>"
            f"{embed_block(vp.decode())}</body></html>").encode()
    return [buf.getvalue(), page]


# --- the registry -------------------------------------------------------------------------------


def _credential_seeds(kind: str) -> Callable[[], list[bytes]]:
    def seeds() -> list[bytes]:
        if kind == "json":
            return _json_seeds()
        if kind == "jwt":
            return _jwt_seeds()
        if kind == "png":
            return _png_seeds()
        return _svg_seeds()
    return seeds


TARGETS: dict[str, Target] = {t.name: t for t in [
    Target("json-ld", "recognise + verify a JSON(-LD) credential, OB 2.0 assertion, CLR or VP",
           run_credential, _credential_seeds("json"), json_mutator(_json_donors), ("credential",)),
    Target("jwt", "recognise + verify a VC-JWT, signed OB 2.0 JWS or SD-JWT VC (signature breaks)",
           run_credential, _credential_seeds("jwt"), mutate_jwt),
    Target("png", "unbake a PNG (iTXt/tEXt/zTXt) and verify what it holds",
           run_credential, _credential_seeds("png"), mutate_png),
    Target("svg", "unbake an SVG (XML, entities, namespaces) and verify what it holds",
           run_credential, _credential_seeds("svg"), mutate_svg),
    Target("resigned-di", "mutate, re-sign (Ed25519 / P-256 Data Integrity), verify: reaches dates, "
           "status, schema, key and holder binding", run_resigned_di, resigned_di_inputs,
           with_prefix(json_mutator(_json_donors), DI_VARIANTS)),
    Target("resigned-jwt", "mutate header/payload, re-sign (EdDSA, ES256, RS256; SD-JWT with KB-JWT), "
           "verify", run_resigned_jwt, resigned_jwt_inputs, with_prefix(json_mutator(), JWT_VARIANTS)),
    Target("pathway", "load a pathway file (TOML, YAML, JSON, CTDL JSON-LD) and evaluate it",
           run_pathway, _pathway_seeds, mutate_pathway, ("pathway",), _pathway_replay),
    Target("wallet-file", "restore a wallet/backup file: header, KDF cost, decryption, payload",
           run_wallet_file, _wallet_file_seeds, mutate_wallet_file, ("wallet",)),
    Target("wallet-payload", "open a decrypted wallet (payload v1 and v2 layout), then list / "
           "show / verify --all / progress / save", run_wallet_payload, _wallet_payload_seeds,
           mutate_payload),
    Target("fetch", "import a URL: responses (status, headers, body) from an in-memory server, "
           "walk the issuer graph, store and verify", run_fetch, _fetch_seeds, json_mutator()),
    Target("artifact", "verify --file of a bundle zip or a portfolio page",
           run_artifact, _artifact_seeds, mutate_artifact),
]}


def _more_targets() -> list[Target]:
    """Targets written in their own modules (imported here, at the end: they use the above)."""
    from tests.fuzz import oid4vci_targets as oid

    return [
        Target("oid4vci", "a whole OID4VCI issuance (import LINK, then --resume) against an "
               "in-memory issuer whose every answer is mutated", oid.run_oid4vci, oid.oid4vci_seeds,
               oid.mutate_oid4vci, ("oid4vci",)),
        Target("offer", "credential offer links, offer JSON and QR code images",
               oid.run_offer, oid.offer_seeds, oid.mutate_offer, ("offer",)),
    ]


TARGETS.update((t.name, t) for t in _more_targets())


def target_corpus(target: Target) -> list[Path]:
    """Committed inputs replayed through `target`: tests/fuzz/corpus/<target>/ and the shared
    directories it reads."""
    return _corpus_files(target.name, *target.corpus_dirs)


def generate(target: Target, rng: random.Random, pool: list[bytes]) -> bytes:
    """One fuzz input: a seed (or an earlier interesting input) mutated one to four times."""
    data = rng.choice(pool)
    for _ in range(rng.choice([1, 1, 2, 4])):
        try:
            data = target.mutate(data, rng)
        except Exception:  # a mutator's own bug must not stop a long run
            data = mutate_bytes(data, rng)
    return data


def minimize(target: Target, data: bytes, *, seconds: float = 60.0) -> bytes:
    """A shorter input with the same finding signature (greedy chunk removal, then byte
    simplification), for the corpus. Stops after `seconds`."""
    first = check(target, data)
    if first is None:
        return data
    want = first.signature
    deadline = time.monotonic() + seconds

    def same(candidate: bytes) -> bool:
        found = check(target, candidate)
        return found is not None and found.signature == want

    chunk = max(1, len(data) // 2)
    while chunk >= 1 and time.monotonic() < deadline:
        i, shrunk = 0, False
        while i < len(data) and time.monotonic() < deadline:
            candidate = data[:i] + data[i + chunk:]
            if same(candidate):
                data, shrunk = candidate, True
            else:
                i += chunk
        if not shrunk:
            chunk //= 2
    return data


def outcome_kind(target: Target, data: bytes) -> str:
    """What one input did (for the benchmark's report): ok, clean error, skipped, finding."""
    try:
        target.run(data)
    except Skip:
        return "skipped"
    except CredwalletError:
        return "error"
    except BaseException:
        return "finding"
    return "ok"


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--list", action="store_true", help="list the targets")
    parser.add_argument("--replay", metavar="FILE", nargs="*", help="run FILE(s) through --target")
    parser.add_argument("--target", default="json-ld")
    parser.add_argument("--minimize", metavar="OUT", help="write a minimized copy of the one --replay FILE")
    args = parser.parse_args(argv)
    if args.minimize:
        data = minimize(TARGETS[args.target], Path(args.replay[0]).read_bytes())
        Path(args.minimize).write_bytes(data)
        print(f"{len(data)} bytes -> {args.minimize}")
        return 0
    if args.list:
        for t in TARGETS.values():
            print(f"{t.name:15} {t.doc}")
        return 0
    bad = 0
    for name in args.replay or []:
        finding = check(TARGETS[args.target], Path(name).read_bytes(), memory_cap=MEMORY_CAP)
        print(f"{name}: {'ok' if finding is None else finding.summary}")
        if finding is not None:
            print(finding.trace)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
