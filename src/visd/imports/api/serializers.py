from rest_framework import serializers

from ..models import ImportRun


class ImportRunSerializer(serializers.ModelSerializer):
    started_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ImportRun
        fields = ["id", "kind", "files", "started_at", "started_by", "status", "counts", "problems"]
        read_only_fields = fields
