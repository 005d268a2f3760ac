"""
Importing the learner roster (Fujian §5.1: each unit's administrator imports the
learners before the registration deadline; Anhui Art. 8, Loudi Art. 8: real names,
one person one account, approved by the unit).

A file is read whole (``services.tabular``), every row is checked with the plugin's
own validators (GB 11643 ID number with its birth date and check digit, mobile
number, rank, a unit inside the importing administrator's subtree, one person one
account against the database and within the file), and every problem is reported
with its row and column before anything is written.  Then all rows are written in one
transaction, or none.

Idempotent by the ID number's keyed hash: a learner already on file (inside the
administrator's subtree) is compared field by field and only real differences are
written ("update"); the same file imported again reports every row "unchanged".  An
empty optional cell keeps what is on file.  New learners get a Django user with an
unusable password (they set one through the LMS's password reset or single sign-on),
inactive and unapproved unless the import approves them; with ``initial_passwords`` each
new learner gets an initial password instead (random per learner, or the academy's fixed
one), returned once in that row's report for the administrator to hand over, and must
change it at the first sign-in (``services/accounts.py``, ADR 0016).  Reports, errors, the audit
trail and the log only ever show masked ID numbers.
"""
import hashlib
import logging
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from cadre_policy_plugin import identity
from cadre_policy_plugin.conf import id_hash_key
from cadre_policy_plugin.models import LearnerProfile, LearnerStatus, OrgNode, PoliticalStatus, Rank
from cadre_policy_plugin.models.learners import ID_NUMBER_MESSAGES
from cadre_policy_plugin.services import roles, scope
from cadre_policy_plugin.services.audit import audit
from cadre_policy_plugin.services.tabular import RowError, date_error_message, parse_date, read_table, text

log = logging.getLogger(__name__)

ALIASES = {
    "real_name": ("姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码"),
    "mobile": ("手机号", "手机号码", "手机", "移动电话"),
    "rank": ("职级",),
    "unit_code": ("单位代码", "单位编码", "unit"),
    "political_status": ("政治面貌",),
    "post": ("职务", "现任职务"),
    "registered_on": ("注册日期",),
    "username": ("用户名",),
    "email": ("邮箱", "电子邮箱", "电子邮件"),
}
REQUIRED = ("real_name", "id_number", "rank", "unit_code")

RANK_NAMES = {
    "厅局级": Rank.BUREAU, "厅级": Rank.BUREAU, "厅局级干部": Rank.BUREAU,
    "县处级": Rank.COUNTY, "处级": Rank.COUNTY, "县处级干部": Rank.COUNTY,
    "科级": Rank.SECTION, "乡科级": Rank.SECTION,
    "科级以下": Rank.STAFF, "科员及以下": Rank.STAFF, "一般干部": Rank.STAFF, "科员": Rank.STAFF,
    "其他": Rank.OTHER,
    **{value: value for value in Rank.values},
}
POLITICAL_NAMES = {
    "中共党员": PoliticalStatus.PARTY_MEMBER, "中国共产党党员": PoliticalStatus.PARTY_MEMBER,
    "党员": PoliticalStatus.PARTY_MEMBER,
    "中共预备党员": PoliticalStatus.PROBATIONARY, "预备党员": PoliticalStatus.PROBATIONARY,
    "共青团员": PoliticalStatus.LEAGUE_MEMBER, "团员": PoliticalStatus.LEAGUE_MEMBER,
    "民主党派": PoliticalStatus.DEMOCRATIC_PARTY, "民革党员": PoliticalStatus.DEMOCRATIC_PARTY,
    "民盟盟员": PoliticalStatus.DEMOCRATIC_PARTY, "民建会员": PoliticalStatus.DEMOCRATIC_PARTY,
    "民进会员": PoliticalStatus.DEMOCRATIC_PARTY, "农工党党员": PoliticalStatus.DEMOCRATIC_PARTY,
    "致公党党员": PoliticalStatus.DEMOCRATIC_PARTY, "九三学社社员": PoliticalStatus.DEMOCRATIC_PARTY,
    "台盟盟员": PoliticalStatus.DEMOCRATIC_PARTY,
    "无党派人士": PoliticalStatus.NON_PARTISAN, "无党派": PoliticalStatus.NON_PARTISAN,
    "群众": PoliticalStatus.MASSES,
    **{value: value for value in PoliticalStatus.values},
}
# Profile fields a re-import compares and may update (the ID number is the key, never updated here).
UPDATABLE = ("real_name", "mobile", "rank", "unit", "political_status", "post", "registered_on")
PROGRESS_EVERY = 500


