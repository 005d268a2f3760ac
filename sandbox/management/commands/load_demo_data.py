"""
``load_demo_data``: the sandbox's fictional world, loaded idempotently.

Run on every start by ``./sandbox/run``.  Everything is looked up by a natural key
before it is created (user name, node code, course key, usage key, ledger evidence
reference), so a second run changes nothing and duplicates nothing; course content
fields are re-applied so the demo's lecture length follows ``SANDBOX_DEMO_FAST``.

Ledger rows are written only through ``cadre_policy_plugin.api`` (add_entry,
revoke_entry), so they carry reasons, audit rows and outbox rows like any other.  The
organisation tree, profiles and administrator rows are reference data the api does
not create; they are written through the plugin's models with their own validation.
"""
import logging
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from cadre_credits_xblock import questions
from sandbox import demo_data
from sandbox.courseware.models import Course, CourseBlock
from sandbox.courseware.runtime import SandboxRuntime

log = logging.getLogger(__name__)


def resolve_date(text, today=None):
    """
    ``"2025-04-15"``, ``"current-03-10"`` (this year, never after today) or ``"last-12-10"``
    (that day of last year); today is the local date of the sandbox (``SANDBOX_NOW``).
    """
    today = today or timezone.localdate()
    for prefix, year in (("current-", today.year), ("last-", today.year - 1)):
        if text.startswith(prefix):
            month, day = (int(part) for part in text[len(prefix):].split("-"))
            return min(date(year, month, day), today)
    return date.fromisoformat(text)


