"""
``manage.py cadre_sync_status [--json]`` -- how many rows are pending, delivered, dead,
and waiting for a decision on a conflict (``review``); exit 3 with one line when the
database cannot be reached.
"""
import json

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone

from sync_adapter.management.operator import operator_errors
from sync_adapter.models import OutboxRecord, OutboxStatus


def outbox_status():
    """Counts by status and outcome, and the oldest pending row's age in seconds."""
    counts = {row["status"]: row["n"] for row in OutboxRecord.objects.values("status").annotate(n=Count("id"))}
    outcomes = {row["outcome"]: row["n"] for row in OutboxRecord.objects.filter(
        status=OutboxStatus.DELIVERED).values("outcome").annotate(n=Count("id"))}
    oldest = OutboxRecord.objects.filter(status=OutboxStatus.PENDING).order_by("id").first()
    return {
        "pending": counts.get(OutboxStatus.PENDING, 0), "delivered": counts.get(OutboxStatus.DELIVERED, 0),
        "dead": counts.get(OutboxStatus.DEAD, 0), "review": counts.get(OutboxStatus.REVIEW, 0), "outcomes": outcomes,
        "oldest_pending_seconds": (timezone.now() - oldest.created).total_seconds() if oldest else 0,
    }


class Command(BaseCommand):
    help = "Show the outbox's state."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        with operator_errors():
            status = outbox_status()
        if options["json"]:
            self.stdout.write(json.dumps(status))
        else:
            for key, value in status.items():
                self.stdout.write(f"{key:24s} {value}")