def _norm(value):
    return text(value).replace(" ", "").replace("\u3000", "").lower()


RANK_LOOKUP = {_norm(name): value for name, value in RANK_NAMES.items()}
POLITICAL_LOOKUP = {_norm(name): value for name, value in POLITICAL_NAMES.items()}


@dataclass
class RosterRow:
    row: int
    real_name: str
    id_number: str
    id_hash: str
    rank: str
    unit: OrgNode
    values: dict  # optional fields present in the file: mobile, political_status, post, registered_on
    username: str = ""
    email: str = ""

    @property
    def masked_id(self):
        return identity.mask_id_number(self.id_number)


@dataclass
class RowResult:
    row: int
    action: str  # create | link | update | unchanged
    username: str
    id_number: str  # masked
    unit: str
    changed: list = field(default_factory=list)
    # Set only on the answer to the import that issued it (shown once, never stored in plain text).
    initial_password: str = field(default="", repr=False)

    def as_dict(self):
        data = {"row": self.row, "action": self.action, "username": self.username, "id_number": self.id_number,
                "unit": self.unit, "changed": list(self.changed)}
        if self.initial_password:
            data["initial_password"] = self.initial_password
        return data


@dataclass
class ImportReport:
    """What an import did (or, for a dry run or an invalid file, would do)."""

    kind: str
    sha256: str
    dry_run: bool
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    encoding: str = ""
    written: bool = False

    @property
    def ok(self):
        return not self.errors

    def counts(self):
        counts = {}
        for row in self.rows:
            counts[row.action] = counts.get(row.action, 0) + 1
        return counts

    def as_dict(self):
        return {"kind": self.kind, "sha256": self.sha256, "dry_run": self.dry_run, "written": self.written,
                "encoding": self.encoding, "ignored_columns": list(self.ignored_columns), "counts": self.counts(),
                "rows": [row.as_dict() for row in self.rows], "errors": [error.as_dict() for error in self.errors]}


def _require_administrator(admin):
    if admin is None or scope.managed_nodes(admin) == []:  # a 联络员 reads only
        raise PermissionDenied(_("Only unit administrators may import."))


def _in_scope(nodes, node):
    return nodes is None or any(node.is_within(own) for own in nodes)


class _RowChecker:
    """Checks one row's cells; collects errors against the file's own column headers."""

    def __init__(self, number, columns, errors):
        self.number, self.columns, self.errors = number, columns, errors
        self.failed = False

    def error(self, key, message):
        self.failed = True
        self.errors.append(RowError(self.number, self.columns.get(key, key), message))


def _check_id_number(check, cell):
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        check.error("id_number", _("The ID number is stored as a number, which Excel rounds; format the column as "
                                   "text and type the number again."))
        return None
    try:
        return identity.check_id_number(text(cell))
    except identity.IdNumberError as exc:
        check.error("id_number", ID_NUMBER_MESSAGES[exc.code])
        return None


