"""
Tell the policy plugin about blocks that were verified complete but never reported.

The block reports a verified block to ``api.report_block_verified`` on the learner's
request that completed it and retries on the learner's later requests; a learner who
never returns after a failed report (the plugin was down) is caught up by this
command.  Reporting is idempotent on the plugin's side, so running it twice is safe.

    manage.py lms cadre_credits_report_verified [--dry-run]
"""
from django.core.management.base import BaseCommand
from django.utils import timezone

from cadre_credits_xblock import policy, sessions
from cadre_credits_xblock.models import BlockProgress


class Command(BaseCommand):
    help = "Report verified-complete credit blocks that the policy plugin has not been told about."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be reported.")

    def handle(self, *args, dry_run=False, **options):
        pending = BlockProgress.objects.filter(completed__isnull=False, reported__isnull=True).select_related("user")
        reported = failed = 0
        for row in pending.iterator():
            if dry_run:
                reported += 1
                continue
            try:
                policy.report_verified(row.user, row.course_key, row.usage_key,
                                       verified_seconds=int(row.verified_seconds),
                                       session_ids=sessions.evidence_sessions(row),
                                       verified_at=row.completed)
            except Exception as exc:  # keep going; the next run retries this one
                failed += 1
                self.stderr.write(f"block {row.usage_key} of user {row.user_id}: {exc}")
                continue
            sessions.mark_reported(row, timezone.now())
            reported += 1
        verb = "would report" if dry_run else "reported"
        self.stdout.write(f"{verb} {reported} verified block(s); {failed} failed")
