"""
What the two file-import commands share: the acting administrator, reading the file,
progress on stderr, and the row report (every error listed, nothing written).

Each command says only what differs: its extra options and which import it runs.
"""
import json
from abc import ABCMeta, abstractmethod

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

#: Exit status when the database cannot be used (1 is "the file has errors").
EXIT_UNREACHABLE = 3


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


class ImportCommand(BaseCommand, metaclass=ABCMeta):
    """A command that imports one CSV/XLSX file as a unit administrator, all rows or none."""

    dry_run_help = "Check and report; write nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8 or GBK) or XLSX file; see docs/plugin.md for the columns.")
        parser.add_argument("--admin", required=True, help="Username of the unit administrator importing.")
        parser.add_argument("--dry-run", action="store_true", help=self.dry_run_help)
        parser.add_argument("--json", action="store_true", help="Print the row report as JSON.")

    def progress(self, stage, done, total):
        self.stderr.write(f"  {stage}: {done}/{total}")

    @abstractmethod
    def run_import(self, data, filename, admin, options):
        """Run this command's import and return its row report (each subclass names its import)."""

    def handle(self, *args, **options):
        data = read_file(options["file"])
        try:
            admin = load_admin(options["admin"])
            report = self.run_import(data, options["file"], admin, options)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        except DatabaseError as exc:
            # One line, never a traceback; nothing was written (the import is one transaction).
            raise CommandError(f"the database cannot be used: {type(exc).__name__}: "
                               f"{(str(exc).splitlines() or [''])[0][:200]}; nothing was written",
                               returncode=EXIT_UNREACHABLE) from None
        print_report(self, report, options["json"])