class Command(BaseCommand):
    help = "Load the sandbox's demo organisations, people, courses and history (idempotent)."

    def handle(self, *args, **options):
        from cadre_policy_plugin import api

        self.api = api
        with transaction.atomic():
            nodes = self.load_org_tree()
            users = self.load_people(nodes)
        self.load_courses(users)
        self.load_history(users)
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {len(nodes)} organisation nodes, {len(users)} accounts, "
            f"{Course.objects.count()} courses (password for every account: {demo_data.DEMO_PASSWORD}; "
            f"initial password of the new learners: {demo_data.DEMO_INITIAL_PASSWORD})"
        ))

    # ------------------------------------------------------------------ tree and people
    def load_org_tree(self):
        from cadre_policy_plugin.models import OrgNode

        nodes = {}
        for code, name, kind, parent_code, policy_key, region_key in demo_data.ORG_TREE:
            node = OrgNode.objects.filter(code=code).first()
            if node is None:
                node = OrgNode(code=code)
            node.name, node.kind = name, kind
            node.parent = nodes[parent_code] if parent_code else None
            node.policy_key, node.region_key = policy_key, region_key
            node.full_clean()
            node.save()
            nodes[code] = node
        return nodes

    def _user(self, username, real_name, *, staff=False, superuser=False):
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={"first_name": real_name, "email": f"{username}@sandbox.invalid",
                      "is_staff": staff or superuser, "is_superuser": superuser},
        )
        if created:
            user.set_password(demo_data.DEMO_PASSWORD)
            user.save()
        return user

    def load_people(self, nodes):
        from cadre_policy_plugin.models import LearnerProfile, UnitAdministrator

        users = {}
        for username, real_name, rank, unit_code, birth, sequence, _desc, flags in demo_data.LEARNERS:
            user = self._user(username, real_name)
            users[username] = user
            if LearnerProfile.objects.filter(user=user).exists():
                continue
            profile = LearnerProfile(
                user=user, real_name=real_name, rank=rank, unit=nodes[unit_code],
                id_number=demo_data.demo_id_number(unit_code, birth, sequence),
                mobile=demo_data.demo_mobile(sequence), political_status="cpc", post="干部（演示）",
                approved=flags.get("approved", True), registered_on=date(2020, 1, 1),
                password_change_required=bool(flags.get("initial_password")),
            )
            profile.full_clean()
            profile.save()
            if flags.get("initial_password"):  # as if the unit had issued it (ADR 0016)
                user.set_password(demo_data.DEMO_INITIAL_PASSWORD)
                user.save(update_fields=["password"])
        for username, real_name, node_codes, _desc, superuser in demo_data.ADMINISTRATORS:
            user = self._user(username, real_name, staff=superuser, superuser=superuser)  # no is_staff (ADR 0015)
            users[username] = user
            for code in node_codes:
                UnitAdministrator.objects.get_or_create(user=user, node=nodes[code])
        return users

    # ------------------------------------------------------------------ courses
    def load_courses(self, users):
        fast = settings.SANDBOX_DEMO_FAST
        for position, spec in enumerate(demo_data.COURSES):
            course_key = CourseKey.from_string(spec["key"])
            with transaction.atomic():
                course, _ = Course.objects.update_or_create(
                    course_key=spec["key"],
                    defaults={"display_name": spec["name"], "description": spec["description"], "position": position},
                )
                self.load_credit_spec(spec, users.get("academy"))
                runtime = SandboxRuntime(users.get("academy"), course_key=course_key)
                for block_position, block_spec in enumerate(spec["blocks"]):
                    usage_key = course_key.make_usage_key(block_spec["type"], block_spec["slug"])
                    CourseBlock.objects.update_or_create(
                        usage_key=str(usage_key),
                        defaults={"course": course, "block_type": block_spec["type"], "position": block_position},
                    )
                    fields = {**block_spec["fields"], **(block_spec.get("fast", {}) if fast else {})}
                    if isinstance(fields.get("questions"), str):  # as the block's Studio save parses them
                        fields["questions"] = questions.parse(fields["questions"], duration=fields["duration_seconds"])
                    block = runtime.new_block(usage_key, **fields)
                    block.save()
                    if block_spec["type"] == "cadre_credits":
                        self.api.register_credit_block(spec["key"], str(usage_key), block.required_seconds())

    def load_credit_spec(self, spec, author):
        """Set the course's credit spec through the api, only when it differs (each change is audited)."""
        credit = spec["spec"]
        wanted = {
            "category": credit["category"],
            "hours": Decimal(credit["hours"]) if credit.get("hours") else None,
            "topic": credit.get("topic", ""),
            "exam_required": credit.get("exam_required", False),
            "lecturer": credit.get("lecturer", ""),
        }
        current = self.api.get_course_credit_spec(spec["key"])
        if current is not None and all(getattr(current, name) == value for name, value in wanted.items()):
            return
        self.api.set_course_credit_spec(spec["key"], changed_by=author, **wanted)

    # ------------------------------------------------------------------ history
    def load_history(self, users):
        """Past and current entries through the api; one revoked.  Evidence refs make it idempotent."""
        for username, slug, entry, entered_by, revoke_reason in demo_data.HISTORY:
            user, admin = users[username], users[entered_by]
            ref = f"sandbox-demo:{username}:{slug}"
            kwargs = dict(entry)
            earned_on = resolve_date(kwargs.pop("earned_on"))
            quantities = {
                name: Decimal(kwargs.pop(name)) for name in ("hours", "minutes", "credits") if name in kwargs
            }
            data = self.api.add_entry(
                user, entered_by=admin, reason="演示数据：管理员补录（沙箱）", earned_on=earned_on,
                evidence_type="administrator", evidence_ref=ref, **kwargs, **quantities,
            )
            if revoke_reason:
                if data is None:  # already loaded: find the entry by its evidence
                    data = next(
                        (e for e in self.api.ledger_entries_since(user_id=user.id) if e.evidence_ref == ref), None
                    )
                if data is not None:
                    self.api.revoke_entry(data.uuid, by=admin, reason=revoke_reason)
        # Last year's met quota issues the annual certificate (Anhui Art. 11).
        last_year = timezone.localdate().year - 1
        self.api.recompute_year_status(users["learner_veteran"], years=[last_year])
