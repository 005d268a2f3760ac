"""
The year-end close: rebuild the year-status cache (and the annual certificates that
follow from it) for the learners of a node, or all, over Celery workers.

Use it at year end, after a bulk import, after changing a policy with
``CADRE_POLICY["RECOMPUTE_ON_POLICY_CHANGE"]`` off, or whenever the cache is in doubt:
the ledger is the truth and this only re-derives from it.  The learners are split into
chunks (``CLOSE_CHUNK_SIZE``), one Celery task each, on any number of workers; the
command queues them and shows the progress (done/total, learners per second, ETA)
until the job is done.  Each chunk is one transaction, so an interrupted run leaves
every chunk either old or new: run the same command again and it resumes the job,
redoing only the unfinished chunks (ADR 0017).

    ./manage.py lms cadre_recompute_year_status --year 2026 --unit AH-HF
    ./manage.py lms cadre_recompute_year_status --year 2026 --inline   # no workers: in this process
"""
from django.core.management.base import BaseCommand, CommandError

from cadre_policy_plugin.models import OrgNode
from cadre_policy_plugin.services import close
from cadre_policy_plugin.services.evaluation import current_year


def _duration(seconds):
    if seconds is None:
        return "?"
    seconds = int(seconds)
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"


class Command(BaseCommand):
    help = "Recompute learners' cached year statuses from the ledger (and issue/revoke annual certificates)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", dest="years",
                            help="Academic year to recompute (repeatable; default: the current year).")
        parser.add_argument("--unit", help="Only learners below this organisation node code.")
        parser.add_argument("--user", type=int, action="append", dest="users", help="Only this user id (repeatable).")
        parser.add_argument("--chunk-size", type=int, help="Learners per task (default: CLOSE_CHUNK_SIZE).")
        parser.add_argument("--restart", action="store_true",
                            help="Start a new job even when an unfinished one of the same scope exists.")
        parser.add_argument("--inline", action="store_true", help="Run the chunks in this process, not on workers.")
        parser.add_argument("--no-wait", action="store_true", help="Queue the chunks and return (see --status).")
        parser.add_argument("--status", type=int, metavar="JOB", help="Show a job's progress and exit.")
        parser.add_argument("--poll", type=float, default=2.0, help="Seconds between progress lines.")

    def progress_line(self, state):
        rate = f"{state.rate:,.0f} learners/s" if state.rate else "- learners/s"
        line = (f"  {state.learners_done}/{state.learners_total} learners, "
                f"{state.chunks_done}/{state.chunks_total} chunks ({state.chunks_running} running), {rate}")
        if not state.finished:
            line += f", ETA {_duration(state.eta_seconds)}"
        self.stdout.write(line)

    def handle(self, *args, **options):
        if options["status"]:
            job = close.CloseJob.objects.filter(pk=options["status"]).first()
            if job is None:
                raise CommandError(f"no close job {options['status']}")
            self.progress_line(close.progress(job))
            return
        years = sorted(set(options["years"] or [current_year()]))
        node = None
        if options["unit"]:
            node = OrgNode.objects.filter(code=options["unit"]).first()
            if node is None:
                raise CommandError(f"no organisation node with code {options['unit']!r}")
        users = sorted(set(options["users"] or ()))
        job = None if options["restart"] else close.open_job(node, years, users)
        if job is not None:
            state = close.progress(job)
            self.stdout.write(f"Resuming close job {job.pk} ({', '.join(map(str, years))}): "
                              f"{state.learners_done}/{state.learners_total} learners already done")
        else:
            job = close.create_job(node=node, years=years, user_ids=users, chunk_size=options["chunk_size"])
            self.stdout.write(f"Close job {job.pk}: recomputing {', '.join(map(str, years))} for "
                              f"{job.total_learners} learner(s) in {job.total_chunks} chunk(s)")
        if options["inline"]:
            state = close.run_inline(job, on_chunk=self.progress_line)
        else:
            queued = close.dispatch(job, force=True)
            self.stdout.write(f"  {queued} chunk(s) queued")
            if options["no_wait"]:
                self.stdout.write(f"Follow it with --status {job.pk}")
                return
            last = {}

            def show(state):
                key = (state.learners_done, state.chunks_running)
                if key != last.get("key"):
                    last["key"] = key
                    self.progress_line(state)

            state = close.wait(job, poll=options["poll"], on_progress=show)
        if state.skipped:
            self.stderr.write(self.style.WARNING(f"{state.skipped} learner(s) skipped: no policy applies to their unit"))
        self.stdout.write(self.style.SUCCESS(f"Done: {state.learners_done - state.skipped} learner(s) recomputed"))