def _parse_rows(table, nodes, report):
    """Every row checked on its own (no database writes); returns the good ones."""
    units = {node.code: node for node in OrgNode.objects.filter(
        code__in={text(cells.get("unit_code")) for _number, cells in table.rows})}
    parsed = []
    for number, cells in table.rows:
        check = _RowChecker(number, table.columns, report.errors)
        real_name = text(cells.get("real_name"))
        if not real_name:
            check.error("real_name", _("The name is empty."))
        elif len(real_name) > 64:
            check.error("real_name", _("The name is longer than 64 characters."))
        id_number = _check_id_number(check, cells.get("id_number"))
        rank = RANK_LOOKUP.get(_norm(cells.get("rank")))
        if rank is None:
            check.error("rank", _("Unknown rank %(value)s: use 厅局级, 县处级, 科级, 科级以下 (一般干部) or 其他.")
                        % {"value": text(cells.get("rank")) or "''"})
        unit = units.get(text(cells.get("unit_code")))
        if unit is None or not _in_scope(nodes, unit):
            check.error("unit_code", _("Unit %(code)s is unknown or outside the units you administer.")
                        % {"code": text(cells.get("unit_code")) or "''"})
        values = {}
        if "mobile" in table.columns and text(cells.get("mobile")):
            try:
                values["mobile"] = identity.check_mobile(text(cells.get("mobile")))
            except ValueError:
                check.error("mobile", _("A mobile number has 11 digits and starts with 13 to 19."))
        if "political_status" in table.columns and text(cells.get("political_status")):
            status = POLITICAL_LOOKUP.get(_norm(cells.get("political_status")))
            if status is None:
                check.error("political_status", _("Unknown political status %(value)s.")
                            % {"value": text(cells.get("political_status"))})
            values["political_status"] = status
        if "post" in table.columns and text(cells.get("post")):
            values["post"] = text(cells.get("post"))
            if len(values["post"]) > 200:
                check.error("post", _("The post is longer than 200 characters."))
        if "registered_on" in table.columns and text(cells.get("registered_on")):
            try:
                values["registered_on"] = parse_date(cells.get("registered_on"))
            except ValueError as exc:
                check.error("registered_on", date_error_message(exc))
        username = text(cells.get("username"))
        if username and (len(username) > 150 or not all(ch.isalnum() or ch in "@.+-_" for ch in username)):
            check.error("username", _("A username has at most 150 letters, digits and @ . + - _ characters."))
        email = text(cells.get("email"))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                check.error("email", _("Not a valid e-mail address."))
        if check.failed:
            continue
        parsed.append(RosterRow(row=number, real_name=real_name, id_number=id_number,
                                id_hash=identity.hash_id_number(id_number, id_hash_key()), rank=rank, unit=unit,
                                values=values, username=username, email=email))
    return parsed


def _generated_username(id_hash):
    """Stable across imports and free of the ID number (only the keyed hash's prefix)."""
    return f"cadre{id_hash[:12]}"


def _plan(parsed, nodes, report, approve, columns, admin):
    """Decide each row's action against the database and the rest of the file."""
    user_model = get_user_model()
    existing = {profile.id_number_hash: profile for profile in LearnerProfile.objects.select_related(
        "unit", "user").filter(id_number_hash__in=[row.id_hash for row in parsed])}
    wanted = {row.username or _generated_username(row.id_hash) for row in parsed}
    users = {user.username: user for user in user_model.objects.filter(username__in=wanted).select_related(
        "cadre_profile")}
    linkable = set(roles.accounts_actor_may_act_on(admin).filter(username__in=wanted).values_list("pk", flat=True))
    seen_ids, seen_names, plans = {}, {}, []
    for row in parsed:
        errors_before = len(report.errors)

        def error(key, message, row=row):
            report.errors.append(RowError(row.row, columns.get(key, key), message))

        if row.id_hash in seen_ids:
            error("id_number", _("The same ID number as row %(row)s (one person, one account).")
                  % {"row": seen_ids[row.id_hash]})
            continue
        seen_ids[row.id_hash] = row.row
        profile = existing.get(row.id_hash)
        username = row.username or (profile.user.username if profile else _generated_username(row.id_hash))
        if username in seen_names and seen_names[username] != row.row:
            error("username", _("The same username as row %(row)s.") % {"row": seen_names[username]})
        seen_names.setdefault(username, row.row)
        user = None
        if profile is not None:
            if not _in_scope(nodes, profile.unit):
                error("id_number", _("This person is already registered in a unit outside the ones you administer "
                                     "(one person, one account); ask that unit to transfer them."))
            elif row.username and row.username != profile.user.username:
                error("username", _("This person already has the account %(username)s (one person, one account).")
                      % {"username": roles.safe_username(profile.user.username)})
        else:
            user = users.get(username)
            if user is not None:
                if hasattr(user, "cadre_profile"):
                    error("username", _("The username %(username)s belongs to another learner.")
                          % {"username": username})
                elif user.pk not in linkable:  # staff, academy staff, another region's administrator
                    error("username", _("The username %(username)s belongs to a staff account.")
                          % {"username": username})
        if len(report.errors) > errors_before:
            continue
        if profile is None:
            action, changed = ("link" if user is not None else "create"), []
        else:
            changed = _changes(profile, row, approve)
            action = "update" if changed else "unchanged"
        plans.append((row, action, profile, user, username, changed))
    return plans


