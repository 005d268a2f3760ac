"""
The only door into the policy plugin for the XBlock, the sync adapter and the views.

Every function returns plain data (``cadre_policy_plugin.data`` objects, dicts with
Decimals) rather than model instances, so no other app depends on this app's models.
Every ledger write happens in ``transaction.atomic()`` and sends
``signals.ledger_entry_recorded`` inside it (see ``services/ledger.py``).
"""
from dataclasses import dataclass
from decimal import Decimal

from cadre_policy_plugin.models import CloseJob, EvidenceType, OrgNode
from cadre_policy_plugin.services import (
    annual,
    calendar,
    close,
    courses,
    identity_corrections,
)
from cadre_policy_plugin.services import learner_home as home
from cadre_policy_plugin.services import ledger, node_policy, profiles, reasons, registrations, reports, review, roles, scope
from cadre_policy_plugin.services.evaluation import recompute_for_user

__all__ = [
    "ACADEMY_GROUP", "ACADEMY_PERMISSION", "add_entry", "administered_units", "administrator_roles",
    "AdministratorRoleData", "award_course_hours", "can_manage_learner", "can_manage_unit", "can_read_evidence",
    "can_view_learner", "can_view_unit", "course_verification_complete", "CourseCreditSpecData",
    "excluded_reason_text", "get_course_credit_spec", "get_ledger_entry", "has_active_profile",
    "installed_policy_keys", "is_academy_staff", "learner_calendar", "learner_certificates", "learner_file", "learner_home",
    "learner_hours_statement", "learner_names", "learner_year_progress", "learner_year_summary",
    "learning_rules_for", "ledger_entries_since", "person_label", "recompute_year_status", "register_credit_block",
    "registration_rejection", "registry_identity", "reinstate_course_award", "report_block_verified",
    "report_suspicious_session", "revoke_entry",
    "set_course_credit_spec", "set_node_policy", "store_evidence_document", "unit_summary",
    "verified_seconds_for_course", "verify_annual_certificate", "year_totals", "start_year_close",
    "year_close_status", "year_close_jobs", "registry_identities", "correct_id_number", "identity_correction",
    "identity_corrections_for", "merge_learner_accounts", "learner_request_wait",
]


@dataclass(frozen=True)
class CourseCreditSpecData:
    """What a course is worth (see ``models.CourseCreditSpec``)."""

    course_key: str
    category: str
    hours: Decimal | None
    lecture_minutes: Decimal | None
    topic: str
    exam_required: bool
    exam_bonus_credits: Decimal | None
    academic_years: tuple[int, ...]
    lecturer: str = ""


def _spec_data(spec):
    return CourseCreditSpecData(
        course_key=spec.course_key, category=spec.category, hours=spec.hours, lecture_minutes=spec.lecture_minutes,
        topic=spec.topic, exam_required=spec.exam_required, exam_bonus_credits=spec.exam_bonus_credits,
        academic_years=tuple(spec.academic_years or ()), lecturer=spec.lecturer)


def get_course_credit_spec(course_key):
    """The course's spec, or ``None`` when it is not a cadre course."""
    spec = courses.get_spec(course_key)
    return _spec_data(spec) if spec else None


def set_course_credit_spec(course_key, *, category, hours=None, lecture_minutes=None, topic="",
                           exam_required=False, exam_bonus_credits=None, academic_years=(), changed_by=None,
                           lecturer=None):
    """
    Create or replace a course's spec; raises ``ValidationError`` for a bad one.
    ``lecturer=None`` keeps the lecturer already stored.
    """
    extra = {} if lecturer is None else {"lecturer": lecturer}
    spec = courses.set_spec(course_key, category=category, hours=hours, lecture_minutes=lecture_minutes, topic=topic,
                            exam_required=exam_required, exam_bonus_credits=exam_bonus_credits,
                            academic_years=list(academic_years), changed_by=changed_by, **extra)
    return _spec_data(spec)


