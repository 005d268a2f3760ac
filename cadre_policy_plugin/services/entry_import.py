"""
Back-filling entries from a file (补录核实, Fujian §5.1; Inner Mongolia Art. 10 and
12–13: off-job training, central-group study, self-study, lecturing and live classes
certified by the organiser or the unit and filed).

Every row goes through ``api.add_entry`` with ``evidence_type="import"`` and the
administrator's written reason, so the rules engine, the ledger's uniqueness rule, the
sync signal and the audit trail all run exactly as for one entry typed by hand.  The
evidence reference is the row's own 凭证 (a certificate or document number) or, when
empty, ``<file sha256>#<row number>``: re-importing the same file credits nothing
twice (a re-saved file has a new SHA-256, so a 凭证 column is the safer habit).

All or nothing: the rows are written inside one transaction and every row's problem
is collected (a bad cell, an unknown learner, a learner outside the administrator's
subtree, or a shape the learner's rules refuse); if there is any, the transaction is
rolled back and the full list reported.  A dry run runs the same writes and always
rolls back, so its report is exactly what the import would do.  An entry the rules
accept but do not count (leave beyond 1/7 of an off-job course, Inner Mongolia
Art. 10) is not an error: it is recorded with zero hours and reported as such.
"""
import hashlib
import logging
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cadre_policy_plugin import api, identity, rules
from cadre_policy_plugin.conf import id_hash_key
from cadre_policy_plugin.models import EvidenceType, LearnerProfile
from cadre_policy_plugin.models.learners import ID_NUMBER_MESSAGES
from cadre_policy_plugin.services import plausible, scope
from cadre_policy_plugin.services.audit import audit
from cadre_policy_plugin.services.reasons import reason_text
from cadre_policy_plugin.services.roster_import import ImportReport, RowResult
from cadre_policy_plugin.services.tabular import RowError, date_error_message, parse_date, read_table, text

log = logging.getLogger(__name__)

ALIASES = {
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码"),
    "source": ("来源", "学时来源", "类型"),
    "category": ("类别", "课程类别"),
    "earned_on": ("日期", "培训日期", "学习日期"),
    "minutes": ("分钟", "时长（分钟）", "时长(分钟)"),
    "hours": ("学时",),
    "half_days": ("半天", "半天数"),
    "absent_hours": ("请假学时",),
    "characters": ("字数",),
    "evidence_ref": ("凭证", "凭证编号", "证明文件编号"),
}
REQUIRED = ("id_number", "source", "earned_on")
QUANTITIES = ("minutes", "hours", "half_days", "absent_hours", "characters")

SOURCE_NAMES = {
    "脱产培训": "offline_training", "离岗培训": "offline_training", "脱产": "offline_training",
    "党校培训": "offline_training", "线下培训": "offline_training",
    "中心组学习": "group_study", "理论学习中心组": "group_study", "党委中心组学习": "group_study",
    "自学": "self_study", "个人自学": "self_study",
    "授课": "lecturing", "讲课": "lecturing",
    "直播课堂": "live_class", "直播课": "live_class", "直播": "live_class",
    **{key: key for key in ("offline_training", "group_study", "self_study", "lecturing", "live_class")},
}
CATEGORY_NAMES = {"必修": "required", "选修": "elective", "required": "required", "elective": "elective"}
PROGRESS_EVERY = 200
CENT = Decimal("0.01")


def _norm(value):
    return text(value).replace(" ", "").replace("\u3000", "").lower()


SOURCE_LOOKUP = {_norm(name): value for name, value in SOURCE_NAMES.items()}


def _amount(cell):
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return Decimal(str(cell))
    value = text(cell)
    return Decimal(value) if value else None


