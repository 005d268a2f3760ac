"""
Rebuild the year-status cache (and the annual certificates that follow from it).

Use it after a bulk import, after changing a policy with
``CADRE_POLICY["RECOMPUTE_ON_POLICY_CHANGE"]`` off, or whenever the cache is in doubt:
the ledger is the truth and this only re-derives from it.  Each learner is one
transaction, so an interrupted run leaves every row either old or new, and re-running
is safe.

    ./manage.py lms cadre_recompute_year_status --year 2026 --unit AH-HF
"""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cadre_policy_plugin.models import LearnerProfile, OrgNode
from cadre_policy_plugin.policy import NoPolicyError
from cadre_policy_plugin.services.evaluation import current_year, recompute_year


class Command(BaseCommand):
    help = "Recompute learners' cached year statuses from the ledger (and issue/revoke annual certificates)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", dest="years",
                            help="Academic year to recompute (repeatable; default: the current year).")
        parser.add_argument("--unit", help="Only learners below this organisation node code.")
        parser.add_argument("--user", type=int, action="append", dest="users", help="Only this user id (repeatable).")
        parser.add_argument("--progress-every", type=int, default=100, help="Print progress every N learners.")

    def handle(self, *args, **options):
        years = sorted(set(options["years"] or [current_year()]))
        profiles = LearnerProfile.objects.select_related("unit", "user").order_by("id")
        if options["unit"]:
            node = OrgNode.objects.filter(code=options["unit"]).first()
            if node is None:
                raise CommandError(f"no organisation node with code {options['unit']!r}")
            profiles = profiles.in_subtree([node])
        if options["users"]:
            profiles = profiles.filter(user_id__in=options["users"])
        total = profiles.count()
        every = max(1, options["progress_every"])
        done = skipped = 0
        self.stdout.write(f"Recomputing {', '.join(map(str, years))} for {total} learner(s)")
        for profile in profiles.iterator(chunk_size=500):
            try:
                with transaction.atomic():
                    locked = LearnerProfile.objects.select_for_update().select_related("unit", "user").get(
                        pk=profile.pk)
                    for year in years:
                        recompute_year(locked, year)
            except NoPolicyError:
                skipped += 1
            done += 1
            if done % every == 0 or done == total:
                self.stdout.write(f"  {done}/{total} learners")
        if skipped:
            self.stderr.write(self.style.WARNING(f"{skipped} learner(s) skipped: no policy applies to their unit"))
        self.stdout.write(self.style.SUCCESS(f"Done: {done - skipped} learner(s) recomputed"))