def register_credit_block(course_key, usage_key, required_seconds):
    """Register a block that must be verified before the course's hours count (idempotent)."""
    courses.register_block(course_key, usage_key, required_seconds)


def report_block_verified(user, course_key, usage_key, *, verified_seconds, session_ids, verified_at=None):
    """
    The XBlock verified one block for ``user`` (at ``verified_at``, default now);
    returns the ``LedgerEntryData`` awarded when that completed the course (every block
    verified, exam passed where needed), else ``None``.
    """
    return courses.report_verified(user, course_key, usage_key, verified_seconds=verified_seconds,
                                   session_ids=session_ids, verified_at=verified_at)


def report_suspicious_session(user_id, *, kind, course_key, usage_key="", session_id="", observed_at=None,
                              detail=None):
    """
    The XBlock flagged a session (``kind``: ``shared_client``, ``fast_answers``,
    ``uniform_timing``): open a case on the unit console's review list, or add to the
    open one.  Nothing is revoked: an administrator decides (ADR 0022).  ``detail``
    must hold no client address or browser.  Returns the case's id.
    """
    return review.report(user_id, kind=kind, course_key=course_key, usage_key=usage_key, session_id=session_id,
                         observed_at=observed_at, detail=detail).pk


def award_course_hours(user, course_key, *, evidence_type, evidence_ref, earned_on=None, exam_passed=None):
    """
    Award a course's hours in its first slot (idempotent per evidence and per course);
    ``None`` when nothing was awarded (no spec, no active profile, already awarded or
    reversed, not offered that year).  Only the Open edX event path awards again, for a
    certificate issued anew (ADR 0018); an administrator uses ``reinstate_course_award``.
    """
    spec = courses.get_spec(course_key)
    if spec is None:
        return None
    if exam_passed is None:
        exam_passed = True if evidence_type == EvidenceType.CERTIFICATE else (
            courses.has_passed_exam(user, course_key) or None)
    return ledger.award_course(user, spec, evidence_type=evidence_type, evidence_ref=evidence_ref,
                               earned_on=earned_on, exam_passed=exam_passed)


def reinstate_course_award(user, course_key, *, by, reason, earned_on=None):
    """
    An administrator's explicit reinstatement of a reversed course award (the only
    way back after an administrator's revocation; ADR 0018).  Raises
    ``PermissionDenied`` / ``ValidationError``; returns the new entry's data.
    """
    spec = courses.get_spec(course_key)
    if spec is None:
        from django.core.exceptions import ValidationError  # noqa: PLC0415 (api stays import-light)
        from django.utils.translation import gettext as _  # noqa: PLC0415

        raise ValidationError(_("This course has no credit spec."), code="no_spec")
    return ledger.reinstate_course_award(user, spec, by=by, reason=reason, earned_on=earned_on)


def verified_seconds_for_course(user, course_key):
    return courses.verified_seconds(user, course_key)


def course_verification_complete(user, course_key):
    return courses.verification_complete(user, course_key)


def learner_year_summary(user, year=None):
    """Progress line data (Decimals) or ``None`` without a profile/policy."""
    return reports.learner_year_summary(user, year)


def learner_calendar(user, today=None):
    """
    Where ``today`` (default: the local date) stands in the learner's academic calendar,
    as a dict: the policy's name, the phase (``year``, ``makeup``, ``statistics``, ``gap``),
    the academic year today's hours count for (``None`` when they count for none), when the
    phase ends, and two translated sentences to show before the learner studies.
    ``None`` without a profile or a policy.
    """
    notice = calendar.learner_calendar(user, today)
    return notice.as_dict() if notice else None


def excluded_reason_text(code):
    """The translated sentence for an engine reason code (``""`` for none)."""
    return reasons.reason_text(code)


def learning_rules_for(user):
    return profiles.learning_rules_for(user)


def has_active_profile(user):
    return profiles.has_active_profile(user)