def _parse(table, nodes, report, file_sha):
    """Each row's cells checked on its own; returns (row number, learner user, kwargs) for good rows."""
    hashes = {}
    for number, cells in table.rows:
        try:
            hashes[number] = identity.hash_id_number(identity.check_id_number(text(cells.get("id_number"))),
                                                     id_hash_key())
        except identity.IdNumberError as exc:
            report.errors.append(RowError(number, table.columns["id_number"], ID_NUMBER_MESSAGES[exc.code]))
    profiles = LearnerProfile.objects.select_related("unit", "user").filter(id_number_hash__in=set(hashes.values()))
    by_hash = {profile.id_number_hash: profile for profile in profiles}
    parsed, refs = [], {}
    for number, cells in table.rows:
        errors_before = len(report.errors)

        def error(key, message, number=number):
            report.errors.append(RowError(number, table.columns.get(key, key), message))

        profile = by_hash.get(hashes.get(number))
        if number in hashes and (profile is None or not (nodes is None or any(
                profile.unit.is_within(own) for own in nodes))):
            error("id_number", _("No learner with this ID number in the units you administer."))
        source = SOURCE_LOOKUP.get(_norm(cells.get("source")))
        if source is None:
            error("source", _("Unknown source %(value)s: use 脱产培训, 中心组学习, 自学, 授课 or 直播课堂.")
                  % {"value": text(cells.get("source")) or "''"})
        category = None
        if text(cells.get("category")):
            category = CATEGORY_NAMES.get(_norm(cells.get("category")))
            if category is None:
                error("category", _("The category is 必修 (required) or 选修 (elective)."))
        try:
            earned_on = parse_date(cells.get("earned_on"))
        except ValueError as exc:
            error("earned_on", date_error_message(exc))
        quantities, bad_amount = {}, False
        for key in QUANTITIES:
            try:
                value = _amount(cells.get(key))
            except InvalidOperation:
                error(key, _("Not a number."))
                bad_amount = True
                continue
            if value is not None:
                if not value.is_finite() or value < 0:
                    error(key, _("Amounts are positive numbers."))
                    bad_amount = True
                    continue
                problem = plausible.amount_problem(value)
                if problem:
                    error(key, problem)
                    bad_amount = True
                    continue
                quantities[key] = value
        if not bad_amount and not any(key in quantities for key in QUANTITIES if key != "absent_hours"):
            error("minutes", _("Give the entry's amount (minutes, hours, credits, half days or characters)."))
        ref = text(cells.get("evidence_ref")) or f"{file_sha}#{number}"
        if len(ref) > 255:
            error("evidence_ref", _("The evidence reference is longer than 255 characters."))
        if len(report.errors) > errors_before or number not in hashes:
            continue
        key = (profile.user_id, ref)
        if key in refs:
            error("evidence_ref", _("The same learner and evidence as row %(row)s.") % {"row": refs[key]})
            continue
        refs[key] = number
        parsed.append((number, profile, {"source": source, "category": category, "earned_on": earned_on,
                                         "evidence_ref": ref, **quantities}))
    return parsed


def _refusal(exc, columns):
    """(column, message) for the engine's refusal of a row, pointing at the field it names."""
    inner = (getattr(exc, "params", None) or {}).get("error")
    if isinstance(inner, rules.InputError):
        field = inner.location.rsplit(".", 1)[-1] if "." in (inner.location or "") else ""
        return columns.get(field, columns.get("source")), _("The rules refuse this entry: %(error)s") % {
            "error": inner.message}
    return columns.get("source"), "; ".join(exc.messages)


def _uncounted_reason(profile, entry):
    """Why the credited row counts for nothing: the sentence, with the engine's code for machines."""
    code = entry.excluded_reason
    return f"{reason_text(code)} ({code})" if code else ""


def import_entries(data, filename="", *, admin, reason, dry_run=False, progress=None):
    """
    Check and (unless ``dry_run`` or any row is wrong) credit every row of a file.

    Returns an ``ImportReport`` (actions: ``credited``, ``not_counted``, ``already``
    for evidence already in the ledger).  Raises ``PermissionDenied`` for a caller who
    administers nothing, ``ValidationError`` for a missing reason or an unreadable file.
    """
    if admin is None or scope.managed_nodes(admin) == []:  # a 联络员 reads only
        raise PermissionDenied(_("Only unit administrators may import."))
    if not (reason or "").strip():
        raise ValidationError(_("A reason is required for every entry an administrator adds."), code="reason")
    nodes = scope.managed_nodes(admin)
    file_sha = hashlib.sha256(data).hexdigest()
    report = ImportReport(kind="entries", sha256=file_sha, dry_run=dry_run)
    table = read_table(data, filename, ALIASES, required=REQUIRED)
    report.ignored_columns, report.encoding = table.ignored_columns, table.encoding
    report.errors.extend(table.errors)
    if progress:
        progress("checking", 0, len(table.rows))
    parsed = _parse(table, nodes, report, file_sha)
    with transaction.atomic():
        for done, (number, profile, fields) in enumerate(parsed, start=1):
            try:
                entry = api.add_entry(profile.user, entered_by=admin, reason=reason, evidence_type=EvidenceType.IMPORT,
                                      **fields)
            except ValidationError as exc:
                column, message = _refusal(exc, table.columns)
                report.errors.append(RowError(number, column, message))
                continue
            masked = profile.masked_id_number
            if entry is None:
                report.rows.append(RowResult(number, "already", profile.user.username, masked, profile.unit.code))
            elif entry.hours is None and entry.credits is None:
                report.rows.append(RowResult(number, "not_counted", profile.user.username, masked, profile.unit.code,
                                             [_uncounted_reason(profile, entry)]))
            else:
                amount = entry.credits if entry.credits is not None else entry.hours
                report.rows.append(RowResult(number, "credited", profile.user.username, masked, profile.unit.code,
                                             [format(amount.quantize(CENT), "f")]))
            if progress and (done % PROGRESS_EVERY == 0 or done == len(parsed)):
                progress("writing" if not dry_run else "trying", done, len(parsed))
        report.errors.sort(key=lambda error: (error.row, error.column))
        if report.errors or dry_run:
            transaction.set_rollback(True)
        else:
            audit(admin, "entries.import", reason=reason, detail={"sha256": file_sha, "counts": report.counts()})
            report.written = True
    log.info("entry import by user %s: %s rows, %s errors, dry run %s, written %s", admin.pk, len(table.rows),
             len(report.errors), dry_run, report.written)
    return report
