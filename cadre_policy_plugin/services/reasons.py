"""
Why an entry counts for nothing, as a sentence a person reads.

The engine answers with stable codes (``rules.vocabulary.EXCLUSION_REASONS``): machines,
exports' code columns and the registry keep the code; the training file, the admin, the
exports and the API add the sentence in the reader's language.
"""
from django.utils.translation import gettext_lazy as _

from cadre_policy_plugin.rules import vocabulary as v

SENTENCES = {
    v.OUTSIDE_ACADEMIC_YEAR: _("Earned on a day that belongs to no academic year of this policy (for example after "
                               "the make-up period), so it counts for no year."),
    v.STATISTICS_PERIOD: _("Earned during the year-end statistics period, when nothing earned counts."),
    v.BEFORE_REGISTRATION: _("Earned before the learner's registration date, which this policy does not count."),
    v.EXAM_NOT_PASSED: _("A required course counts only once its exam is passed."),
    v.ABSENCE_OVER_LIMIT: _("Leave exceeded one seventh of the training's scheduled hours, so the training earns "
                            "no hours."),
    v.SOURCE_NOT_COUNTED: _("This kind of training is not counted by this policy."),
    "not_counted": _("This entry counted for no academic year when it was recorded."),
}


def reason_text(code):
    """The sentence for ``code`` (``""`` for no code; an unknown code is shown as it is)."""
    if not code:
        return ""
    sentence = SENTENCES.get(code)
    return str(sentence) if sentence is not None else code