def registry_identity(user_id):
    """.. pii: carries the full ID number for the registry payload; never log it."""
    return profiles.registry_identity(user_id)


def registry_identities(user_ids):
    """
    ``{user_id: RegistryIdentity}`` for a batch (learners without a profile left out),
    in a constant number of queries: the sync adapter's ``IDENTITY_BATCH_PROVIDER``.

    .. pii: carries full ID numbers for the registry payload; never log them.
    """
    return profiles.registry_identities(user_ids)


def correct_id_number(user, new_id_number, *, by, reason):
    """
    Correct a learner's ID number (audited) and queue the transfer of every record the
    registry holds under the old number; returns ``IdentityCorrectionData``.
    """
    return identity_corrections.correct_id_number(user, new_id_number, by=by, reason=reason)


def merge_learner_accounts(duplicate, into, *, by, reason):
    """Merge two accounts of one person (audited): the duplicate's registry records move to ``into``'s number."""
    return identity_corrections.merge_accounts(duplicate, into, by=by, reason=reason)


def identity_correction(correction_uuid):
    """.. pii: one correction with both full ID numbers, for the registry transfer; never log it."""
    return identity_corrections.get_correction(correction_uuid)


def identity_corrections_for(user_ids):
    """.. pii: every correction of these users (oldest first), for reconciliation; never log them."""
    return identity_corrections.corrections_for(user_ids)


def learner_request_wait(user_id):
    """
    Seconds the learner must wait before the next call of a learner-facing handler
    (over ``CADRE_POLICY["THROTTLE_RATES"]["learner_handler"]``), or ``None``; counts this call.
    """
    from cadre_policy_plugin import throttling

    return throttling.learner_wait(user_id)


def ledger_entries_since(since=None, *, user_id=None, after_id=None, limit=1000):
    return reports.ledger_entries_since(since, user_id=user_id, after_id=after_id, limit=limit)


def year_totals(user_id, year):
    return reports.year_totals(user_id, year)


def get_ledger_entry(entry_uuid):
    return reports.get_ledger_entry(entry_uuid)


def add_entry(user, *, source, entered_by, reason, earned_on, category=None, evidence_type=None, evidence_ref=None,
              course_key="", exam_passed=None, **quantities):
    """An administrator's (or an import's) entry with a written reason; see ``services.ledger.add_entry``."""
    return ledger.add_entry(user, source=source, entered_by=entered_by, reason=reason, earned_on=earned_on,
                            category=category, evidence_type=evidence_type, evidence_ref=evidence_ref,
                            course_key=course_key, exam_passed=exam_passed, **quantities)


def revoke_entry(entry_uuid, *, by, reason):
    """Reverse an entry with a written reason (returns the reversal's data)."""
    return ledger.revoke(entry_uuid, by=by, reason=reason)


def learner_file(user, year=None, *, profile=None):
    return reports.learner_file(user, year, profile=profile)


def unit_summary(unit, year=None):
    return reports.unit_summary(unit, year)


def recompute_year_status(user, years=None):
    """Refresh the year-status cache of ``user`` (default: current and cached years)."""
    return [row.year for row in recompute_for_user(user, years)]


def administered_units(user):
    """
    Codes of the organisation nodes ``user`` administers (a superuser: the root nodes,
    since they see everything); empty for everyone else.  Each code works with
    ``unit_summary`` and the REST unit endpoints.
    """
    nodes = scope.administered_nodes(user)
    if nodes is None:
        return list(OrgNode.objects.filter(parent__isnull=True).order_by("path").values_list("code", flat=True))
    return [node.code for node in sorted(nodes, key=lambda node: node.path)]


def registration_rejection(user):
    """The reason the unit gave when it last rejected ``user``'s registration (``None``: not rejected)."""
    return registrations.latest_rejection(user)