def _changes(profile, row, approve):
    target = {"real_name": row.real_name, "rank": row.rank, "unit": row.unit, **row.values}
    changed = [name for name in UPDATABLE if name in target and getattr(profile, name) != target[name]]
    if approve and not profile.approved:
        changed.append("approved")
    return changed


def activate_if_pending(user):
    """
    Activate an imported account on approval: only one that never logged in (so an
    account the LMS itself disabled after use stays disabled).
    """
    if not user.is_active and user.last_login is None:
        type(user).objects.filter(pk=user.pk).update(is_active=True)
        user.is_active = True
        return True
    return False


def _write(plans, admin, approve, report, progress, initial_passwords=False):
    from cadre_policy_plugin.services import accounts

    user_model = get_user_model()
    total = len(plans)
    results = {result.row: result for result in report.rows}
    for done, (row, action, profile, user, username, changed) in enumerate(plans, start=1):
        if action in ("create", "link"):
            if user is None:
                user = user_model(username=username, email=row.email, is_active=approve)
                user.set_unusable_password()
                user.save()
            elif approve:
                activate_if_pending(user)
            profile = LearnerProfile(user=user, real_name=row.real_name, id_number=row.id_number, rank=row.rank,
                                     unit=row.unit, approved=approve, status=LearnerStatus.ACTIVE,
                                     **{key: value for key, value in row.values.items() if value is not None})
            profile.save()
            audit(admin, "profile.import", target=profile, learner=user,
                  detail={"action": action, "row": row.row, "id_number": row.masked_id, "sha256": report.sha256})
            if initial_passwords and action == "create":
                results[row.row].initial_password = accounts.issue_initial_password(
                    profile, actor=admin, action="account.initial_password", reason=_("roster import"))
        elif action == "update":
            target = {"real_name": row.real_name, "rank": row.rank, "unit": row.unit, **row.values}
            for name in changed:
                setattr(profile, name, True if name == "approved" else target[name])
            profile.save()
            if "approved" in changed and profile.is_active_learner:
                activate_if_pending(profile.user)
            audit(admin, "profile.import", target=profile, learner=profile.user,
                  detail={"action": action, "row": row.row, "id_number": row.masked_id, "fields": changed,
                          "sha256": report.sha256})
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress("writing", done, total)


def import_roster(data, filename="", *, admin, dry_run=False, approve=False, progress=None,
                  initial_passwords=False):
    """
    Check and (unless ``dry_run`` or any row is wrong) write a roster file.

    Returns an :class:`ImportReport` (``report.ok`` false: nothing was written, every
    row error listed).  Raises ``PermissionDenied`` for a caller who administers
    nothing and ``ValidationError`` for a file that cannot be read at all.
    """
    _require_administrator(admin)
    nodes = scope.managed_nodes(admin)
    report = ImportReport(kind="roster", sha256=hashlib.sha256(data).hexdigest(), dry_run=dry_run)
    table = read_table(data, filename, ALIASES, required=REQUIRED)
    report.ignored_columns, report.encoding = table.ignored_columns, table.encoding
    report.errors.extend(table.errors)
    if progress:
        progress("checking", 0, len(table.rows))
    parsed = _parse_rows(table, nodes, report)
    plans = _plan(parsed, nodes, report, approve, table.columns, admin)
    report.rows = [RowResult(row=row.row, action=action, username=username, id_number=row.masked_id,
                             unit=row.unit.code, changed=changed)
                   for row, action, _profile, _user, username, changed in plans]
    report.errors.sort(key=lambda error: (error.row, error.column))
    if progress:
        progress("checked", len(table.rows), len(table.rows))
    if report.errors or dry_run:
        log.info("roster import by user %s: %s rows, %s errors, dry run %s; nothing written",
                 admin.pk, len(table.rows), len(report.errors), dry_run)
        return report
    with transaction.atomic():
        _write(plans, admin, approve, report, progress, initial_passwords)
        audit(admin, "roster.import", detail={"sha256": report.sha256, "counts": report.counts(), "approve": approve,
                                              "initial_passwords": initial_passwords})
    report.written = True
    log.info("roster import by user %s: %s", admin.pk, report.counts())
    return report
