"""
Storage of the reference registry: one SQLite file, one record per idempotency key.

Every delivery attempt that reaches storage bumps ``deliveries`` for its key, so the
tests can tell "stored once" (one row) from "sent once" (``deliveries == 1``).
"""
import hashlib
import json
import sqlite3
import threading
import time
import uuid
from decimal import Decimal

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    idempotency_key TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    year INTEGER,
    hours TEXT,
    credits TEXT,
    reverses TEXT,
    body TEXT NOT NULL,
    body_sha TEXT NOT NULL,
    receipt_id TEXT NOT NULL,
    received_at REAL NOT NULL,
    deliveries INTEGER NOT NULL DEFAULT 1,
    conflicts INTEGER NOT NULL DEFAULT 0,
    out_of_order INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS records_person_year ON records (person_id, year);
CREATE INDEX IF NOT EXISTS records_record_id ON records (record_id);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS transfers (
    transfer_id TEXT PRIMARY KEY,
    from_person TEXT NOT NULL,
    to_person TEXT NOT NULL,
    moved INTEGER NOT NULL,
    receipt_id TEXT NOT NULL,
    received_at REAL NOT NULL,
    deliveries INTEGER NOT NULL DEFAULT 1
);
"""


def canonical(record) -> str:
    """The text two deliveries of a record are compared by (sorted keys, compact)."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def mask_id_number(value: str) -> str:
    """Show an ID number as 110***********123X: enough to tell rows apart, no more."""
    if not value or len(value) < 8:
        return "***"
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