def verify_annual_certificate(code):
    """Public check of a certificate code: a dict without any ID number, or ``None``."""
    cert = annual.verify(code)
    if cert is None:
        return None
    return {"serial": cert.serial, "year": cert.year, "real_name": cert.real_name, "unit_name": cert.unit_name,
            "totals": cert.totals, "unit_of_measure": cert.unit_of_measure, "issued_at": cert.issued_at}


# ------------------------------------------------------------------ roles (ADR 0015)
ACADEMY_PERMISSION = roles.ACADEMY_PERMISSION
ACADEMY_GROUP = roles.ACADEMY_GROUP


@dataclass(frozen=True)
class AdministratorRoleData:
    """One ``UnitAdministrator`` grant: the node and ``role`` (``"admin"`` 管理员 or ``"liaison"`` 联络员)."""

    unit_code: str
    unit_name: str
    role: str

    @property
    def can_change(self):
        return self.role == roles.ADMIN


def is_academy_staff(user):
    """``cadre_policy.manage_academy`` (or superuser): the tree, packs, overlays, credit specs; never ``is_staff``."""
    return roles.is_academy_staff(user)


def administrator_roles(user):
    """The user's unit grants, top-down (empty for academy staff, who see every unit, and for learners)."""
    return [AdministratorRoleData(code, name, role) for code, name, role in roles.roles_of(user)]


def _unit(code):
    return OrgNode.objects.filter(code=code).first()


def can_view_unit(user, code):
    """True when ``user`` may read unit ``code`` and below (any role; academy staff everywhere)."""
    return scope.can_view_node(user, _unit(code))


def can_manage_unit(user, code):
    """True when ``user`` may change things in unit ``code`` and below (管理员, or academy staff)."""
    return scope.can_manage_node(user, _unit(code))


def can_view_learner(user, learner_user):
    return scope.can_view_learner(user, learner_user)


def can_manage_learner(user, learner_user):
    return scope.can_manage_learner(user, learner_user)


def person_label(user):
    """How administrators see a person: real name and user name, any ID number in it masked."""
    return roles.display_name(user)


def installed_policy_keys():
    """The pack keys and regions a node may name (never a path)."""
    from cadre_policy_plugin.policy import installed_policy_keys as keys

    return sorted(keys())


def set_node_policy(code, *, by, policy_key=None, overlay=None, reason=""):
    """
    Set unit ``code``'s policy pack and/or overlay (academy staff only; audited with
    before and after).  Raises ``PermissionDenied``, ``ValidationError`` or
    ``OrgNode.DoesNotExist``.
    """
    node = OrgNode.objects.get(code=code)
    node_policy.set_node_policy(node, by=by, policy_key=policy_key, overlay=overlay, reason=reason)


# ------------------------------------------------------------------ evidence (issue 10, part 4)
def store_evidence_document(learner, upload, *, uploaded_by):
    """
    Store ``upload`` (PDF/JPEG/PNG by its bytes) as one of ``learner``'s documents, by
    the learner or an administrator who may change their file; returns
    ``{"sha256", "content_type", "size"}``.  An entry credited on it later cites it with
    ``add_entry(evidence_type="upload", evidence_ref=sha256)``; an entry citing a
    document that is not the learner's is refused (``ValidationError``).
    """
    from cadre_policy_plugin.services import evidence  # noqa: PLC0415 (evidence imports ledger)

    document = evidence.store_for_learner(learner, upload, uploaded_by=uploaded_by)
    return {"sha256": document.sha256, "content_type": document.content_type, "size": document.size}


def can_read_evidence(user, sha256):
    """True when ``user`` may download document ``sha256`` (its learner, their administrators, the academy)."""
    from cadre_policy_plugin.services import evidence  # noqa: PLC0415

    document = evidence.document_for_ref(sha256)
    return document is not None and evidence.can_read_document(user, document)


