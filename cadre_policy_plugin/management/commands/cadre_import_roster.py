"""
Import a unit's learner roster (Fujian §5.1) from CSV (UTF-8 or GBK) or XLSX:

    ./manage.py lms cadre_import_roster roster.xlsx --admin fx_admin --dry-run
    ./manage.py lms cadre_import_roster roster.csv --admin fx_admin --approve

Every row is checked first; with any error nothing is written, every error is listed
(row, column, message; masked ID numbers only) and the command exits with status 1.
``--dry-run`` checks and reports without writing.  The import acts as the
``--admin`` user: units outside that administrator's subtree are refused, and every
write is audited under their name.  Progress goes to stderr.
"""
import json

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from cadre_policy_plugin.services import roster_import


def load_admin(username):
    admin = get_user_model().objects.filter(username=username).first()
    if admin is None:
        raise CommandError(f"no user {username!r}")
    return admin


def read_file(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None


def print_report(command, report, as_json):
    """The row report on stdout (text or JSON); raise CommandError listing every error."""
    if as_json:
        command.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        for row in report.rows:
            command.stdout.write(" ".join(str(part) for part in row.as_dict().values()
                                          if part not in ("", [], None)))
        if report.ignored_columns:
            command.stderr.write(f"Ignored columns: {', '.join(report.ignored_columns)}")
    if report.errors:
        lines = [f"  row {error.row}, {error.column}: {error.message}" for error in report.errors]
        raise CommandError(f"{len(report.errors)} error(s); nothing was written:\n" + "\n".join(lines))
    counts = ", ".join(f"{key} {value}" for key, value in sorted(report.counts().items())) or "no rows"
    verb = "Would write" if report.dry_run else "Written"
    command.stderr.write(f"{verb}: {counts}")


def file_error(exc):
    return CommandError("; ".join(exc.messages))


class Command(BaseCommand):
    help = "Import learners (real-name roster) from a CSV or XLSX file, all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8 or GBK) or XLSX file; see docs/plugin.md for the columns.")
        parser.add_argument("--admin", required=True, help="Username of the unit administrator importing.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")
        parser.add_argument("--approve", action="store_true",
                            help="Approve and activate the imported learners (default: pending approval).")
        parser.add_argument("--json", action="store_true", help="Print the row report as JSON.")

    def progress(self, stage, done, total):
        self.stderr.write(f"  {stage}: {done}/{total}")

    def handle(self, *args, **options):
        admin = load_admin(options["admin"])
        data = read_file(options["file"])
        try:
            report = roster_import.import_roster(data, options["file"], admin=admin, dry_run=options["dry_run"],
                                                 approve=options["approve"], progress=self.progress)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise file_error(exc) from None
        print_report(self, report, options["json"])
