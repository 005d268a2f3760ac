"""
Admin for the ledger (academy staff only): read-only rows, adding through the api,
revoking with a reason.

Rows are never edited or deleted here.  The add form hands its values to
``services.ledger.add_entry`` (so the rules, the signal and the audit all run); the
"revoke" action asks for a written reason on an intermediate page and reverses each
selected entry through ``services.ledger.revoke``.
"""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cadre_policy_plugin.admin.scoping import AcademyAdminMixin, AccountField, PersonColumnsMixin, person
from cadre_policy_plugin.models import EvidenceDocument, EvidenceType, LedgerEntry
from cadre_policy_plugin.services import ledger, scope
from cadre_policy_plugin.services.reasons import reason_text

QUANTITIES = ("minutes", "hours", "credits", "half_days", "absent_hours", "characters")


class LedgerEntryAddForm(forms.ModelForm):
    account = AccountField(label=_("learner's user name"),
                           help_text=_("The exact user name of a learner with a profile."))
    evidence_ref = forms.CharField(label=_("evidence"), required=False, max_length=255,
                                   help_text=_("Document number or file reference; the same evidence is never "
                                               "credited twice. Leave empty for a generated reference."))

    class Meta:
        model = LedgerEntry
        fields = ("source", "category", *QUANTITIES, "earned_on", "course_key", "evidence_ref", "reason")

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise ValidationError(_("A reason is required for every entry an administrator adds."))
        return reason

    def clean(self):
        """Ask the rules (without writing) so a refused entry is a form error, not a crash."""
        cleaned = super().clean()
        if self.errors or not cleaned.get("account"):
            return cleaned
        cleaned["user"] = cleaned["account"]
        quantities = {name: cleaned[name] for name in QUANTITIES if cleaned.get(name) is not None}
        if not quantities:
            raise ValidationError(_("Give the entry's amount (minutes, hours, credits, half days or characters)."))
        ledger.preview_entry(cleaned["user"], source=cleaned["source"], earned_on=cleaned["earned_on"],
                             category=cleaned.get("category") or None, **quantities)
        return cleaned

    def _post_clean(self):
        """The model's own validation runs in the api (uniqueness, rules), not here."""


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(LedgerEntry)
class LedgerEntryAdmin(AcademyAdminMixin, PersonColumnsMixin, admin.ModelAdmin):
    allow_change = False
    list_display = ("created", "user_label", "source", "category", "value_hours", "value_credits", "earned_on",
                    "academic_year", "why_not_counted", "evidence_type", "is_reversal_entry", "entered_by_label")
    list_filter = ("source", "academic_year", "evidence_type")
    search_fields = ("=user__username", "user__cadre_profile__real_name", "course_key", "evidence_ref")
    actions = ("revoke",)
    date_hierarchy = "earned_on"
    id_hash_path = "user__cadre_profile__id_number_hash"
    readonly_fields = ("learner", "evidence_document", "why_not_counted", "reason_masked")

    def get_exclude(self, request, obj=None):
        """People are shown by ``learner``; a stored reason only masked (the add form takes one)."""
        return ("user", "entered_by", "reason") if obj is not None else ("user", "entered_by")

    @admin.display(description=_("why not counted"))
    def why_not_counted(self, obj):
        """The engine's reason as a sentence, with its code (the registry's uncounted_reason)."""
        return f"{reason_text(obj.excluded_reason)} ({obj.excluded_reason})" if obj.excluded_reason else ""

    @admin.display(description=_("learner"))
    def learner(self, obj):
        return person(obj.user) if obj is not None and obj.user_id else "-"

    def has_change_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = LedgerEntryAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["account"].queryset = get_user_model().objects.filter(
                cadre_profile__in=scope.managed_profiles(request.user))
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["account", "source", "category", *QUANTITIES, "earned_on", "course_key", "evidence_ref", "reason"]
        return super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        quantities = {name: data[name] for name in QUANTITIES if data.get(name) is not None}
        created = ledger.add_entry(
            data["account"], source=data["source"], category=data.get("category") or None,
            entered_by=request.user, reason=data["reason"], earned_on=data["earned_on"],
            evidence_ref=data.get("evidence_ref") or None, course_key=data.get("course_key") or "",
            **quantities)
        row = LedgerEntry.objects.get(uuid=created.uuid) if created else None
        if row is None:
            raise ValidationError(_("This evidence is already credited to the learner."))
        obj.__dict__.update({k: v for k, v in row.__dict__.items() if k != "_state"})
        obj._state.adding = False

    @admin.display(description=_("evidence document"))
    def evidence_document(self, obj):
        """A download link when the entry was credited on an uploaded document (same scope as the entry)."""
        if obj is None or obj.pk is None or obj.evidence_type != EvidenceType.UPLOAD:
            return "-"
        document = EvidenceDocument.objects.filter(sha256=obj.evidence_ref).first()
        if document is None:
            return "-"
        url = reverse("cadre_policy:api-evidence-document", args=[document.sha256])
        return format_html('<a href="{}">{} ({}, {} B)</a>', url, _("Download"), document.content_type,
                           document.size)

    @admin.display(description=_("reversal"), boolean=True)
    def is_reversal_entry(self, obj):
        return obj.is_reversal

    @admin.action(description=_("Revoke the selected entries (asks for a reason)"))
    def revoke(self, request, queryset):
        form = RevokeForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done = 0
            for entry in queryset.filter(reverses__isnull=True):
                ledger.revoke(entry.uuid, by=request.user, reason=form.cleaned_data["reason"])
                done += 1
            self.message_user(request, ngettext("%(count)d entry revoked.", "%(count)d entries revoked.", done)
                              % {"count": done}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request), "title": _("Revoke ledger entries"), "entries": queryset,
            "form": form, "opts": self.model._meta, "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/cadre_policy/revoke_entries.html", context)
