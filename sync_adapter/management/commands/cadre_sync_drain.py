"""
``manage.py cadre_sync_drain`` -- deliver due outbox rows now, in this process.

Prints the drain's counts as JSON; exits 3 with one line when the registry or the
database cannot be reached (the rows stay queued and are retried).
"""
import json

from django.core.management.base import BaseCommand

from sync_adapter import delivery
from sync_adapter.management.operator import operator_errors, registry_unreachable


class Command(BaseCommand):
    help = "Deliver due outbox rows to the registry (what the Celery drain task does)."

    def add_arguments(self, parser):
        parser.add_argument("--time-limit", type=float, help="seconds (default DRAIN_TIME_LIMIT)")
        parser.add_argument("--max-batches", type=int)
        parser.add_argument("--batch-size", type=int)

    def handle(self, *args, **options):
        with operator_errors():
            report = delivery.drain(time_limit=options["time_limit"], max_batches=options["max_batches"],
                                    batch_size=options["batch_size"])
        self.stdout.write(json.dumps(report.__dict__))
        if report.stopped == "registry_unavailable":
            # Nothing was lost (the rows wait with their backoff), but the operator must know.
            raise registry_unreachable("every request of the batch failed; the rows wait and are retried")
