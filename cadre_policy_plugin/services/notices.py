"""
Quarterly notices to individuals (Loudi Art. 16: 分季度将信息通报个人).

Each active learner below a node gets a short e-mail with their progress this year,
read from the ``YearStatus`` cache (the caller recomputes stale ones first if asked).
The notice names the learner, the unit and the figures; it never carries an ID number,
not even masked — an e-mail travels further than a report.  Learners without an e-mail
address, and those with no status for the year, are skipped and returned so the
operator can reach them another way.  Sending goes through Django's ``send_mail`` on
one shared connection; a failure for one learner is counted and logged (user id only)
and never stops the run.
"""
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from cadre_policy_plugin.models import LearnerStatus
from cadre_policy_plugin.services.circular_exports import pick_language
from cadre_policy_plugin.services.circulars import learner_lines

log = logging.getLogger(__name__)


@dataclass
class NoticeRun:
    """What a run did: counts and the learners skipped (as lines, for listing)."""

    sent: int = 0
    would_send: int = 0
    delivered: list = field(default_factory=list)  # (line, subject) of each notice sent
    failed: list = field(default_factory=list)
    skipped_no_email: list = field(default_factory=list)
    skipped_no_status: list = field(default_factory=list)
    messages: list = field(default_factory=list)  # (to, subject, body) in a dry run


def _measure(line):
    return _("credits") if line.unit_of_measure == "credits" else _("study hours")


def compose(line, year, quarter):
    """``(subject, body)`` of one learner's notice, in the active language."""
    values = {"name": line.real_name, "unit": line.unit_name, "year": year, "quarter": quarter,
              "earned": format(line.total_earned, "f"), "needed": format(line.total_needed, "f"),
              "required_earned": format(line.required_earned, "f"), "measure": _measure(line),
              "shortfall": format(line.shortfall, "f")}
    subject = _("Training progress notice: %(year)s, quarter %(quarter)s") % values
    body = [_("Dear %(name)s (%(unit)s),") % values, "",
            _("As of quarter %(quarter)s of %(year)s, you have earned %(earned)s of the %(needed)s %(measure)s "
              "required this academic year.") % values]
    if line.required_needed:
        body.append(_("Required courses: %(required_earned)s of %(required_needed)s.") % {
            **values, "required_needed": format(line.required_needed, "f")})
    if line.met:
        body.append(_("You have met this year's requirement. Thank you."))
    else:
        body.append(_("You still need %(shortfall)s %(measure)s; please complete them within the academic year.")
                    % values)
        if line.required_shortfall:
            body.append(_("Of these, %(required)s must come from required courses.") % {
                "required": format(line.required_shortfall, "f")})
    body += ["", _("This notice is sent every quarter by the cadre training administration.")]
    return subject, "\n".join(body) + "\n"


def send_quarterly_notices(node, year, quarter, *, language=None, dry_run=False, from_email=None, progress=None):
    """Send (or, with ``dry_run``, compose only) the notices for active learners below ``node`` (``None``: all)."""
    run = NoticeRun()
    lines = [line for line in learner_lines(node, year) if line.status == LearnerStatus.ACTIVE]
    connection = None if dry_run else get_connection()
    from_email = from_email or settings.DEFAULT_FROM_EMAIL
    with translation.override(pick_language(language)):
        for count, line in enumerate(lines, start=1):
            if not line.has_status or line.total_needed is None:
                run.skipped_no_status.append(line)
            elif not line.email:
                run.skipped_no_email.append(line)
            else:
                subject, body = compose(line, year, quarter)
                if dry_run:
                    run.would_send += 1
                    run.messages.append((line.email, subject, body))
                else:
                    try:
                        send_mail(subject, body, from_email, [line.email], connection=connection)
                        run.sent += 1
                        run.delivered.append((line, subject))
                    except Exception:  # one bad address or a server hiccup must not stop the run
                        log.exception("quarterly notice to user %s failed", line.user_id)
                        run.failed.append(line)
            if progress and (count % 500 == 0 or count == len(lines)):
                progress("notices", count, len(lines))
    if connection is not None:
        connection.close()
    return run
