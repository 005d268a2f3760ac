"""
The block's own settings (Scope.settings), as the author edits them in Studio.

Only what belongs to THIS block lives here: its media, how long it is, how many
attention checks it asks and which share must be verified.  What the whole course
is worth (category, hours, topic, exam) is the course credit spec, stored by the
policy plugin through ``api.set_course_credit_spec`` so there is one source of truth;
the block never keeps a second copy.  Learner state is not in XBlock fields either
but in the app's own tables, which can be locked (see ``models.py``).
"""
from decimal import Decimal, InvalidOperation

from xblock.fields import Integer, List, Scope, String

from .conf import credits_setting
from .verification import KIND_READING, KIND_VIDEO

# Field metadata stays in plain English: authors edit these through the block's own
# translated Studio form (views.py), never Studio's generic settings editor.


class CreditBlockFields:
    """Field definitions shared by the views and handlers."""

    display_name = String(
        display_name="Display name", default="Lecture", scope=Scope.settings,
    )
    media_kind = String(
        display_name="Media", default=KIND_VIDEO, scope=Scope.settings,
        values=[{"value": KIND_VIDEO, "display_name": "Video"}, {"value": KIND_READING, "display_name": "Reading"}],
    )
    video_url = String(
        display_name="Video URL", default="", scope=Scope.settings,
        help="An HTML5 video (MP4/WebM) the browser can play directly.",
    )
    reading_text = String(
        display_name="Reading text", default="", scope=Scope.content, multiline_editor=True,
        help="Plain text shown to the learner when the media is a reading.",
    )
    duration_seconds = Integer(
        display_name="Duration (seconds)", default=0, scope=Scope.settings,
        help="Length of the video, or the minimum reading time of the text.",
    )
    checks_required = Integer(
        display_name="Attention checks", default=2, scope=Scope.settings,
        help="How many attention checks to ask at random moments of the lecture.",
    )
    questions = List(
        display_name="Content questions", default=[], scope=Scope.content,
        help="The author's pool of questions about the lecture (questions.py); never sent to learners.",
    )
    required_share = String(
        display_name="Required share", default="", scope=Scope.settings,
        help="Share of the duration that must be verified, e.g. 0.95; empty: CADRE_CREDITS DEFAULT_REQUIRED_SHARE.",
    )

    def required_share_decimal(self) -> Decimal:
        """The share as a Decimal; the site default when unset or malformed."""
        default = Decimal(str(credits_setting("DEFAULT_REQUIRED_SHARE")))
        try:
            share = Decimal(str(self.required_share or default))
        except InvalidOperation:
            return default
        return share if Decimal(0) < share <= Decimal(1) else default
