"""
Back-fill entries (补录) from a CSV (UTF-8 or GBK) or XLSX file:

    ./manage.py lms cadre_import_entries 2026-offline.xlsx --admin fx_admin \
        --reason "2026年春季党校培训班结业名单" --dry-run

Each row is credited through the api with the written reason and evidence type
"import" (the row's 凭证, or the file's SHA-256 and the row number), so importing a
file twice credits nothing twice.  Any row error (including an entry the learner's
rules refuse) writes nothing and lists every error; ``--dry-run`` runs the whole
import and rolls it back.  Progress goes to stderr.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from cadre_policy_plugin.management.commands.cadre_import_roster import (
    file_error,
    load_admin,
    print_report,
    read_file,
)
from cadre_policy_plugin.services import entry_import


class Command(BaseCommand):
    help = "Back-fill ledger entries (off-job training, group study, self-study, lecturing, live classes) from a file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8 or GBK) or XLSX file; see docs/plugin.md for the columns.")
        parser.add_argument("--admin", required=True, help="Username of the unit administrator importing.")
        parser.add_argument("--reason", required=True, help="The written reason recorded on every entry.")
        parser.add_argument("--dry-run", action="store_true", help="Run the import, report, and roll it back.")
        parser.add_argument("--json", action="store_true", help="Print the row report as JSON.")

    def progress(self, stage, done, total):
        self.stderr.write(f"  {stage}: {done}/{total}")

    def handle(self, *args, **options):
        admin = load_admin(options["admin"])
        data = read_file(options["file"])
        try:
            report = entry_import.import_entries(data, options["file"], admin=admin, reason=options["reason"],
                                                 dry_run=options["dry_run"], progress=self.progress)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise file_error(exc) from None
        print_report(self, report, options["json"])
