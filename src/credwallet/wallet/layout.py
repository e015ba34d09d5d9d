"""Payload version 2: the same JSON value as version 1, laid out one entry per line, with an
index of list rows and a cache of derived credential views (docs/wallet-format.md, "Payload
version 2").

    {<every top-level member but the four below>,
    "index":{"credentials":[<row>...],"cache":[[<key>,<sha256>]...]},
    "views":{"derivation":"...","entries":{<wallet id>:{"key":"...","view":{...}}}},
    "credentials":[
    <stored credential>,            one line each, compact JSON; the last without the comma
    ],"cache":{
    <key>:<cached document>,        one line each, likewise
    }}

Any JSON reader reads it as one object. credwallet reads the first two lines (and the views line
for pathway progress) and finds the entry lines by their newlines; an entry is parsed and
validated only when a command uses it. An entry line that does not parse is a damaged entry,
reported when used; the others stay usable. Entries not used are written back byte for byte.
A payload that is not laid out this way (version 1, or version 2 written compactly) is read
whole, as before.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from credwallet.errors import WalletCorrupted
from credwallet.models.entry import CachedDocument, StoredCredential, WalletData
from credwallet.models.index import ROW_DERIVATION, CredentialRow, PayloadIndex

LAYOUT_VERSION = 2
LAYOUT_MEMBERS = frozenset({"credentials", "cache", "index", "views"})
_INDEX = b'"index":'
_VIEWS = b'"views":'
_CREDS = b'"credentials":['
_CACHE = b'],"cache":{'
_END = b"}}"


def _key_prefix(key: str) -> bytes:
    return json.dumps(key, ensure_ascii=False).encode("utf-8") + b":"


def _damage(what: str) -> str:
    return f"damaged entry: {what} cannot be read"


class LaidOut:
    """The entries of a version 2 payload, read one by one when used (models.entry.EntrySource)."""

    def __init__(self, data: bytes, index: tuple[int, int], views: tuple[int, int],
                 creds: list[tuple[int, int]], cache: list[tuple[int, int]]) -> None:
        self.data = data
        self._index_span = index
        self._raw: _RawIndex | None = None
        self._index: PayloadIndex | None = None
        self._keys: tuple[list[str], dict[str, int]] | None = None
        self._views_span = views
        self._cred_spans = creds
        self._cache_spans = cache
        self._creds: dict[int, StoredCredential] = {}
        self._docs: dict[int, CachedDocument] = {}
        self.origin: dict[int, int] = {}  # id() of a credential read here -> its position

    def _index_text(self) -> bytes:
        start, end = self._index_span
        return self.data[start + len(_INDEX):end - 1]

    def _check_counts(self, creds: int, cache: int) -> None:
        if (creds, cache) != (len(self._cred_spans), len(self._cache_spans)):
            raise WalletCorrupted("wallet payload does not match its index")

    @property
    def _raw_index(self) -> _RawIndex:
        """The index as plain JSON (ids and cache keys: what finding an entry needs)."""
        if self._raw is None:
            self._raw = _RawIndex.parse(self._index_text())
            self._check_counts(len(self._raw.ids), len(self._raw.cache))
        return self._raw

    @property
    def index(self) -> PayloadIndex:
        """The index as models, parsed and validated in one pass on first use (`list`,
        progress, a save); `show` and `find` make do with the plain parse."""
        if self._index is None:
            try:
                self._index = PayloadIndex.model_validate_json(self._index_text())
            except ValidationError:
                raise WalletCorrupted("wallet payload index does not match the expected "
                                      "structure") from None
            self._check_counts(len(self._index.credentials), len(self._index.cache))
            if self._index.derivation != ROW_DERIVATION:  # rows of other code: derive again
                self._index.credentials = [CredentialRow.of(self.credential_at(i))
                                           for i in range(len(self._cred_spans))]
                self._index.derivation = ROW_DERIVATION
        return self._index

    def ids(self) -> list[tuple[str, str | None]]:
        return self._raw_index.ids

    # -- lines ---------------------------------------------------------------------------------
    def _line(self, span: tuple[int, int]) -> bytes:
        line = self.data[span[0]:span[1]]
        return line[:-1] if line.endswith(b",") else line

    def credential_line(self, at: int) -> bytes:
        return self._line(self._cred_spans[at])

    def cache_line(self, at: int) -> bytes:
        return self._line(self._cache_spans[at])

    def views(self) -> dict[str, Any]:
        # A derived cache: a damaged one is rebuilt, never an error.
        return views_of(self.data)

    def views_json(self) -> bytes:
        start, end = self._views_span
        return self.data[start + len(_VIEWS):end - 1]

    # -- EntrySource ---------------------------------------------------------------------------
    def rows(self) -> list[CredentialRow]:
        return self.index.credentials

    def credential_at(self, at: int) -> StoredCredential:
        cred = self._creds.get(at)
        if cred is None:
            cred = self._read_credential(at)
            self._creds[at] = cred
            self.origin[id(cred)] = at
        return cred

    def _read_credential(self, at: int) -> StoredCredential:
        line = self.credential_line(at)
        try:
            cred = StoredCredential.model_validate_json(line)
            if cred.id == self._raw_index.ids[at][0]:
                return cred
        except (ValidationError, ValueError):
            pass
        row = self.index.credentials[at]
        # A stand-in that keeps the row's summary, refuses to give bytes, and is written back
        # exactly as stored.
        # raw_encoding base64: readers that take utf-8 text as it is go through raw_bytes().
        stand_in = StoredCredential.model_construct(
            id=row.id, format=row.format, raw="", raw_encoding="base64", source="",
            imported_at=row.imported_at,
            name=row.name, credential_id=row.credential_id, issuer_id=row.issuer_id,
            issuer_name=row.issuer_name, issued=row.issued, expires=row.expires,
            parent_id=row.parent_id, tags=list(row.tags))
        stand_in._damage = _damage(f"credential {row.id}")
        stand_in._stored_text = line
        return stand_in

    def read_credential(self, at: int) -> StoredCredential | None:
        """The credential at `at` if a command has read it (it may have changed), else None."""
        return self._creds.get(at)

    def read_doc(self, at: int) -> CachedDocument | None:
        return self._docs.get(at)

    def credentials(self) -> list[StoredCredential]:
        return [self.credential_at(i) for i in range(len(self._cred_spans))]

    def _key_index(self) -> tuple[list[str], dict[str, int]]:
        if self._keys is None:  # from whichever parse of the index is at hand
            pairs = self._index.cache if self._index is not None else self._raw_index.cache
            keys = [k for k, _sha in pairs]
            self._keys = keys, {k: i for i, k in enumerate(keys)}
        return self._keys

    def cache_keys(self) -> list[str]:
        return self._key_index()[0]

    def cache_digests(self) -> dict[str, str]:
        # Whichever parse of the index is at hand (progress has the models already).
        return dict(self._index.cache if self._index is not None else self._raw_index.cache)

    def cache_doc(self, key: str) -> CachedDocument | None:
        at = self._key_index()[1].get(key)
        if at is None:
            return None
        doc = self._docs.get(at)
        if doc is None:
            doc = self._read_doc(at, key)
            self._docs[at] = doc
        return doc

    def _read_doc(self, at: int, key: str) -> CachedDocument:
        line = self.cache_line(at)
        prefix = _key_prefix(key)
        if line.startswith(prefix):
            try:
                return CachedDocument.model_validate_json(line[len(prefix):])
            except (ValidationError, ValueError):
                pass
        stand_in = CachedDocument.model_construct(url=key, kind="unknown", sha256="",
                                                  body_encoding="base64",
                                                  fetched_at=datetime.fromtimestamp(0, UTC))
        stand_in._damage = _damage(f"cached document {key[:200]!r}")
        stand_in._stored_text = line  # the whole line, key included
        return stand_in

    def cache(self) -> dict[str, CachedDocument]:
        out: dict[str, CachedDocument] = {}
        for key in self.cache_keys():
            doc = self.cache_doc(key)
            if doc is not None:
                out[key] = doc
        return out


# -- reading ------------------------------------------------------------------------------------

class _RawIndex:
    """`index` parsed as plain JSON: enough to find entries (ids, cache keys) without making
    10,000 row models; the rows are validated when first asked for (LaidOut.index)."""

    def __init__(self, ids: list[tuple[str, str | None]], cache: list[tuple[str, str]]) -> None:
        self.ids, self.cache = ids, cache

    @classmethod
    def parse(cls, text: bytes) -> _RawIndex:
        from pydantic_core import from_json

        try:
            data = from_json(text)  # no lone surrogates, like every reader of the payload
            rows, cache = data["credentials"], data["cache"]
            ids = [(r["id"], r.get("credential_id")) for r in rows]
            pairs = [(k, sha) for k, sha in cache]
        except (ValueError, RecursionError, TypeError, KeyError, AttributeError):
            raise WalletCorrupted("wallet payload index does not match the expected "
                                  "structure") from None
        if not all(isinstance(i, str) and (c is None or isinstance(c, str)) for i, c in ids) \
                or not all(isinstance(k, str) and isinstance(h, str) for k, h in pairs):
            raise WalletCorrupted("wallet payload index does not match the expected structure")
        return cls(ids, pairs)


def _spans(data: bytes, start: int, count: int) -> tuple[list[tuple[int, int]], int]:
    """`count` lines from `start`: their (start, end) without the newline, and where the next
    line starts."""
    out = []
    pos = start
    for _ in range(count):
        end = data.find(b"\n", pos)
        if end < 0:
            raise WalletCorrupted("wallet payload does not match its index")
        out.append((pos, end))
        pos = end + 1
    return out, pos


def head_of(data: bytes) -> dict[str, Any] | None:
    """The first line of a laid-out payload as an object (None when it is not laid out)."""
    end = data.find(b"\n")
    if not data.startswith(b"{") or end < 2 or data[end - 1:end] != b",":
        return None
    from pydantic_core import from_json

    try:
        # pydantic-core's parser, as for the whole payload: no lone surrogates (json.loads
        # takes them, and the wallet could then never be saved again).
        head = from_json(data[:end - 1] + b"}")
    except ValueError:
        return None
    return head if isinstance(head, dict) else None


def decode(data: bytes) -> WalletData:
    """The wallet in `data` (payload version 1 or 2). ValidationError when it does not match."""
    head = head_of(data)
    if head is None or head.get("payload_version") != LAYOUT_VERSION or \
            LAYOUT_MEMBERS & set(head):
        return _whole(data)
    (index_span, views_span, creds_open), pos = _spans(data, data.find(b"\n") + 1, 3)
    index_line = data[index_span[0]:index_span[0] + len(_INDEX)]
    if not (index_line == _INDEX and data[index_span[1] - 1:index_span[1]] == b","
            and data[views_span[0]:views_span[1]].startswith(_VIEWS)
            and data[creds_open[0]:creds_open[1]] == _CREDS):
        raise WalletCorrupted("wallet payload is not laid out as its version says")
    # The entry lines are found by their newlines alone: the index (what they are) is read
    # only when a command needs it.
    creds, pos = _lines_until(data, pos, _CACHE)
    cache, pos = _lines_until(data, pos, _END)
    if data[pos:].strip():
        raise WalletCorrupted("wallet payload does not match its index")
    wallet = WalletData.model_validate({**head, "credentials": [], "cache": {}})
    del wallet.__dict__["credentials"], wallet.__dict__["cache"]
    wallet._source = LaidOut(data, index_span, views_span, creds, cache)
    return wallet


def _lines_until(data: bytes, start: int, marker: bytes) -> tuple[list[tuple[int, int]], int]:
    """The lines from `start` up to the line that is exactly `marker`, and where the line
    after it starts. An entry line never equals a marker: it starts with `{` or `"`."""
    out: list[tuple[int, int]] = []
    pos = start
    while True:
        end = data.find(b"\n", pos)
        stop = len(data) if end < 0 else end
        if stop - pos <= len(marker) + 2 and data[pos:stop].rstrip() == marker:
            return out, stop + 1
        if end < 0:
            raise WalletCorrupted("wallet payload is not laid out as its version says")
        out.append((pos, end))
        pos = end + 1


def _whole(data: bytes) -> WalletData:
    wallet = WalletData.model_validate_json(data)
    for name in ("index", "views"):  # derived members of a compact version 2: rebuilt on save
        (wallet.model_extra or {}).pop(name, None)
    return wallet


# -- writing ------------------------------------------------------------------------------------

def views_json(data: bytes) -> bytes:
    """The `views` member of a laid-out payload as JSON text (b"" when there is none)."""
    first = data.find(b"\n")
    start = data.find(b"\n", first + 1) + 1 if first >= 0 else 0
    end = data.find(b"\n", start)
    line = data[start:end] if start > 0 and end > 0 else b""
    return line[len(_VIEWS):-1] if line.startswith(_VIEWS) and line.endswith(b",") else b""


def views_of(data: bytes) -> dict[str, Any]:
    """The `views` member of a laid-out payload as an object ({} when there is none)."""
    from pydantic_core import from_json

    try:
        # pydantic-core's parser, like every other reader of the payload: it refuses lone
        # surrogates (which json.loads accepts and no save could then write back).
        views = from_json(views_json(data) or b"{}")
    except ValueError:
        return {}
    return views if isinstance(views, dict) else {}


def encode(wallet: WalletData, old_views: dict[str, Any] | None = None) -> bytes:
    """The payload version 2 bytes of `wallet` (entries it did not read are copied as stored).
    Stored views still valid are kept: from `old_views`, else from the payload it was read
    from."""
    from credwallet.wallet.views import refresh_views

    source = wallet._source if isinstance(wallet._source, LaidOut) else None
    head = wallet.model_dump_json(exclude=set(LAYOUT_MEMBERS)).encode("utf-8")
    head = head.replace(b'"payload_version":' + str(wallet.payload_version).encode(),
                        b'"payload_version":2', 1)
    cred_lines, rows = _credential_lines(wallet, source)
    cache_lines, cache_index = _cache_lines(wallet, source)
    index = PayloadIndex(credentials=rows, cache=cache_index, derivation=ROW_DERIVATION)
    if old_views is None:
        old_views = source.views() if source is not None else {}
    views = refresh_views(wallet, rows, dict(cache_index), old_views)
    # Members at their default are left out of the rows (a third of the index's size).
    index_text = index.model_dump_json(exclude_defaults=True).encode("utf-8")
    parts = [head[:-1] + b",", _INDEX + index_text + b",",
             _VIEWS + json.dumps(views, ensure_ascii=False, separators=(",", ":"))
             .encode("utf-8") + b",", _CREDS, *_joined(cred_lines), _CACHE,
             *_joined(cache_lines), _END]
    return b"\n".join(parts)


def _joined(lines: list[bytes]) -> list[bytes]:
    return [line + b"," for line in lines[:-1]] + lines[-1:]


def _credential_lines(wallet: WalletData,
                      source: LaidOut | None) -> tuple[list[bytes], list[CredentialRow]]:
    """Lines and rows: an entry never read is copied as stored, one that was read (and may
    have been changed in place) is written from its model."""
    if source is not None and wallet.lazy("credentials"):
        creds: list[StoredCredential | None] = [source.read_credential(i)
                                                for i in range(len(source.rows()))]
    else:
        creds = list(wallet.credentials)
    lines, rows = [], []
    for at, cred in enumerate(creds):
        if cred is None and source is not None:
            lines.append(source.credential_line(at))
            rows.append(source.rows()[at])
            continue
        assert cred is not None
        if cred._stored_text is not None:
            lines.append(cred._stored_text)
            rows.append(CredentialRow.of(cred))
            continue
        line = cred.model_dump_json().encode("utf-8")
        was = source.origin.get(id(cred)) if source is not None else None
        lines.append(line)
        rows.append(source.rows()[was] if source is not None and was is not None
                    and source.credential_line(was) == line else CredentialRow.of(cred))
    return lines, rows


def _cache_lines(wallet: WalletData,
                 source: LaidOut | None) -> tuple[list[bytes], list[tuple[str, str]]]:
    if source is not None and wallet.lazy("cache"):
        keys = source.cache_keys()
        lines = []
        for at, key in enumerate(keys):
            doc = source.read_doc(at)
            lines.append(source.cache_line(at) if doc is None
                         else _doc_line(key, doc))
        return lines, list(source.cache_digests().items())
    return ([_doc_line(key, doc) for key, doc in wallet.cache.items()],
            [(key, doc.sha256) for key, doc in wallet.cache.items()])


def _doc_line(key: str, doc: CachedDocument) -> bytes:
    if doc._stored_text is not None:
        return doc._stored_text  # a damaged entry, kept as it was
    return _key_prefix(key) + doc.model_dump_json().encode("utf-8")