def approve_learner(actor, learner_user, *, initial_password=None, reason=""):
    """
    ``actor`` (an administrator of the learner's unit) approves ``learner_user``'s
    registration; returns the initial password issued with it (shown once) or ``""``.
    ``initial_password=None`` issues one when the account has no usable password (an
    import's), never for a self-registered learner who chose their own (ADR 0016).
    """
    from cadre_policy_plugin.services import accounts

    profile = profiles.profile_of(learner_user)
    return accounts.approve_learner(actor, profile, initial_password=initial_password, reason=reason)


def reset_learner_password(actor, learner_user, *, reason=""):
    """A new initial password for ``learner_user`` (shown once; changed at next sign-in)."""
    from cadre_policy_plugin.services import accounts

    return accounts.reset_password(actor, learner_user, reason=reason)


def sign_in_refusal_message(request):
    """
    Why the last ``authenticate()`` on ``request`` refused an ID number or mobile number
    (translated: too many attempts, a wrong check character), or ``""``.  Login pages
    show it instead of their generic "wrong user name or password".
    """
    from cadre_policy_plugin.services import signin

    return signin.refusal_message(request)


def start_year_close(unit=None, years=None, *, requested_by=None):
    """
    Queue a year-end close of every learner below ``unit`` (a node or its code; ``None``:
    every learner) for ``years`` (default: the current year); resumes the unfinished job
    of the same scope.  Returns its progress (see ``year_close_status``).
    """
    from cadre_policy_plugin.services.evaluation import current_year

    node = unit if isinstance(unit, OrgNode) or unit is None else OrgNode.objects.get(code=unit)
    years = sorted(set(years or [current_year()]))
    job = close.open_job(node, years) or close.create_job(node=node, years=years, reason=CloseJob.Reason.API,
                                                          requested_by=requested_by)
    close.dispatch(job, force=True)
    job.refresh_from_db()
    return close.progress(job).as_dict()


def year_close_status(job_id):
    """
    A close job's progress: ``learners_done``/``learners_total``, chunks done and
    running, ``rate`` (learners per second), ``eta_seconds``, ``finished``; ``None`` for
    an unknown job.
    """
    job = CloseJob.objects.filter(pk=job_id).first()
    return close.progress(job).as_dict() if job else None


def year_close_jobs(unit, limit=20):
    """The newest close jobs of ``unit`` and the nodes below it (newest first), as progress dicts."""
    node = unit if isinstance(unit, OrgNode) else OrgNode.objects.get(code=unit)
    jobs = CloseJob.objects.filter(node__in=OrgNode.objects.subtree_of(node)).order_by("-id")[:limit]
    return [close.progress(job).as_dict() for job in jobs]


def learner_home(user, *, category="", topic="", state=""):
    """
    The learner home's data (``None`` without a profile): this year's progress against
    each requirement with the required/elective split and the calendar (days left,
    make-up or statistics period), the host's cadre courses with category, hours, topic,
    lecturer and duration (filtered by ``category``, ``topic``, ``state``), where to
    continue, and every annual certificate.  Decimals for amounts.
    """
    return home.learner_home(user, category=category, topic=topic, state=state)


def learner_year_progress(user, year=None):
    """This year's progress as on the learner home (``None`` without a profile or policy)."""
    profile = profiles.profile_of(user)
    if profile is None:
        return None
    from django.utils import timezone

    today = timezone.localdate()
    return home.year_progress(profile, year or today.year, today)


def learner_certificates(user):
    """Every annual certificate of ``user`` (latest year first; revoked ones marked)."""
    return home.certificates(user)


def learner_hours_statement(user, year):
    """The data of the printable 学时证明 for ``year`` (``None`` without a profile or policy)."""
    return home.hours_statement(user, year)


def learner_names(user_ids):
    """
    ``{user_id: "real name（username）"}`` for lists that show people (the sync adapter's
    admin pages); the real name from the learner profile, else the account's full name.
    """
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=list(user_ids)).select_related("cadre_profile")
    return {user.pk: roles.display_name(user) for user in users}
