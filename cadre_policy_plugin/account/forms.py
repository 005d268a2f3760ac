"""Forms of the account pages: every label and message translatable (zh-Hans first)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from cadre_policy_plugin.models import OrgNode, Rank


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current (initial) password"), strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password1 = forms.CharField(label=_("New password"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label=_("New password again"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data


class UnitChoiceField(forms.ModelChoiceField):
    """The organisation tree as an indented list (the learner picks their own unit)."""

    def label_from_instance(self, obj):
        return "\u3000" * obj.depth + obj.name


class RegistrationForm(forms.Form):
    id_number = forms.CharField(label=_("ID number (your user name)"), max_length=18, min_length=18,
                                widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "text"}),
                                help_text=_("18 characters; the last may be X."))
    real_name = forms.CharField(label=_("Real name"), max_length=64)
    mobile = forms.CharField(label=_("Mobile number"), max_length=11, required=False,
                             help_text=_("Optional; you can then also sign in with it."))
    rank = forms.ChoiceField(label=_("Rank"), choices=Rank.choices)
    unit = UnitChoiceField(label=_("Your unit"), queryset=OrgNode.objects.order_by("path"),
                           empty_label=_("Choose your unit"))
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data
