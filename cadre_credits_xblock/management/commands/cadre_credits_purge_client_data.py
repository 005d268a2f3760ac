"""
Blank the client address and browser of learning sessions older than the retention.

Both are personal data kept only for the shared-device review (ADR 0022): after
``CADRE_CREDITS["CLIENT_DATA_RETENTION_DAYS"]`` days (from the session's start) they
are erased; the session itself, its credited seconds and its attention checks stay as
the evidence behind the hours.  Run it daily (cron, or a Celery beat entry):

    manage.py lms cadre_credits_purge_client_data [--dry-run]
"""
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Q

from cadre_credits_xblock import clock
from cadre_credits_xblock.conf import credits_setting
from cadre_credits_xblock.models import LearningSession


class Command(BaseCommand):
    help = "Erase client addresses and browsers of sessions older than CLIENT_DATA_RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count the sessions that would be blanked.")

    def handle(self, *args, dry_run=False, **options):
        days = int(credits_setting("CLIENT_DATA_RETENTION_DAYS"))
        cutoff = clock.now() - timedelta(days=days)  # the block's server clock, as the sessions
        old = LearningSession.objects.filter(started__lt=cutoff).filter(
            Q(client_address__isnull=False) | ~Q(user_agent=""))
        count = old.count() if dry_run else old.update(client_address=None, user_agent="")
        verb = "would blank" if dry_run else "blanked"
        self.stdout.write(f"{verb} the client data of {count} session(s) started before {cutoff:%Y-%m-%d} "
                          f"({days} days)")
