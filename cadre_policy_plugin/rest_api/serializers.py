"""Input validation for the write endpoints (output is the api's plain data)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cadre_policy_plugin.models import Source

AMOUNT = {"max_digits": 10, "decimal_places": 2, "required": False, "allow_null": True}


class AddEntrySerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=Source.choices)
    category = serializers.ChoiceField(choices=["required", "elective"], required=False, allow_null=True)
    minutes = serializers.DecimalField(**AMOUNT)
    hours = serializers.DecimalField(**AMOUNT)
    credits = serializers.DecimalField(**AMOUNT)
    half_days = serializers.DecimalField(**AMOUNT)
    absent_hours = serializers.DecimalField(**AMOUNT)
    characters = serializers.DecimalField(max_digits=12, decimal_places=0, required=False, allow_null=True)
    earned_on = serializers.DateField()
    reason = serializers.CharField(max_length=2000, trim_whitespace=True)
    evidence_type = serializers.ChoiceField(choices=["administrator", "upload", "import"], required=False)
    evidence_ref = serializers.CharField(max_length=255, required=False, allow_blank=True)
    course_key = serializers.CharField(max_length=255, required=False, allow_blank=True)

    QUANTITIES = ("minutes", "hours", "credits", "half_days", "absent_hours", "characters")

    def validate(self, attrs):
        if not any(attrs.get(name) is not None for name in self.QUANTITIES if name != "absent_hours"):
            raise serializers.ValidationError(_("Give the entry's amount (minutes, hours, credits, half days or "
                                                "characters)."))
        return attrs

    def quantities(self):
        return {name: self.validated_data[name] for name in self.QUANTITIES
                if self.validated_data.get(name) is not None}


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, trim_whitespace=True)
