"""
The adapter interface between the delivery code and one registry's wire format.

An adapter turns outbox snapshots plus the registry identity into records, sends a
batch and reports one :class:`RecordResult` per record.  It never raises for a
registry or network failure: it says, per record, whether the registry took it, refused
it for good, wants it again later, or asked everyone to slow down.  The delivery code
turns those answers into state changes, so retry policy is the same for every format.
"""
import abc
import dataclasses
import enum
from decimal import Decimal


class ResultKind(enum.StrEnum):
    """What should happen to a record after a send."""

    DELIVERED = "delivered"        # the registry holds it (new, duplicate or conflict)
    REJECTED = "rejected"          # permanent refusal: dead letter, no retry
    RETRY = "retry"                # transient: back off, counts as an attempt
    RATE_LIMITED = "rate_limited"  # 429: wait Retry-After, no attempt consumed
    NOT_SENT = "not_sent"          # the adapter stopped before sending it: release as is


@dataclasses.dataclass(frozen=True)
class OutgoingRecord:
    """A record ready to leave: its idempotency key and the body the registry gets."""

    key: str
    body: dict


@dataclasses.dataclass(frozen=True)
class RecordResult:
    """The registry's answer for one record; ``code``/``detail`` never hold personal data."""

    key: str
    kind: ResultKind
    outcome: str = ""          # accepted | duplicate | conflict (DELIVERED only)
    receipt_id: str = ""
    code: str = ""
    detail: str = ""
    retry_after: float | None = None


@dataclasses.dataclass(frozen=True)
class RegistryTotals:
    """What the registry holds for one person and academic year."""

    hours: Decimal
    credits: Decimal
    record_count: int
    record_ids: tuple = ()


class PayloadError(ValueError):
    """A record cannot be expressed in the registry's format (dead letter, no retry)."""

    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


class RegistryAdapter(abc.ABC):
    """
    Base class of registry adapters.

    Subclasses implement :meth:`build_record`, :meth:`send` and :meth:`fetch_totals`.
    ``max_batch_size`` caps CADRE_SYNC["BATCH_SIZE"] for registries with a lower limit.
    """

    max_batch_size = None

    def __init__(self, config):
        self.config = config

    def batch_size(self):
        """Records per request: the setting, capped by the registry's own limit."""
        size = int(self.config["BATCH_SIZE"])
        return min(size, self.max_batch_size) if self.max_batch_size else size

    @abc.abstractmethod
    def build_record(self, key, version, snapshot, identity):
        """Return the body of one record; raise :class:`PayloadError` if impossible."""

    @abc.abstractmethod
    def send(self, records):
        """Send ``records`` (list of OutgoingRecord); return one RecordResult per record."""

    def build_transfer(self, key, correction, identity):
        """
        The body of one identity transfer: every record held under
        ``correction.old_id_number`` is re-filed under ``correction.new_id_number``
        (``identity`` is the person's current registry identity, for name and unit).
        A registry without such an operation cannot take corrections: dead letter.
        """
        raise PayloadError("transfers_unsupported", f"{type(self).__name__} cannot send identity transfers")

    def send_transfers(self, transfers):
        """Send ``transfers`` (list of OutgoingRecord); return one RecordResult per transfer."""
        return [RecordResult(t.key, ResultKind.REJECTED, code="transfers_unsupported") for t in transfers]

    @abc.abstractmethod
    def fetch_totals(self, queries):
        """
        Ask the registry what it holds.

        ``queries`` is a list of ``(identity, year)``; return a list of the same length
        with a :class:`RegistryTotals` (or ``None`` when the registry knows nothing).
        Raise on failure: reconciliation is a report, not a delivery.
        """
