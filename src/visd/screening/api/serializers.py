from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from visd.core.api.serializers import RegistrySerializer
from visd.projects.models import Project

from ..models import CountryNote, ExportRestriction, Screening, ScreeningKind


class ExportRestrictionSerializer(RegistrySerializer):
    class Meta:
        model = ExportRestriction
        fields = ["id", "code", "country", "kind", "regime", "goods", "title_nl", "title_en", "note_nl", "note_en",
                  "effective_from", "effective_to", "review_date", "source", "legal_act_url",
                  "created_at", "updated_at"]


class CountryNoteSerializer(RegistrySerializer):
    class Meta:
        model = CountryNote
        fields = ["id", "code", "country", "flag", "title_nl", "title_en", "text_nl", "text_en",
                  "effective_from", "effective_to", "review_date", "source", "created_at", "updated_at"]


class ScreeningSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Screening
        fields = ["id", "kind", "subject", "project", "reference_date", "answers", "outcome", "result",
                  "rule_version", "created_by", "created_at"]
        read_only_fields = fields


class ScreeningRequestSerializer(serializers.Serializer):
    """Run a screening: the answers are those of the web questionnaire (see docs/guidance.md)."""

    kind = serializers.ChoiceField(choices=ScreeningKind.choices)
    subject = serializers.CharField(max_length=300)
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), required=False, allow_null=True)
    answers = serializers.DictField(help_text=_(
        "ESAC: reference_date, nature, ml_category, under_ethical_review, review_programme, "
        "contrary_to_international_law. Export: reference_date, description, goods_kind, destination."))
