from rest_framework import serializers

from motcua.organizations.models import Unit


class UnitSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    area_code = serializers.CharField(source="area.code", read_only=True, default=None)

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "kind_label",
            "parent",
            "agency_code",
            "area_code",
            "address",
            "phone",
            "email",
            "active",
        ]
        read_only_fields = fields
