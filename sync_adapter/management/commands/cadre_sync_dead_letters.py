"""
``manage.py cadre_sync_dead_letters list|show|replay`` -- the dead-letter desk.

Examples::

    manage.py cadre_sync_dead_letters list                      # reasons summary + rows
    manage.py cadre_sync_dead_letters list --reason rejected:invalid_id_number
    manage.py cadre_sync_dead_letters show 42
    manage.py cadre_sync_dead_letters replay --learner 1001
    manage.py cadre_sync_dead_letters replay --reason retries_exhausted
    manage.py cadre_sync_dead_letters replay --all

A reason ending in ``:`` matches every reason with that prefix (``rejected:``).
"""
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sync_adapter import dead_letters
from sync_adapter.management.operator import operator_errors
from sync_adapter.models import OutboxRecord


class Command(BaseCommand):
    help = "List, explain and replay records the registry sync gave up on."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("list", "replay"):
            action = sub.add_parser(name)
            action.add_argument("--learner", type=int, help="only this user id")
            action.add_argument("--reason", help="only this dead reason (prefix if it ends with ':')")
            action.add_argument("--id", type=int, action="append", dest="ids", help="only this outbox id")
            if name == "replay":
                action.add_argument("--all", action="store_true", help="replay every dead letter")
            else:
                action.add_argument("--json", action="store_true")
        show = sub.add_parser("show")
        show.add_argument("id", type=int)

    def handle(self, *args, **options):
        with operator_errors():
            getattr(self, f"do_{options['action']}")(options)

    def _rows(self, options):
        return dead_letters.dead_letters(user_id=options.get("learner"), reason=options.get("reason"),
                                         ids=options.get("ids"))

    def do_list(self, options):
        rows = self._rows(options)
        if options.get("json"):
            self.stdout.write(json.dumps([_row_dict(row) for row in rows], ensure_ascii=False, indent=2))
            return
        for reason, count in dead_letters.reasons_summary():
            self.stdout.write(f"{count:8d}  {reason}")
        self.stdout.write("")
        for row in rows:
            self.stdout.write(f"{row.pk:8d}  user {row.user_id}  entry {row.entry_uuid}  {row.dead_reason}"
                              f"  attempts {row.attempts}  since {timezone.localtime(row.dead_at):%Y-%m-%d %H:%M}")

    def do_show(self, options):
        try:
            row = OutboxRecord.objects.get(pk=options["id"])
        except OutboxRecord.DoesNotExist as exc:
            raise CommandError(f"no outbox row {options['id']}") from exc
        self.stdout.write(json.dumps(_row_dict(row), ensure_ascii=False, indent=2))

    def do_replay(self, options):
        if not (options.get("all") or options.get("learner") is not None or options.get("reason")
                or options.get("ids")):
            raise CommandError("say what to replay: --all, --learner, --reason or --id")
        count = dead_letters.replay(self._rows(options))
        self.stdout.write(self.style.SUCCESS(f"{count} dead letters queued again"))


def _row_dict(row):
    return {
        "id": row.pk, "user_id": row.user_id, "entry_uuid": row.entry_uuid, "version": row.version,
        "academic_year": row.academic_year, "status": row.status, "dead_reason": row.dead_reason,
        "last_error": row.last_error, "last_error_detail": row.last_error_detail, "attempts": row.attempts,
        "dead_at": row.dead_at.isoformat() if row.dead_at else None, "replay_count": row.replay_count,
        "payload": row.payload,
    }
