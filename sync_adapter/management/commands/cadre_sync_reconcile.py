"""
``manage.py cadre_sync_reconcile [--year 2026] [--learner 1001] [--requeue] [--json]``

Compares the registry's totals per learner and academic year with the ledger and
prints every difference; exits with status 1 when there is any (for cron/alerting),
and with status 3 and one line when the registry or the database cannot be reached.
"""
import json
import sys

from django.core.management.base import BaseCommand

from sync_adapter import reconciliation
from sync_adapter.management.operator import operator_errors


class Command(BaseCommand):
    help = "Report every difference between the registry and the ledger; optionally re-queue what is missing."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)
        parser.add_argument("--learner", type=int, action="append", dest="learners")
        parser.add_argument("--requeue", action="store_true", help="send missing records again")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        with operator_errors():
            report = reconciliation.reconcile(year=options["year"], user_ids=options["learners"],
                                              requeue=options["requeue"])
        if options["json"]:
            self.stdout.write(json.dumps({
                "checked": report.checked, "requeued": report.requeued, "enqueued": report.enqueued,
                "differences": [diff.as_dict() for diff in report.differences],
            }, indent=2))
        else:
            self.stdout.write(f"checked {report.checked} learner-years, {len(report.differences)} differ")
            for diff in report.differences:
                self.stdout.write(
                    f"user {diff.user_id} year {diff.year}: hours ledger {diff.ledger_hours} registry "
                    f"{diff.registry_hours}; credits {diff.ledger_credits}/{diff.registry_credits}; "
                    f"records {diff.ledger_count}/{diff.registry_count}; missing {len(diff.missing)} "
                    f"(in flight {len(diff.in_flight)}, dead {len(diff.dead)}); unexpected "
                    f"{len(diff.unexpected)}; re-queued {diff.requeued} {diff.error}")
        if report.differences:
            sys.exit(1)
