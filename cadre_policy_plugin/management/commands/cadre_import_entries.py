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
from cadre_policy_plugin.management.importing import ImportCommand
from cadre_policy_plugin.services import entry_import


class Command(ImportCommand):
    help = "Back-fill ledger entries (off-job training, group study, self-study, lecturing, live classes) from a file."
    dry_run_help = "Run the import, report, and roll it back."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--reason", required=True, help="The written reason recorded on every entry.")

    def run_import(self, data, filename, admin, options):
        return entry_import.import_entries(data, filename, admin=admin, reason=options["reason"],
                                           dry_run=options["dry_run"], progress=self.progress)
