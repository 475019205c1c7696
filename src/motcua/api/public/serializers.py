"""Read-only shapes of the public catalogue: a short form for lists, the full current version for detail."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.catalog.models import (
    Channel,
    Fee,
    Field,
    Level,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    Subject,
)
from motcua.organizations.models import Unit


class PublicFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["id", "code", "name"]


class PublicUnitSerializer(serializers.ModelSerializer):
    """Only what a citizen needs to go there: no internal tree data."""

    class Meta:
        model = Unit
        fields = ["name", "agency_code", "address", "phone", "email"]


class DocumentSerializer(serializers.ModelSerializer):
    copy_type_label = serializers.CharField(source="get_copy_type_display")
    form_url = serializers.SerializerMethodField()

    class Meta:
        model = RequiredDocument
        fields = [
            "position",
            "name",
            "copy_type",
            "copy_type_label",
            "copies",
            "required",
            "condition",
            "form_name",
            "form_url",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_form_url(self, doc: RequiredDocument) -> str | None:
        if not doc.form_template:
            return None
        request = self.context.get("request")
        url = doc.form_template.url
        return request.build_absolute_uri(url) if request else url


class FeeSerializer(serializers.ModelSerializer):
    channel_label = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display")
    amount = serializers.IntegerField()
    amount_label = serializers.CharField()

    class Meta:
        model = Fee
        fields = [
            "channel",
            "channel_label",
            "kind",
            "kind_label",
            "name",
            "amount",
            "amount_label",
            "description",
            "legal_basis",
        ]

    def get_channel_label(self, fee: Fee) -> str:
        return fee.get_channel_display() if fee.channel else "Mọi hình thức"


class StepSerializer(serializers.ModelSerializer):
    handler_label = serializers.CharField(source="get_handler_display")
    unit = serializers.CharField(source="unit.name", default=None)
    role = serializers.CharField(source="role.name", default=None)
    allotted = serializers.DecimalField(max_digits=7, decimal_places=2, coerce_to_string=False)

    class Meta:
        model = ProcessStep
        fields = [
            "stage",
            "action",
            "handler",
            "handler_label",
            "unit",
            "role",
            "external_agency",
            "inter_agency",
            "allotted",
        ]


class LegalDocumentSerializer(serializers.Serializer):
    number = serializers.CharField(default="")
    title = serializers.CharField(default="")
    date = serializers.CharField(default="", help_text="Ngày ban hành, dạng YYYY-MM-DD.")


class ResultDocumentSerializer(serializers.Serializer):
    name = serializers.CharField(default="")
    code = serializers.CharField(default="")


class VersionSummarySerializer(serializers.ModelSerializer):
    time_limit_label = serializers.CharField()
    online_level_label = serializers.CharField(source="get_online_level_display")

    class Meta:
        model = ProcedureVersion
        fields = [
            "number",
            "valid_from",
            "time_limit_value",
            "time_limit_unit",
            "time_limit_label",
            "online_level",
            "online_level_label",
        ]


class VersionDetailSerializer(VersionSummarySerializer):
    channel_labels = serializers.SerializerMethodField()
    legal_basis = LegalDocumentSerializer(many=True)
    result_documents = ResultDocumentSerializer(many=True)
    documents = DocumentSerializer(many=True)
    fees = FeeSerializer(many=True)
    steps = StepSerializer(many=True)

    class Meta(VersionSummarySerializer.Meta):
        fields = [
            *VersionSummarySerializer.Meta.fields,
            "decision_number",
            "decision_date",
            "valid_to",
            "time_limit_note",
            "channels",
            "channel_labels",
            "steps_description",
            "conditions",
            "legal_basis",
            "result_documents",
            "notes",
            "documents",
            "fees",
            "steps",
        ]

    def get_channel_labels(self, version: ProcedureVersion) -> list[str]:
        return [Channel(c).label for c in version.channels if c in Channel.values]


class ProcedureListSerializer(serializers.ModelSerializer):
    field = PublicFieldSerializer()
    level_labels = serializers.SerializerMethodField()
    current_version = VersionSummarySerializer(source="current", allow_null=True)
    url = serializers.HyperlinkedIdentityField(view_name="public-api:procedure-detail", lookup_field="code")

    class Meta:
        model = Procedure
        fields = ["code", "name", "field", "levels", "level_labels", "implementing_agencies", "current_version", "url"]

    def get_level_labels(self, procedure: Procedure) -> list[str]:
        return [Level(v).label for v in procedure.levels if v in Level.values]


class ProcedureDetailSerializer(ProcedureListSerializer):
    current_version = VersionDetailSerializer(source="current")
    subject_labels = serializers.SerializerMethodField()
    receiving_units = serializers.SerializerMethodField()

    class Meta(ProcedureListSerializer.Meta):
        fields = [
            *ProcedureListSerializer.Meta.fields,
            "issuing_agency",
            "coordinating_agencies",
            "subjects",
            "subject_labels",
            "receiving_units",
        ]

    def get_subject_labels(self, procedure: Procedure) -> list[str]:
        return [Subject(s).label for s in procedure.subjects if s in Subject.values]

    @extend_schema_field(PublicUnitSerializer(many=True))
    def get_receiving_units(self, procedure: Procedure) -> list[dict]:
        units = [link.unit for link in procedure.unit_links.all() if link.receives and link.unit.active]
        return PublicUnitSerializer(sorted(units, key=lambda u: u.name), many=True).data
