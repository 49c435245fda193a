"""The hash chains that make the evidence tables tamper-evident.

Each evidence table is one chain. A row's `row_hash` is
`sha256(prev_hash + canonical JSON of the row)`, where the row is every column except the
surrogate `id` and `row_hash` itself (so it includes `chain_seq` and `prev_hash`). Appending
locks the chain's head row (`SELECT … FOR UPDATE` on PostgreSQL; SQLite transactions are
already exclusive, see `engine.store.db`), so concurrent writers extend the chain one after
the other instead of forking it.

`verify` walks every chain in order and names the first row whose hash, link or sequence
number does not fit: an edited row breaks its own hash, a removed row leaves a gap in the
sequence, a removed tail no longer reaches the recorded head.

Limit: whoever can rewrite a whole chain *and* its head can forge history. Publishing the
heads elsewhere (the daily run writes them into its Prefect artifact) narrows that.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, String, Table, insert, select, update

from engine.contracts.digest import sha256_text
from engine.store.models import CHAINED, ChainHead

GENESIS = "0" * 64
SKIP = frozenset({"id", "row_hash"})


def canonical(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def link_hash(prev_hash: str, row: dict[str, Any]) -> str:
    return sha256_text(prev_hash + canonical(row))


def _hashed_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if c.name not in SKIP]


def _text_columns(table: Table) -> frozenset[str]:
    return frozenset(c.name for c in table.columns if isinstance(c.type, String))


def _as_stored(value: Any, text: bool) -> Any:
    """The value as the database will give it back, so the hash survives the round trip."""
    if value is None:
        return None
    return str(value) if text else int(value)


class ChainWriter:
    """Appends rows to one or more chains within the caller's transaction.

    Construct it inside the transaction (it locks the heads at once, in a fixed order so two
    writers never deadlock), `append` rows, then `close()` before commit to store the heads.
    """

    def __init__(self, conn: Connection, chains: Iterable[str]) -> None:
        self.conn = conn
        self.heads: dict[str, tuple[int, str]] = {}
        heads = ChainHead.__table__
        for chain in sorted(set(chains)):
            stmt = select(heads.c.seq, heads.c.head_hash).where(heads.c.chain == chain)
            if conn.dialect.name == "postgresql":
                stmt = stmt.with_for_update()
            seq, head = conn.execute(stmt).one()
            self.heads[chain] = (int(seq), str(head))
        self._dirty: set[str] = set()

    def link(self, chain: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Give each row its sequence number, previous hash and own hash (no insert)."""
        table: Table = CHAINED[chain].__table__  # type: ignore[assignment]
        names, texts = _hashed_columns(table), _text_columns(table)
        seq, prev = self.heads[chain]
        out = []
        for row in rows:
            seq += 1
            full = {n: _as_stored(row.get(n), n in texts) for n in names}
            full["chain_seq"], full["prev_hash"] = seq, prev
            full["row_hash"] = prev = link_hash(prev, full)
            out.append(full)
        if out:
            self.heads[chain] = (seq, prev)
            self._dirty.add(chain)
        return out

    def append(self, chain: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Link and insert rows; returns them as stored."""
        linked = self.link(chain, rows)
        if linked:
            self.conn.execute(insert(CHAINED[chain].__table__), linked)
        return linked

    def close(self) -> None:
        heads = ChainHead.__table__
        for chain in sorted(self._dirty):
            seq, head = self.heads[chain]
            self.conn.execute(update(heads).where(heads.c.chain == chain).values(seq=seq, head_hash=head))
        self._dirty.clear()


@dataclass(frozen=True)
class Break:
    chain: str
    seq: int
    row_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.chain} #{self.seq}" + (f" (id {self.row_id})" if self.row_id is not None else "")
        return f"{where}: {self.reason}"


def verify_chain(conn: Connection, chain: str, batch: int = 5000) -> tuple[int, Break | None]:
    """Walk one chain; returns (rows checked, first break or None)."""
    table: Table = CHAINED[chain].__table__  # type: ignore[assignment]
    names = _hashed_columns(table)
    head_seq, head_hash = conn.execute(
        select(ChainHead.seq, ChainHead.head_hash).where(ChainHead.chain == chain)
    ).one()
    prev, expected, count = GENESIS, 1, 0
    result = conn.execution_options(yield_per=batch).execute(select(table).order_by(table.c.chain_seq))
    for row in result.mappings():
        seq = int(row["chain_seq"])
        if seq != expected:
            return count, Break(chain, expected, None, f"record #{expected} is missing (next present is #{seq})")
        full = {n: row[n] for n in names}
        if row["prev_hash"] != prev:
            return count, Break(chain, seq, row["id"], "link to the previous record does not match (edited or removed)")
        if link_hash(prev, full) != row["row_hash"]:
            return count, Break(chain, seq, row["id"], "content does not match its hash (edited)")
        prev, expected, count = row["row_hash"], expected + 1, count + 1
    if expected - 1 != head_seq or prev != head_hash:
        if expected - 1 < head_seq:
            return count, Break(chain, expected, None, f"records #{expected}..#{head_seq} are missing (removed)")
        return count, Break(chain, expected - 1, None, "chain head does not match the last record")
    return count, None


def verify_all(conn: Connection) -> tuple[dict[str, int], Break | None]:
    counts: dict[str, int] = {}
    for chain in CHAINED:
        counts[chain], broken = verify_chain(conn, chain)
        if broken:
            return counts, broken
    return counts, None