class RecordStore:
    """Thread-safe idempotent record storage (a lock around one SQLite connection)."""

    def __init__(self, path=":memory:"):
        self.path = path
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        if path != ":memory:":
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def _bump(self, name, by=1):
        self.db.execute(
            "INSERT INTO counters (name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value", (name, by))

    def store_many(self, records):
        """
        Store valid records idempotently, in one transaction; return one result each:
        ``(status, receipt_id)`` with status ``accepted``, ``duplicate`` or ``conflict``.
        """
        results = []
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for record in records:
                    results.append(self._store_one(record))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return results

    def _store_one(self, record):
        key = record["idempotency_key"]
        text = canonical(record)
        sha = hashlib.sha256(text.encode()).hexdigest()
        row = self.db.execute(
            "SELECT body_sha, receipt_id FROM records WHERE idempotency_key = ?", (key,)).fetchone()
        if row is not None:
            same = row["body_sha"] == sha
            self.db.execute(
                "UPDATE records SET deliveries = deliveries + 1, conflicts = conflicts + ? "
                "WHERE idempotency_key = ?", (0 if same else 1, key))
            self._bump("duplicates" if same else "conflicts")
            return ("duplicate" if same else "conflict"), row["receipt_id"]
        out_of_order = 0
        if record.get("reverses"):
            target = self.db.execute(
                "SELECT 1 FROM records WHERE record_id = ? LIMIT 1", (record["reverses"],)).fetchone()
            out_of_order = 0 if target else 1
        receipt = "R-" + uuid.uuid4().hex[:20]
        self.db.execute(
            "INSERT INTO records (idempotency_key, record_id, person_id, year, hours, credits, reverses,"
            " body, body_sha, receipt_id, received_at, out_of_order)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, record["record_id"], record["person"]["id_number"], record.get("academic_year"),
             record.get("hours"), record.get("credits"), record.get("reverses"), text, sha, receipt,
             time.time(), out_of_order))
        self._bump("accepted")
        if out_of_order:
            self._bump("out_of_order")
        return "accepted", receipt

    def transfer(self, transfer):
        """
        Re-file every record of ``transfer["from"]`` under ``transfer["to"]``, once.

        Idempotent by ``transfer_id``: the same id with the same two ID numbers is
        ``duplicate`` (nothing moves again: records that arrived under the old number
        since would need a new transfer); the same id with other numbers is
        ``conflict``.  Each moved record's body names the new person, so a later
        re-send of it under the new identity is a ``duplicate``, not a conflict.
        Returns ``(status, receipt_id, moved)``.
        """
        key, source, target = transfer["transfer_id"], transfer["from"]["id_number"], transfer["to"]["id_number"]
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                row = self.db.execute("SELECT from_person, to_person, receipt_id, moved FROM transfers"
                                      " WHERE transfer_id = ?", (key,)).fetchone()
                if row is not None:
                    same = (row["from_person"], row["to_person"]) == (source, target)
                    self.db.execute("UPDATE transfers SET deliveries = deliveries + 1 WHERE transfer_id = ?", (key,))
                    self._bump("transfer_duplicates" if same else "transfer_conflicts")
                    self.db.execute("COMMIT")
                    return ("duplicate" if same else "conflict"), row["receipt_id"], row["moved"]
                moved = 0
                person = {"id_number": target, "name": transfer["to"].get("name"),
                          "unit_code": transfer["to"].get("unit_code")}
                for record in self.db.execute("SELECT idempotency_key, body FROM records WHERE person_id = ?",
                                              (source,)).fetchall():
                    body = json.loads(record["body"])
                    body["person"] = {**body.get("person", {}), **{k: v for k, v in person.items() if v}}
                    text = canonical(body)
                    self.db.execute("UPDATE records SET person_id = ?, body = ?, body_sha = ? WHERE idempotency_key = ?",
                                    (target, text, hashlib.sha256(text.encode()).hexdigest(),
                                     record["idempotency_key"]))
                    moved += 1
                receipt = "T-" + uuid.uuid4().hex[:20]
                self.db.execute("INSERT INTO transfers (transfer_id, from_person, to_person, moved, receipt_id,"
                                " received_at) VALUES (?, ?, ?, ?, ?, ?)",
                                (key, source, target, moved, receipt, time.time()))
                self._bump("transfers")
                self._bump("transferred_records", moved)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return "accepted", receipt, moved

    def person_record_count(self, person_id):
        """How many records are filed under one ID number (any year)."""
        with self.lock:
            return self.db.execute("SELECT COUNT(*) FROM records WHERE person_id = ?", (person_id,)).fetchone()[0]

    def bump(self, name, by=1):
        """Count an event (rejected records, injected faults, refused signatures)."""
        with self.lock:
            self._bump(name, by)

    def totals(self, person_id, year):
        """Signed sums of hours and credits, count and record ids for one person-year."""
        with self.lock:
            rows = self.db.execute(
                "SELECT record_id, hours, credits FROM records WHERE person_id = ? AND year IS ?",
                (person_id, year)).fetchall()
        hours = sum((Decimal(row["hours"]) for row in rows if row["hours"] is not None), Decimal(0))
        credits = sum((Decimal(row["credits"]) for row in rows if row["credits"] is not None), Decimal(0))
        return {
            "hours": str(hours), "credits": str(credits), "record_count": len(rows),
            "record_ids": sorted(row["record_id"] for row in rows),
        }

    def counters(self):
        with self.lock:
            rows = self.db.execute("SELECT name, value FROM counters").fetchall()
            stored = self.db.execute(
                "SELECT COUNT(*), COALESCE(SUM(deliveries), 0), COALESCE(MAX(deliveries), 0),"
                " COALESCE(SUM(out_of_order), 0) FROM records").fetchone()
        data = {row["name"]: row["value"] for row in rows}
        data.update({"stored": stored[0], "deliveries": stored[1], "max_deliveries": stored[2],
                     "stored_out_of_order": stored[3]})
        return data

    def records(self, limit=None, offset=0):
        """Stored records, newest first, ID numbers masked."""
        sql = ("SELECT idempotency_key, record_id, person_id, year, hours, credits, reverses, receipt_id,"
               " received_at, deliveries, conflicts, out_of_order FROM records ORDER BY received_at DESC, rowid DESC")
        params = ()
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = (int(limit), int(offset))
        with self.lock:
            rows = self.db.execute(sql, params).fetchall()
        result = []
        for row in rows:
            item = dict(row)
            item["person_id"] = mask_id_number(item["person_id"])
            result.append(item)
        return result

    def reset(self):
        with self.lock:
            self.db.execute("DELETE FROM records")
            self.db.execute("DELETE FROM counters")
            self.db.execute("DELETE FROM transfers")
