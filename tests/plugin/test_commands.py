"""Operator commands."""
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from cadre_policy_plugin import api
from cadre_policy_plugin.models import YearStatus
from tests.plugin.factories import make_profile, make_tree

pytestmark = pytest.mark.django_db


def test_recompute_rebuilds_a_lost_cache_with_progress():
    tree = make_tree()
    key = "course-v1:AnhuiAcademy+Cmd+2026"
    api.set_course_credit_spec(key, category="elective", hours=Decimal("12"))
    learners = [make_profile(tree["a"] if i % 2 else tree["b"]) for i in range(5)]
    for profile in learners:
        api.award_course_hours(profile.user, key, evidence_type="certificate", evidence_ref=key,
                               earned_on=date(2026, 2, 2))
    YearStatus.objects.all().delete()
    out = io.StringIO()
    call_command("cadre_recompute_year_status", "--year", "2026", "--chunk-size", "2", stdout=out)
    text = out.getvalue()
    assert "5 learner(s) in 3 chunk(s)" in text and "5/5 learners, 3/3 chunks" in text and "Done: 5" in text
    assert YearStatus.objects.filter(year=2026, total_earned=Decimal("12")).count() == 5
    YearStatus.objects.all().delete()
    call_command("cadre_recompute_year_status", "--year", "2026", "--unit", "AH-HF-SX-A", stdout=io.StringIO())
    assert YearStatus.objects.count() == 2
    with pytest.raises(CommandError):
        call_command("cadre_recompute_year_status", "--unit", "NOPE", stdout=io.StringIO())
