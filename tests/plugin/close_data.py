"""
Helpers the close integration test runs as subprocesses on its MariaDB database:

    python -m tests.plugin.close_data seed LEARNERS ENTRIES   # tree, learners, ledger rows
    python -m tests.plugin.close_data close ARGS...           # cadre_recompute_year_status ARGS
    python -m tests.plugin.close_data verify YEAR             # statuses vs a from-scratch recompute

``seed`` writes profiles and ledger rows in bulk (the test is about the close, not about
how the rows got there); ``verify`` re-runs the engine for every learner through the
one-learner path (``evaluation.evaluate_year``) and prints, as JSON, how many learners
it checked and which stored statuses differ.
"""
import json
import os
import sys
import uuid
from datetime import date, timedelta
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.plugin.close_worker_settings")


def seed(learners, entries):
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from cadre_policy_plugin import identity
    from cadre_policy_plugin.conf import id_hash_key
    from cadre_policy_plugin.models import LearnerProfile, LedgerEntry, OrgNode
    from tests.plugin.factories import make_id_number

    user_model = get_user_model()
    with transaction.atomic():
        province = OrgNode.objects.create(code="AH", name="安徽省", kind="province", policy_key="anhui-2019")
        city = OrgNode.objects.create(code="AH-HF", name="合肥市", kind="city", parent=province)
        units = [OrgNode.objects.create(code=f"AH-HF-U{i}", name=f"单位{i}", kind="unit", parent=city)
                 for i in range(3)]
        users = user_model.objects.bulk_create(
            [user_model(username=f"close{i}", password="!") for i in range(learners)])
        key = id_hash_key()
        profiles = []
        for i, user in enumerate(users):
            number = make_id_number(serial=i % 999 + 1, born=date(1970, 1, 1) + timedelta(days=i // 999))
            profiles.append(LearnerProfile(user=user, real_name=f"学员{i}", id_number=number,
                                           id_number_hash=identity.hash_id_number(number, key),
                                           rank=("county", "section", "staff")[i % 3], unit=units[i % 3],
                                           approved=True, registered_on=date(2020, 1, 1)))
        LearnerProfile.objects.bulk_create(profiles)
        rows = []
        for i, user in enumerate(users):
            for n in range(entries + i % 5):
                rows.append(LedgerEntry(
                    user=user, source="online_course", category="required" if n % 3 == 0 else "elective",
                    hours=Decimal(f"{1 + (i + n) % 4}.5"), earned_on=date(2026, 1, 5) + timedelta(days=(i + 7 * n) % 300),
                    evidence_type="import", evidence_ref=f"seed:{i}:{n}", policy_key="anhui-2019", academic_year=2026,
                    uuid=uuid.uuid4()))
        LedgerEntry.objects.bulk_create(rows, batch_size=2000)
    print(json.dumps({"learners": learners, "rows": len(rows)}))


def verify(year):
    from cadre_policy_plugin.models import LearnerProfile, YearStatus
    from cadre_policy_plugin.services.evaluation import evaluate_year, status_fields

    stored = {row.user_id: row for row in YearStatus.objects.filter(year=year)}
    checked, mismatches = 0, []
    for profile in LearnerProfile.objects.select_related("unit", "user").order_by("user_id"):
        pack, status = evaluate_year(profile, year)
        expected = {**status_fields(pack, status), "unit_id": profile.unit_id}
        row = stored.get(profile.user_id)
        got = {name: getattr(row, name) for name in expected} if row else None
        checked += 1
        if got != expected:
            mismatches.append(profile.user_id)
    print(json.dumps({"checked": checked, "mismatches": mismatches}))


def main(argv):
    import django

    django.setup()
    import tests.plugin.close_celery  # noqa: F401 - the app the command's tasks are sent with

    command, args = argv[0], argv[1:]
    if command == "seed":
        seed(int(args[0]), int(args[1]))
    elif command == "verify":
        verify(int(args[0]))
    elif command == "close":
        from django.core.management import call_command

        call_command("cadre_recompute_year_status", *args)
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
