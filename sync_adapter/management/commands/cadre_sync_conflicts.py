"""
``manage.py cadre_sync_conflicts list|accept|resend`` -- the conflicts desk.

The registry answered ``conflict`` to these rows (it holds a different body under the
key); nothing counts them as delivered until a person decides::

    manage.py cadre_sync_conflicts list [--learner 1001] [--json]
    manage.py cadre_sync_conflicts accept --id 42 --by wangfang --reason "registry copy checked, correct"
    manage.py cadre_sync_conflicts resend --learner 1001 --by wangfang --reason "ID number transfer delivered"
"""
import json

from django.core.management.base import BaseCommand, CommandError

from sync_adapter import conflicts
from sync_adapter.management.operator import operator_errors


class Command(BaseCommand):
    help = "List the rows the registry answered 'conflict' to, and decide them (accept or resend)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("list", "accept", "resend"):
            action = sub.add_parser(name)
            action.add_argument("--learner", type=int, help="only this user id")
            action.add_argument("--id", type=int, action="append", dest="ids", help="only this outbox id")
            if name == "list":
                action.add_argument("--json", action="store_true")
            else:
                action.add_argument("--by", required=True, help="username of the person deciding")
                action.add_argument("--reason", required=True, help="why (kept with the row)")

    def handle(self, *args, **options):
        with operator_errors():
            rows = conflicts.conflicts(user_id=options.get("learner"), ids=options.get("ids"))
            if options["action"] == "list":
                self._list(rows, options)
                return
            if options.get("learner") is None and not options.get("ids"):
                raise CommandError("say which rows: --learner or --id")
            try:
                count = conflicts.decide(rows, options["action"], by=options["by"], reason=options["reason"])
            except conflicts.DecisionError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(self.style.SUCCESS(f"{count} conflict(s) decided: {options['action']}"))

    def _list(self, rows, options):
        items = [{"id": row.pk, "kind": row.kind, "user_id": row.user_id, "entry_uuid": row.entry_uuid,
                  "academic_year": row.academic_year, "receipt_id": row.receipt_id, "attempts": row.attempts}
                 for row in rows]
        if options.get("json"):
            self.stdout.write(json.dumps(items, ensure_ascii=False, indent=2))
            return
        for item in items:
            self.stdout.write(f"{item['id']:8d}  {item['kind']:8s}  user {item['user_id']}  {item['entry_uuid']}"
                              f"  year {item['academic_year']}  receipt {item['receipt_id']}")
        self.stdout.write(f"{len(items)} conflict(s) waiting for a decision")
