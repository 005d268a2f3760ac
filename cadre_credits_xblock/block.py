"""
The credit-hour XBlock: a lecture (video or reading) whose learning time the server
verifies, and the place where authors tag the course with its hours.

The class only assembles the pieces, each in its own module: fields (``fields.py``),
learner views and Studio views (``views.py``), the Studio save handler
(``authoring.py``), the learner's JSON handlers (``handlers.py``).  The rules that
decide credited time are in the pure ``verification.py``; the rows and locks in
``sessions.py``.
"""
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock

from .authoring import AuthoringMixin
from .fields import CreditBlockFields
from .handlers import LearnerHandlersMixin
from .views import ViewsMixin


@XBlock.needs("user")
@XBlock.wants("i18n")
@XBlock.wants("studio_user_permissions")  # Studio only: the authoring guard (compat.current_user_can_author)
class CadreCreditsXBlock(CreditBlockFields, ViewsMixin, AuthoringMixin, LearnerHandlersMixin, XBlock):
    """A lecture whose hours count only for server-verified learning time."""

    # Completion is published by the block itself, only when the server verified the
    # required share and every attention check (never on mere viewing).
    has_custom_completion = True
    completion_mode = XBlockCompletionMode.COMPLETABLE
    has_score = False
    has_author_view = True
    show_in_read_only_mode = True
    icon_class = "video"

    @staticmethod
    def workbench_scenarios():
        """A video lecture with two attention checks, for the xblock-sdk workbench."""
        return [(
            "Cadre credit-hour lecture",
            '<cadre_credits display_name="Party history, lecture 1" duration_seconds="600" '
            'checks_required="2" video_url="https://example.org/lecture1.mp4"/>',
        )]
