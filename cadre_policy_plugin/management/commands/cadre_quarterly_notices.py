"""
Send each active learner a short notice of their year's progress (Loudi Art. 16).

    ./manage.py lms cadre_quarterly_notices --year 2026 --quarter 2 [--node AH-HF] [--dry-run]

From the year-status cache; ``--recompute`` first re-runs the engine for learners whose
status is missing or stale.  Learners without an e-mail address (or without a status)
are skipped and listed by username and unit so their unit can reach them; the notice
never contains an ID number.  ``--dry-run`` composes the notices and prints the first
one instead of sending.
"""
from django.core.management.base import BaseCommand, CommandError

from cadre_policy_plugin.services import circulars, notices


class Command(BaseCommand):
    help = "Send learners their quarterly training-progress notice by e-mail."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Academic year.")
        parser.add_argument("--quarter", type=int, required=True, choices=(1, 2, 3, 4))
        parser.add_argument("--node", help="Only learners below this node (code or id); default: everyone.")
        parser.add_argument("--language", default="zh-hans", help="zh-hans (default) or en.")
        parser.add_argument("--from-email", help="Sender address (default: DEFAULT_FROM_EMAIL).")
        parser.add_argument("--dry-run", action="store_true", help="Compose only; send nothing.")
        parser.add_argument("--recompute", action="store_true",
                            help="First recompute learners whose cached status is missing or stale.")

    def progress(self, stage, done, total):
        self.stderr.write(f"  {stage}: {done}/{total}")

    def handle(self, *args, **options):
        node = None
        if options["node"]:
            node = circulars.resolve_node(options["node"])
            if node is None:
                raise CommandError(f"no organisation node {options['node']!r}")
        year, quarter = options["year"], options["quarter"]
        if options["recompute"]:
            done, skipped = circulars.recompute_stale(node, year, progress=self.progress)
            self.stderr.write(f"Recomputed {done} learner status(es); {skipped} without a policy")
        run = notices.send_quarterly_notices(node, year, quarter, language=options["language"],
                                             dry_run=options["dry_run"], from_email=options["from_email"],
                                             progress=self.progress)
        for label, lines in (("no e-mail address", run.skipped_no_email), ("no status for the year", run.skipped_no_status),
                             ("sending failed", run.failed)):
            for line in lines:
                self.stdout.write(f"  skipped ({label}): {line.username} [{line.unit_code}]")
        if options["dry_run"]:
            if run.messages:
                to, subject, body = run.messages[0]
                self.stdout.write(f"--- first notice (to {to}) ---\n{subject}\n\n{body}---")
            self.stdout.write(f"Dry run: {run.would_send} notice(s) would be sent")
        else:
            self.stdout.write(self.style.SUCCESS(f"Sent: {run.sent}"))
        self.stdout.write(f"Skipped without e-mail: {len(run.skipped_no_email)}; without status: "
                          f"{len(run.skipped_no_status)}; failed: {len(run.failed)}")
