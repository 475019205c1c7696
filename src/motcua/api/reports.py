"""Reports API: the statistics, the Decision 766 scorecard and the alerts of a unit, as JSON.

The JSON is built by the functions below (``statistics_json``, ``scorecard_json``, ``alerts_json``), which the
command line (``motcua report …``) prints too: one shape, the same numbers on the screen, in the API and in a
script. Each number comes from ``reports.statistics`` / ``reports.scorecard`` / ``reports.rules`` unchanged.

Who may ask: an officer holding ``dossiers.view_dossier`` in the unit asked (directly or through a role on its
subtree), as for the unit's register of dossiers. There is no separate "reports" permission among the roles
(organizations/roles.py), and viewing a unit's dossiers is the natural right to count them: the figures are sums
of those dossiers, and the dashboards drill down from each figure to the list. A unit that exists but is not the
caller's answers 403; an unknown code 404; bad parameters 400 with ``errors`` per parameter (RFC 7807).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.organizations.codes import normalize_agency_code
from motcua.organizations.models import Unit
from motcua.organizations.scoping import has_unit_perm
from motcua.reports import rules, scorecard, statistics
from motcua.reports.rules_models import RulePeriod, VolumeRule

TAG = "Báo cáo, thống kê"
PERMISSION = "dossiers.view_dossier"
MAX_DAYS = 366 * 5  # a five-year comparison is the longest a report needs; beyond that a typo is likelier

PROBLEMS = {
    400: OpenApiResponse(description="Tham số không hợp lệ; `errors` liệt kê lỗi từng tham số (RFC 7807)."),
    401: OpenApiResponse(description="Chưa đăng nhập (RFC 7807)."),
    403: OpenApiResponse(description="Không có quyền xem hồ sơ của đơn vị (RFC 7807)."),
    404: OpenApiResponse(description="Không có đơn vị mã này (RFC 7807)."),
}


# --- the JSON (shared with the command line) -------------------------------------------------------------------


def unit_json(unit: Unit) -> dict[str, Any]:
    return {"id": unit.pk, "agency_code": unit.agency_code, "name": unit.name}


def statistics_json(stats: statistics.Statistics) -> dict[str, Any]:
    """The statistics with their labels: ``labels`` names every measure and rate in Vietnamese."""
    return {
        "unit": unit_json(stats.unit),
        "from": stats.start.isoformat(),
        "to": stats.end.isoformat(),
        "group_by": stats.group_by,
        "perspective": stats.perspective,
        "labels": {**statistics.MEASURES, **statistics.RATES},
        "rows": [row.as_dict() for row in stats.rows],
        "total": stats.total.as_dict(),
    }


def scorecard_json(card: scorecard.Scorecard, children: list[scorecard.Scorecard] | None = None) -> dict[str, Any]:
    """The scorecard with its working (numerator, denominator, rate, rule, points, source per indicator); with
    ``children``, each direct child's total and groups too (the province → department / commune table)."""
    data = card.as_dict()
    if children is not None:
        data["children"] = [
            {
                "unit": unit_json(child.unit),
                "points": float(child.points),
                "max_with_data": float(child.max_with_data),
                "summary": child.summary,
                "groups": [
                    {"number": g.number, "points": float(g.points), "max_with_data": float(g.max_with_data)}
                    for g in child.groups
                ],
            }
            for child in children
        ]
    return data


def alerts_json(unit: Unit, *, now=None, today: date | None = None) -> dict[str, Any]:
    """Dossiers due soon / overdue now per child unit, and the units of ``unit``'s subtree below each active
    rule's minimum over the rule's last complete period."""
    now = now or timezone.now()
    today = today or timezone.localtime(now).date()
    due = rules.due_soon_and_overdue(unit, now=now)
    checked = []
    for rule in VolumeRule.objects.filter(active=True).select_related("procedure", "field", "unit").order_by("name"):
        start, end = rules.last_complete_period(rule.period, today)
        short = rules.shortfalls(rule, start, end, within=unit)
        checked.append(
            {
                "id": rule.pk,
                "name": rule.name,
                "counted": rule.counted,
                "period": rule.period,
                "period_label": RulePeriod(rule.period).label,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "minimum": rule.minimum,
                "shortfalls": [{"unit": unit_json(s.unit), "count": s.count, "minimum": s.minimum} for s in short],
            }
        )
    return {
        "unit": unit_json(unit),
        "now": timezone.localtime(now).isoformat(),
        "due": [
            {"unit": unit_json(row.unit), "own": row.own, "due_soon": row.due_soon, "overdue": row.overdue}
            for row in due
        ],
        "due_soon": sum(row.due_soon for row in due),
        "overdue": sum(row.overdue for row in due),
        "rules": checked,
    }


# --- query parameters --------------------------------------------------------------------------------------------


class UnitQuery(serializers.Serializer):
    unit = serializers.CharField(help_text="Mã định danh của đơn vị (cả các đơn vị trực thuộc), ví dụ 000.00.41.H57.")


