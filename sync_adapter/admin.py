"""
Admin pages: the outbox (read-only) and the dead letters (read why, replay).

Nothing here can delete a row: the outbox is evidence of what was sent and when.
"""
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sync_adapter import dead_letters
from sync_adapter.models import DeadLetter, OutboxRecord

READ_ONLY = (
    "idempotency_key", "entry_uuid", "version", "user_id", "academic_year", "reverses_uuid", "payload",
    "status", "attempts", "next_attempt_at", "claimed_by", "lease_until", "created", "delivered_at",
    "receipt_id", "outcome", "last_error", "last_error_detail", "dead_reason", "dead_at",
    "replay_count", "requeue_count",
)


class NamedChangeList(ChangeList):
    """The page's rows with their learners' names, asked of the policy plugin once per page."""

    def get_results(self, request):
        super().get_results(request)
        from cadre_policy_plugin import api  # the plugin's one door (lazily: apps are ready)

        names = api.learner_names({row.user_id for row in self.result_list})
        for row in self.result_list:
            row.learner_label = names.get(row.user_id)


class _ReadOnly(admin.ModelAdmin):
    readonly_fields = READ_ONLY
    list_per_page = 100

    def get_changelist(self, request, **kwargs):
        return NamedChangeList

    @admin.display(description=_("learner"), ordering="user_id")
    def learner(self, obj):
        """``real name（username）`` of the learner (``user_id`` alone on the detail page)."""
        return getattr(obj, "learner_label", None) or str(obj.user_id)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxRecord)
class OutboxRecordAdmin(_ReadOnly):
    """Every ledger change on its way to the registry, and what the registry said."""

    list_display = ("id", "entry_uuid", "learner", "academic_year", "status", "outcome", "attempts",
                    "next_attempt_at", "receipt_id", "last_error")
    list_filter = ("status", "outcome", "academic_year")
    search_fields = ("=entry_uuid", "=idempotency_key", "=user_id", "=receipt_id")


@admin.register(DeadLetter)
class DeadLetterAdmin(_ReadOnly):
    """Records that will not be sent again until someone replays them."""

    list_display = ("id", "entry_uuid", "learner", "academic_year", "dead_reason", "last_error_detail",
                    "attempts", "dead_at", "replay_count")
    list_filter = ("dead_reason",)
    search_fields = ("=entry_uuid", "=user_id")
    actions = ["replay_selected"]

    @admin.action(description=_("Replay the selected dead letters"))
    def replay_selected(self, request, queryset):
        count = dead_letters.replay(queryset)
        self.message_user(request, ngettext(
            "%(count)d dead letter queued again.", "%(count)d dead letters queued again.", count,
        ) % {"count": count}, messages.SUCCESS)
