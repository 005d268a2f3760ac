"""``manage.py cadre_sync_drain`` -- deliver due outbox rows now, in this process."""
import json

from django.core.management.base import BaseCommand

from sync_adapter import delivery


class Command(BaseCommand):
    help = "Deliver due outbox rows to the registry (what the Celery drain task does)."

    def add_arguments(self, parser):
        parser.add_argument("--time-limit", type=float, help="seconds (default DRAIN_TIME_LIMIT)")
        parser.add_argument("--max-batches", type=int)
        parser.add_argument("--batch-size", type=int)

    def handle(self, *args, **options):
        report = delivery.drain(time_limit=options["time_limit"], max_batches=options["max_batches"],
                                batch_size=options["batch_size"])
        self.stdout.write(json.dumps(report.__dict__))
