"""Forms of the console (plain Django forms; every label translatable)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from cadre_policy_plugin.models import DeclarationKind, Source

ENTRY_SOURCES = [choice for choice in Source.choices]
QUANTITIES = [("hours", _("hours")), ("minutes", _("minutes")), ("credits", _("credits")),
              ("half_days", _("half days")), ("characters", _("characters"))]


class EntryForm(forms.Form):
    """A back-filled entry or the corrected version of one (an administrator's entry with a reason)."""

    source = forms.ChoiceField(label=_("Source"), choices=ENTRY_SOURCES)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("(none)")), ("required", _("Required (必修)")),
                                          ("elective", _("Elective (选修)"))])
    earned_on = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    quantity = forms.ChoiceField(label=_("Amount in"), choices=QUANTITIES)
    amount = forms.DecimalField(label=_("Amount"), max_digits=10, decimal_places=2)
    absent_hours = forms.DecimalField(label=_("Absent hours (off-job training)"), required=False, min_value=0,
                                      max_digits=10, decimal_places=2)
    course_key = forms.CharField(label=_("Course key (optional)"), required=False, max_length=255)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    document = forms.FileField(label=_("Evidence document (PDF, JPEG or PNG; optional)"), required=False)

    def clean(self):
        data = super().clean()
        amount = data.get("amount")
        if amount is not None and amount <= 0 and data.get("source") != Source.ADJUSTMENT:
            self.add_error("amount", _("Amounts are positive numbers (only an adjustment may be negative)."))
        return data

    def entry_kwargs(self):
        data = self.cleaned_data
        kwargs = {"source": data["source"], "category": data["category"] or None, "earned_on": data["earned_on"],
                  data["quantity"]: data["amount"], "course_key": data["course_key"].strip()}
        if data.get("absent_hours") is not None:
            kwargs["absent_hours"] = data["absent_hours"]
        return kwargs


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    reason = forms.CharField(label=_("Reason (entries only)"), required=False, max_length=2000)
    approve = forms.BooleanField(label=_("Approve the imported learners' registration (roster only)"),
                                 required=False)


class NoticeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1991, max_value=2199)
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, choices=[(q, q) for q in (1, 2, 3, 4)])
    confirm_resend = forms.BooleanField(label=_("Yes, send this quarter again"), required=False)


class DeclarationForm(forms.Form):
    """A line of the hours registration form, as the learner declares it."""

    kind = forms.ChoiceField(label=_("Kind"), choices=DeclarationKind.choices)
    title = forms.CharField(label=_("Training, study or lecture"), max_length=200)
    organiser = forms.CharField(label=_("Organiser"), required=False, max_length=200)
    earned_on = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    amount = forms.CharField(label=_("Amount"), max_length=20,
                             help_text=_("Off-job training: half days; group study: hours; self-study: characters "
                                         "written; lecturing: minutes taught."))
    absent_hours = forms.CharField(label=_("Absent hours (off-job training)"), required=False, max_length=20)
    document = forms.FileField(label=_("Document (PDF, JPEG or PNG)"), required=False,
                               help_text=_("Required for off-job training (the organiser's 学员鉴定表) and "
                                           "self-study (what you wrote)."))
