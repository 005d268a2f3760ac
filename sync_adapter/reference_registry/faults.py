"""
Injected misbehaviour, drawn from a seeded generator so a run can be repeated.

Each request to a record endpoint draws one number; the rates are stacked ranges of
``[0, 1)``, so ``error_rate=0.3, rate_limit_rate=0.1`` fails 30 % and throttles 10 %.
"""
import dataclasses
import random
import threading

#: The misbehaviours, in the order their ranges are stacked.
KINDS = ("error", "rate_limit", "drop", "timeout", "lost_answer")


@dataclasses.dataclass
class FaultConfig:
    """What the registry should get wrong, and how often."""

    error_rate: float = 0.0        # 5xx before storing anything
    rate_limit_rate: float = 0.0   # 429 with Retry-After
    drop_rate: float = 0.0         # close the connection without an answer, nothing stored
    timeout_rate: float = 0.0      # store, then sleep past the client's read timeout
    lost_answer_rate: float = 0.0  # store, then drop the connection (a duplicate delivery follows)
    latency_ms: int = 0            # added to every record request
    timeout_seconds: float = 5.0
    retry_after: float = 1.0
    error_status: int = 503
    seed: int = 0
    # Refuse a whole batch with 422 when any record in it is invalid (as registries
    # without per-record answers do); the client must split it to save the rest.
    strict_batches: bool = False

    @classmethod
    def from_dict(cls, data):
        names = {field.name for field in dataclasses.fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        config = cls(**data)
        total = sum(getattr(config, f"{kind}_rate") for kind in KINDS)
        if total > 1.0 or any(getattr(config, f"{kind}_rate") < 0 for kind in KINDS):
            raise ValueError("fault rates must be >= 0 and add up to at most 1")
        return config

    def as_dict(self):
        return dataclasses.asdict(self)


class FaultInjector:
    """Holds the current FaultConfig and its seeded generator."""

    def __init__(self, config=None):
        self.lock = threading.Lock()
        self.configure(config or FaultConfig())

    def configure(self, config):
        with self.lock:
            self.config = config
            self.rng = random.Random(config.seed)

    def draw(self):
        """The fault for the next record request (``None`` for a well-behaved answer)."""
        with self.lock:
            config = self.config
            value = self.rng.random()
        edge = 0.0
        for kind in KINDS:
            edge += getattr(config, f"{kind}_rate")
            if value < edge:
                return kind
        return None
