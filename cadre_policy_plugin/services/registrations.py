"""
Registration reviews by the unit (Inner Mongolia 2018 notice §三.2; Anhui Art. 8): who
is waiting, and the reason a learner was last turned back (shown to them).
"""
from django.db.models import Exists, OuterRef, Q

from cadre_policy_plugin.models import LearnerProfile, LearnerStatus, RegistrationReview
from cadre_policy_plugin.services import scope


def pending(user):
    """Active, unapproved learners of ``user``'s subtree without a rejection since their last change."""
    rejected = RegistrationReview.objects.filter(user=OuterRef("user"), decision=RegistrationReview.Decision.REJECTED,
                                                 reviewed_at__gte=OuterRef("modified"))
    return (scope.visible_profiles(user).filter(approved=False, status=LearnerStatus.ACTIVE)
            .filter(~Exists(rejected)).select_related("unit", "user").order_by("unit__code", "real_name", "id"))


def latest_rejection(user):
    """The reason a learner's registration was last rejected, when that is still the last word (or ``None``)."""
    profile = LearnerProfile.objects.filter(user=user).first()
    if profile is None or profile.approved:
        return None
    review = RegistrationReview.objects.filter(Q(user=user), reviewed_at__gte=profile.modified).first()
    return review.reason if review and review.decision == RegistrationReview.Decision.REJECTED else None