class PeriodQuery(UnitQuery):
    to = serializers.DateField(help_text="Đến ngày (YYYY-MM-DD), tính cả ngày này.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # "from" is a Python keyword: declared here rather than as a class attribute.
        fields = {"unit": fields["unit"], "from": serializers.DateField(help_text="Từ ngày (YYYY-MM-DD)."), **fields}
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs["from"], attrs["to"]
        if start > end:
            raise serializers.ValidationError({"from": ["Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."]})
        if (end - start).days >= MAX_DAYS:
            raise serializers.ValidationError({"to": [f"Mỗi báo cáo tối đa {MAX_DAYS} ngày."]})
        return attrs


class StatisticsQuery(PeriodQuery):
    group_by = serializers.ChoiceField(
        choices=[(g, g) for g in statistics.GROUPINGS],
        required=False,
        allow_blank=True,
        help_text="Nhóm theo: unit (đơn vị trực thuộc), field (lĩnh vực), procedure (thủ tục), channel (kênh), "
        "month (tháng). Để trống: chỉ dòng tổng.",
    )
    perspective = serializers.ChoiceField(
        choices=[(p, p) for p in statistics.PERSPECTIVES],
        default="handling",
        help_text="Hồ sơ tính cho cơ quan giải quyết (handling, mặc định) hay nơi tiếp nhận (receiving).",
    )


class ScorecardQuery(PeriodQuery):
    children = serializers.BooleanField(
        default=False, help_text="Kèm điểm của từng đơn vị trực thuộc trực tiếp (mỗi đơn vị gồm cả cấp dưới)."
    )


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def visible_unit(user, code: str) -> Unit:
    """The unit by agency code: 404 if there is none, 403 if the caller may not view its dossiers."""
    unit = Unit.objects.filter(agency_code=normalize_agency_code(code)).first()
    if unit is None:
        raise NotFound(f"Không có đơn vị mã “{code}”.")
    if not has_unit_perm(user, PERMISSION, unit):
        raise PermissionDenied("Bạn không có quyền xem số liệu của đơn vị này.")
    return unit


# --- response shapes (for the OpenAPI schema) --------------------------------------------------------------------


class ReportUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agency_code = serializers.CharField(allow_null=True)
    name = serializers.CharField()


def _figures_serializer() -> type[serializers.Serializer]:
    declared: dict[str, serializers.Field] = {
        "key": serializers.CharField(help_text="Khóa nhóm (mã đơn vị, lĩnh vực, thủ tục, kênh, YYYY-MM)."),
        "label": serializers.CharField(help_text="Tên nhóm."),
    }
    declared |= {name: serializers.IntegerField(help_text=label) for name, label in statistics.MEASURES.items()}
    declared |= {
        name: serializers.FloatField(allow_null=True, help_text=f"{label}; null khi mẫu số bằng 0.")
        for name, label in statistics.RATES.items()
    }
    declared["ratings_by_level"] = serializers.DictField(
        child=serializers.IntegerField(), help_text="Số lượt đánh giá theo mức 1–5."
    )
    return type("StatisticsFigures", (serializers.Serializer,), declared)


FiguresSerializer = _figures_serializer()


class StatisticsSerializer(serializers.Serializer):
    unit = ReportUnitSerializer()
    group_by = serializers.CharField(allow_null=True)
    perspective = serializers.CharField()
    labels = serializers.DictField(child=serializers.CharField(), help_text="Tên tiếng Việt của từng chỉ tiêu.")
    rows = FiguresSerializer(many=True)
    total = FiguresSerializer()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {"unit": fields.pop("unit"), "from": serializers.DateField(), "to": serializers.DateField(), **fields}


class ScoreIndicatorSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    group = serializers.IntegerField()
    available = serializers.BooleanField(help_text="false: motcua không có dữ liệu cho chỉ số này.")
    status = serializers.CharField(help_text="“Không có dữ liệu”, “Không phát sinh”, … hoặc rỗng.")
    numerator = serializers.IntegerField(allow_null=True)
    numerator_label = serializers.CharField()
    denominator = serializers.IntegerField(allow_null=True)
    denominator_label = serializers.CharField()
    rate = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    value_label = serializers.CharField()
    threshold = serializers.FloatField(allow_null=True)
    rule = serializers.CharField()
    points = serializers.FloatField(allow_null=True)
    max_points = serializers.FloatField()
    source = serializers.CharField(help_text="Cách motcua tính chỉ số, hoặc vì sao không tính được.")


class ScoreGroupSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    max_points = serializers.FloatField()
    points = serializers.FloatField()
    max_with_data = serializers.FloatField()
    max_without_data = serializers.FloatField()
    max_not_arising = serializers.FloatField()
    indicators = ScoreIndicatorSerializer(many=True)


class ChildScoreGroupSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    points = serializers.FloatField()
    max_with_data = serializers.FloatField()


class ChildScoreSerializer(serializers.Serializer):
    unit = ReportUnitSerializer()
    points = serializers.FloatField()
    max_with_data = serializers.FloatField()
    summary = serializers.CharField()
    groups = ChildScoreGroupSerializer(many=True)


class ScorecardSerializer(serializers.Serializer):
    unit = ReportUnitSerializer()
    points = serializers.FloatField(help_text="Điểm đạt được (các chỉ số không có dữ liệu không cho điểm).")
    max_points = serializers.FloatField()
    max_with_data = serializers.FloatField()
    max_without_data = serializers.FloatField()
    max_not_arising = serializers.FloatField()
    summary = serializers.CharField()
    groups = ScoreGroupSerializer(many=True)
    children = ChildScoreSerializer(many=True, required=False, help_text="Chỉ khi children=true.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {"unit": fields.pop("unit"), "from": serializers.DateField(), "to": serializers.DateField(), **fields}


class DueSerializer(serializers.Serializer):
    unit = ReportUnitSerializer()
    own = serializers.BooleanField(help_text="true: hồ sơ do chính đơn vị được hỏi giải quyết (không kể cấp dưới).")
    due_soon = serializers.IntegerField(help_text="Sắp đến hạn (hạn trả là hôm nay hoặc ngày làm việc kế tiếp).")
    overdue = serializers.IntegerField(help_text="Đã quá hạn.")


class ShortfallSerializer(serializers.Serializer):
    unit = ReportUnitSerializer()
    count = serializers.IntegerField()
    minimum = serializers.IntegerField()


class RuleCheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    counted = serializers.CharField()
    period = serializers.CharField()
    period_label = serializers.CharField()
    minimum = serializers.IntegerField()
    shortfalls = ShortfallSerializer(many=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        fields["to"] = serializers.DateField()
        return fields


class AlertsSerializer(serializers.Serializer):
    unit = ReportUnitSerializer()
    now = serializers.DateTimeField()
    due = DueSerializer(many=True)
    due_soon = serializers.IntegerField()
    overdue = serializers.IntegerField()
    rules = RuleCheckSerializer(many=True)


# --- views ---------------------------------------------------------------------------------------------------------


class StatisticsView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Thống kê tình hình tiếp nhận, giải quyết hồ sơ của một đơn vị trong một kỳ",
        description=(
            "Số liệu của đơn vị và mọi đơn vị trực thuộc, từ ngày đến ngày (tính theo giờ Việt Nam): kỳ trước "
            "chuyển qua, tiếp nhận mới, đã giải quyết (trước, đúng, quá hạn), đang giải quyết (còn hạn, quá hạn), "
            "các tỷ lệ. Công thức từng chỉ tiêu: docs/reports.md. Cùng số liệu với trang thống kê và lệnh "
            "`motcua report statistics`."
        ),
        parameters=[StatisticsQuery],
        responses={200: StatisticsSerializer, **PROBLEMS},
    )
    def get(self, request: Request) -> Response:
        query = _query(StatisticsQuery, request)
        unit = visible_unit(request.user, query["unit"])
        stats = statistics.compute(
            unit,
            query["from"],
            query["to"],
            group_by=query.get("group_by") or None,
            perspective=query["perspective"],
        )
        return Response(statistics_json(stats))


class ScorecardView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Bảng điểm Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)",
        description=(
            "Từng chỉ số với tử số, mẫu số, tỷ lệ, cách cho điểm và điểm; tổng từng nhóm và tổng trên 100. Chỉ số "
            "motcua không có dữ liệu có `available=false`, `status` “Không có dữ liệu” và không có điểm — không "
            "bao giờ là một con số tự đặt."
        ),
        parameters=[ScorecardQuery],
        responses={200: ScorecardSerializer, **PROBLEMS},
    )
    def get(self, request: Request) -> Response:
        query = _query(ScorecardQuery, request)
        unit = visible_unit(request.user, query["unit"])
        card = scorecard.scorecard(unit, query["from"], query["to"])
        children = scorecard.by_children(unit, query["from"], query["to"]) if query["children"] else None
        return Response(scorecard_json(card, children))


class AlertsView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Cảnh báo: hồ sơ sắp đến hạn, quá hạn theo đơn vị; đơn vị chưa đạt số lượng hồ sơ tối thiểu",
        description=(
            "Hồ sơ đang giải quyết (đồng hồ đang chạy) sắp đến hạn hoặc đã quá hạn ngay lúc này, theo từng đơn vị "
            "trực thuộc trực tiếp; và với mỗi quy tắc số lượng tối thiểu đang áp dụng, các đơn vị chưa đạt trong kỳ "
            "trọn gần nhất (tháng, quý, năm vừa qua)."
        ),
        parameters=[UnitQuery],
        responses={200: AlertsSerializer, **PROBLEMS},
    )
    def get(self, request: Request) -> Response:
        query = _query(UnitQuery, request)
        unit = visible_unit(request.user, query["unit"])
        return Response(alerts_json(unit))
