"""
Print (or write) a node's circular (通报) for a year: Fujian §4.4, Loudi Art. 15–16.

    ./manage.py lms cadre_unit_circular --node AH-HF-SX --year 2026
    ./manage.py lms cadre_unit_circular --node AH-HF-SX --year 2026 --format xlsx --output 2026.xlsx
    ./manage.py lms cadre_unit_circular --node 42 --year 2026 --language en --threshold 90

Figures come from the year-status cache; ``--recompute`` first re-runs the engine for
learners whose status is missing or older than their ledger.  The text goes to stdout
(or ``--output``); progress of long runs goes to stderr so it never mixes with the
circular.  CSV and XLSX are binary-safe and need ``--output`` (or go to stdout's buffer).
"""
import sys
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from cadre_policy_plugin.services import circular_exports, circulars


def decimal_argument(value):
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(value) from None
    if not Decimal(0) <= number <= Decimal(100):
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Print a node's training circular (通报) for a year: units' completion rates and learners short."

    def add_arguments(self, parser):
        parser.add_argument("--node", required=True, help="Organisation node code or id.")
        parser.add_argument("--year", type=int, required=True, help="Academic year.")
        parser.add_argument("--format", choices=("text", "csv", "xlsx"), default="text")
        parser.add_argument("--part", choices=("learners", "units"), default="learners",
                            help="For CSV: the learner table (default) or the unit table.")
        parser.add_argument("--output", help="Write to this file instead of stdout.")
        parser.add_argument("--threshold", type=decimal_argument, default=circulars.DEFAULT_THRESHOLD,
                            help="Completion rate (percent) below which a unit is flagged (default 80).")
        parser.add_argument("--language", default="zh-hans", help="zh-hans (default) or en.")
        parser.add_argument("--recompute", action="store_true",
                            help="First recompute learners whose cached status is missing or stale.")

    def progress(self, stage, done, total):
        self.stderr.write(f"  {stage}: {done}/{total}" if total else f"  {stage}: {done}")

    def handle(self, *args, **options):
        node = circulars.resolve_node(options["node"])
        if node is None:
            raise CommandError(f"no organisation node {options['node']!r}")
        year = options["year"]
        if options["recompute"]:
            done, skipped = circulars.recompute_stale(node, year, progress=self.progress)
            self.stderr.write(f"Recomputed {done} learner status(es); {skipped} without a policy")
        circular = circulars.build_circular(node, year, threshold=options["threshold"], progress=self.progress)
        language = options["language"]
        output = options["output"]
        if options["format"] == "text":
            self._emit(circular_exports.to_text(circular, language=language), output)
        elif options["format"] == "csv" and output:
            with open(output, "wb") as handle:  # streamed: one chunk of rows in memory at a time
                for chunk in circular_exports.iter_csv(circular, language=language, part=options["part"]):
                    handle.write(chunk)
        elif options["format"] == "csv":
            self._emit(circular_exports.to_csv(circular, language=language, part=options["part"]), output)
        elif output:
            circular_exports.write_xlsx(circular, output, language=language)
        else:
            self._emit(circular_exports.to_xlsx(circular, language=language), output)
        if output:
            self.stderr.write(f"Wrote {output} ({circular.totals.learners} learners, "
                              f"{len(circular.units)} units, {len(circular.flagged_units)} below target)")

    def _emit(self, payload, output):
        if output:
            mode, data = ("w", payload) if isinstance(payload, str) else ("wb", payload)
            with open(output, mode, **({"encoding": "utf-8"} if mode == "w" else {})) as handle:
                handle.write(data)
        elif isinstance(payload, str):
            self.stdout.write(payload, ending="")
        else:
            stream = getattr(self.stdout, "_out", sys.stdout)
            buffer = getattr(stream, "buffer", None)
            if buffer is None:
                raise CommandError("binary formats need --output when stdout is not a file")
            buffer.write(payload)
            buffer.flush()
