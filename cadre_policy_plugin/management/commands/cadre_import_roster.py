"""
Import a unit's learner roster (Fujian §5.1) from CSV (UTF-8 or GBK) or XLSX:

    ./manage.py lms cadre_import_roster roster.xlsx --admin fx_admin --dry-run
    ./manage.py lms cadre_import_roster roster.csv --admin fx_admin --approve
    ./manage.py lms cadre_import_roster roster.csv --admin fx_admin --approve --initial-passwords

Every row is checked first; with any error nothing is written, every error is listed
(row, column, message; masked ID numbers only) and the command exits with status 1.
``--dry-run`` checks and reports without writing.  The import acts as the
``--admin`` user: units outside that administrator's subtree are refused, and every
write is audited under their name.  Progress goes to stderr.  ``--initial-passwords``
gives each new learner an initial password, printed once in its row of the report
(hand them over, then discard the output); the learner changes it at first sign-in.
"""
from cadre_policy_plugin.management.importing import ImportCommand
from cadre_policy_plugin.services import roster_import


class Command(ImportCommand):
    help = "Import learners (real-name roster) from a CSV or XLSX file, all rows or none."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--approve", action="store_true",
                            help="Approve and activate the imported learners (default: pending approval).")
        parser.add_argument("--initial-passwords", action="store_true",
                            help="Give new learners an initial password (printed once; changed at first sign-in).")

    def run_import(self, data, filename, admin, options):
        return roster_import.import_roster(data, filename, admin=admin, dry_run=options["dry_run"],
                                           approve=options["approve"], progress=self.progress,
                                           initial_passwords=options["initial_passwords"])
