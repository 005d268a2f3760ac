"""
``manage.py cadre_correct_identity`` -- correct a learner's ID number, or merge two
accounts of one person, as a unit administrator (audited; the registry re-files the
learner's records under the new number through the sync outbox).

    echo 340104198005170013 | manage.py cadre_correct_identity --admin fx_admin \\
        --learner cadre1a2b3c --reason "户籍证明：身份证号录入错误"
    manage.py cadre_correct_identity --admin fx_admin --learner wang_old --merge-into wang \\
        --reason "同一人两个帐户，保留 wang"

The new number is read from standard input, never from the command line (where shell
history and the process list would keep it); the output shows it masked.
"""
import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from cadre_policy_plugin import api, identity
from cadre_policy_plugin.management.importing import EXIT_UNREACHABLE, load_admin


def _user(username):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user {username!r}")
    return user


class Command(BaseCommand):
    help = "Correct a learner's ID number (read from standard input) or merge two accounts of one person."

    def add_arguments(self, parser):
        parser.add_argument("--admin", required=True, help="Username of the unit administrator correcting.")
        parser.add_argument("--learner", required=True, help="Username of the learner (for a merge: the duplicate).")
        parser.add_argument("--merge-into", help="Merge the learner's account into this username's account.")
        parser.add_argument("--reason", required=True, help="Why (kept in the audit trail).")

    def handle(self, *args, **options):
        try:
            admin = load_admin(options["admin"])
            learner = _user(options["learner"])
            if options.get("merge_into"):
                correction = api.merge_learner_accounts(learner, _user(options["merge_into"]), by=admin,
                                                        reason=options["reason"])
            else:
                new = sys.stdin.readline().strip()
                if not new:
                    raise CommandError("give the new ID number on standard input")
                correction = api.correct_id_number(learner, new, by=admin, reason=options["reason"])
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        except DatabaseError as exc:
            raise CommandError(f"the database cannot be used: {type(exc).__name__}; nothing was changed",
                               returncode=EXIT_UNREACHABLE) from None
        self.stdout.write(self.style.SUCCESS(
            f"{correction.kind}: user {correction.user_id} {identity.mask_id_number(correction.old_id_number)} -> "
            f"{identity.mask_id_number(correction.new_id_number)} (correction {correction.uuid}); the registry "
            "transfer is queued"))
