"""
Admin for learner profiles (academy staff only): the ID number is typed once and shown
masked ever after.

The add form takes the learner's account by its exact user name, resolved among the
accounts that may get a profile (``roles.accounts_for_new_profile``: no staff,
superuser or academy account, none that already has one), so the page
never lists the platform's accounts.  The change form shows only the masked number
(a wrong number is corrected by entering a new one in ``new_id_number`` with a reason:
not a field edit, it goes through ``api.correct_id_number``, which records it and
queues the transfer of the learner's records at the registry, issue 13); a full,
valid ID number typed in the search box is looked up through its keyed hash (the page
then carries the hash, not the number), never by a part of it.  Approving, and every
other change, is audited with masked values only.
"""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cadre_policy_plugin import api, identity
from cadre_policy_plugin.admin.scoping import AcademyAdminMixin, AccountField, person
from cadre_policy_plugin.conf import id_hash_key
from cadre_policy_plugin.models import LearnerProfile
from cadre_policy_plugin.models.learners import validate_id_number, validate_mobile
from cadre_policy_plugin.services import accounts, roles
from cadre_policy_plugin.services.audit import audit
from cadre_policy_plugin.services.roster_import import activate_if_pending

PROFILE_FIELDS = ["real_name", "mobile", "rank", "unit", "political_status", "post", "status", "approved",
                  "registered_on"]


def id_number_widget():
    """Typed, never shown back: a form re-rendered after an error does not echo the number."""
    return forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "inputmode": "text",
                                                          "maxlength": 18})


class LearnerProfileAddForm(forms.ModelForm):
    account = AccountField(label=_("user name"),
                           help_text=_("The learner's exact user name. Staff, superuser and academy accounts, and "
                                       "accounts that already have a profile, cannot be chosen."))

    class Meta:
        model = LearnerProfile
        fields = ("real_name", "id_number", *PROFILE_FIELDS[1:])
        widgets = {"id_number": id_number_widget()}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("account") is not None:
            self.instance.user = cleaned["account"]
        return cleaned


class LearnerProfileChangeForm(forms.ModelForm):
    new_id_number = forms.CharField(label=_("new ID number"), required=False, max_length=18,
                                    validators=[validate_id_number], widget=id_number_widget(),
                                    help_text=_("Only to correct a wrong number; the current one is never shown. "
                                                "The registry re-files the learner's records under the new number."))
    correction_reason = forms.CharField(label=_("reason for the correction"), required=False, max_length=2000,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    new_mobile = forms.CharField(label=_("new mobile number"), required=False, max_length=11,
                                 validators=[validate_mobile],
                                 help_text=_("Only to change the number; the current one is shown masked."))

    class Meta:
        model = LearnerProfile
        # never id_number or mobile: they are not shown whole; never the account: it is fixed
        fields = [name for name in PROFILE_FIELDS if name != "mobile"]

    def save(self, commit=True):
        # The ID number is not set here: the admin corrects it through the api (save_model).
        if self.cleaned_data.get("new_mobile"):
            self.instance.mobile = self.cleaned_data["new_mobile"]
        return super().save(commit)

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_id_number")
        if new:
            if not (cleaned.get("correction_reason") or "").strip():
                self.add_error("correction_reason", _("A reason is required to correct an identity."))
            digest = identity.hash_id_number(new, id_hash_key())
            if identity.normalize_id_number(new) == self.instance.id_number:
                self.add_error("new_id_number", _("This is already the learner's ID number."))
            elif LearnerProfile.objects.filter(id_number_hash=digest).exclude(pk=self.instance.pk).exists():
                self.add_error("new_id_number", _(
                    "Another learner has this ID number: if both accounts are one person, merge them."))
        return cleaned


@admin.register(LearnerProfile)
class LearnerProfileAdmin(AcademyAdminMixin, admin.ModelAdmin):
    list_display = ("real_name", "masked_id_number", "masked_mobile", "rank", "unit", "status", "approved")
    list_filter = ("status", "approved", "rank")
    search_fields = ("real_name", "=user__username")
    readonly_fields = ("account", "masked_id_number", "masked_mobile", "created", "modified")
    actions = ("approve", "approve_with_initial_passwords")
    id_hash_path = "id_number_hash"

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj):
        return obj.masked_id_number if obj is not None and obj.pk else "-"

    @admin.display(description=_("mobile number"))
    def masked_mobile(self, obj):
        return obj.masked_mobile if obj is not None and obj.pk else "-"

    @admin.display(description=_("account"))
    def account(self, obj):
        return person(obj.user) if obj is not None and obj.user_id else "-"

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = LearnerProfileChangeForm if obj is not None else LearnerProfileAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["account"].queryset = roles.accounts_for_new_profile(request.user)
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["account", "real_name", "id_number", *PROFILE_FIELDS[1:]]
        return ["account", "masked_id_number", "new_id_number", "correction_reason", "real_name", "masked_mobile",
                "new_mobile", *PROFILE_FIELDS[2:]]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        fields = [name for name in form.changed_data
                  if name not in ("id_number", "new_id_number", "correction_reason", "new_mobile", "mobile", "account")]
        if {"mobile", "new_mobile"} & set(form.changed_data):
            fields.append("mobile")
        if "id_number" in form.changed_data:
            fields.append("id_number")
        if fields or not change:
            audit(request.user, "profile.change" if change else "profile.add", target=obj, learner=obj.user,
                  detail={"fields": fields, "id_number": obj.masked_id_number})
        new = form.cleaned_data.get("new_id_number") if change else None
        if new:
            api.correct_id_number(obj.user, new, by=request.user, reason=form.cleaned_data["correction_reason"])
            obj.refresh_from_db()

    @admin.action(description=_("Approve the selected learners"))
    def approve(self, request, queryset):
        count = 0
        for profile in queryset.filter(approved=False).select_related("user"):
            profile.approved = True
            profile.save(update_fields=["approved", "modified"])
            if profile.is_active_learner and not roles.is_protected_account(profile.user):
                activate_if_pending(profile.user)  # an imported account waits inactive for approval
            audit(request.user, "profile.approve", target=profile, learner=profile.user)
            count += 1
        self.message_user(request, ngettext("%(count)d learner approved.", "%(count)d learners approved.", count)
                          % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Approve and issue initial passwords (shown once)"))
    def approve_with_initial_passwords(self, request, queryset):
        """
        Approve the selected learners and give each a new initial password (Loudi Art. 8:
        approved, then given a user name and initial password), listed once on the answer
        page (``no-store``), never in a message (messages live in cookies or the session).
        """
        issued = []
        for profile in queryset.select_related("user", "unit"):
            try:
                password = accounts.approve_learner(request.user, profile, initial_password=True)
            except PermissionDenied:
                continue
            issued.append({"profile": profile, "password": password})
        context = {**self.admin_site.each_context(request), "title": _("Initial passwords"), "issued": issued,
                   "opts": self.model._meta}
        response = TemplateResponse(request, "admin/cadre_policy/initial_passwords.html", context)
        response["Cache-Control"] = "no-store"
        return response
