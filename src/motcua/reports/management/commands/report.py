"""``motcua report …``: the statistics, the Decision 766 scorecard and the alerts from the command line, and the
rebuild of the fact table.

::

    motcua report statistics --unit 000.00.41.H57 --from 2025-01-01 --to 2025-12-31 [--group-by month]
                             [--perspective handling|receiving] [--format json|xlsx|pdf] [--output FILE]
    motcua report scorecard  --unit 000.00.00.H57 --from 2025-01-01 --to 2025-03-31 [--children] [--format …]
    motcua report alerts     --unit 000.00.00.H57
    motcua report rebuild

The JSON is exactly the API's (``motcua.api.reports``): a script reading the command's output and one calling
``/api/v1/reports/…`` get the same numbers. XLSX and PDF are the exports of the dashboards (``reports.exports``).
Without ``--output`` JSON goes to the standard output; XLSX and PDF need a file.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.organizations.codes import normalize_agency_code
from motcua.organizations.models import Unit
from motcua.reports import statistics

FORMATS = ("json", "xlsx", "pdf")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ngày “{value}” không đúng dạng YYYY-MM-DD.") from None


def _unit(code: str) -> Unit:
    unit = Unit.objects.filter(agency_code=normalize_agency_code(code)).first()
    if unit is None:
        raise CommandError(f"Không có đơn vị mã định danh “{code}”.")
    return unit


class Command(BaseCommand):
    help = "Báo cáo, thống kê: số liệu, bảng điểm Quyết định 766, cảnh báo; tính lại bảng số liệu (ngày, tháng)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)

        def period(p: CommandParser) -> None:
            p.add_argument("--unit", required=True, metavar="MÃ", help="Mã định danh đơn vị (gồm cả cấp dưới)")
            p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD", help="Từ ngày")
            p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help="Đến ngày (tính cả ngày này)")
            p.add_argument("--format", choices=FORMATS, default="json", help="json (mặc định), xlsx hoặc pdf")
            p.add_argument("--output", type=Path, metavar="TỆP", help="Ghi ra tệp (bắt buộc với xlsx, pdf)")

        stats = sub.add_parser("statistics", help="Số liệu tiếp nhận, giải quyết hồ sơ của đơn vị trong kỳ")
        period(stats)
        stats.add_argument("--group-by", choices=statistics.GROUPINGS, default=None, help="Nhóm theo")
        stats.add_argument(
            "--perspective", choices=statistics.PERSPECTIVES, default="handling", help="Tính theo cơ quan giải quyết"
        )
        card = sub.add_parser("scorecard", help="Bảng điểm Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)")
        period(card)
        card.add_argument("--children", action="store_true", help="Kèm điểm từng đơn vị trực thuộc trực tiếp (json)")
        alerts = sub.add_parser("alerts", help="Hồ sơ sắp đến hạn, quá hạn; đơn vị chưa đạt số lượng tối thiểu")
        alerts.add_argument("--unit", required=True, metavar="MÃ", help="Mã định danh đơn vị")
        alerts.add_argument("--output", type=Path, metavar="TỆP", help="Ghi ra tệp")
        sub.add_parser("rebuild", help="Tính lại toàn bộ bảng số liệu (ngày, tháng) từ hồ sơ và sự kiện")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "rebuild":
            self._rebuild()
            return
        unit = _unit(options["unit"])
        if action == "alerts":
            from motcua.api.reports import alerts_json

            self._write(alerts_json(unit), "json", options["output"])
            return
        start, end = _date(options["start"]), _date(options["end"])
        if start > end:
            raise CommandError("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")
        fmt = options["format"]
        if fmt != "json" and options["output"] is None:
            raise CommandError(f"Định dạng {fmt} cần tham số --output TỆP.")
        if action == "statistics":
            result = statistics.compute(
                unit, start, end, group_by=options["group_by"], perspective=options["perspective"]
            )
            if fmt == "json":
                from motcua.api.reports import statistics_json

                self._write(statistics_json(result), fmt, options["output"])
            else:
                self._write(self._export(f"statistics_{fmt}", result), fmt, options["output"])
            return
        from motcua.reports.scorecard import by_children, scorecard

        card = scorecard(unit, start, end)
        if fmt == "json":
            from motcua.api.reports import scorecard_json

            children = by_children(unit, start, end) if options["children"] else None
            self._write(scorecard_json(card, children), fmt, options["output"])
        else:
            self._write(self._export(f"scorecard_{fmt}", card), fmt, options["output"])

    def _export(self, name: str, value: object) -> bytes:
        try:  # the exports module arrives with the dashboards; JSON works without it
            from motcua.reports import exports
        except ImportError:
            exports = None
        function = getattr(exports, name, None)
        if function is None:
            raise CommandError("Chức năng xuất tệp XLSX/PDF chưa được cài đặt; dùng --format json.")
        return function(value)

    def _write(self, payload: dict[str, Any] | bytes, fmt: str, output: Path | None) -> None:
        if isinstance(payload, dict):
            text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
            if output is None:
                self.stdout.write(text, ending="")
                return
            output.write_text(text, encoding="utf-8")
        else:
            assert output is not None
            output.write_bytes(payload)
        self.stderr.write(f"Đã ghi {output} ({fmt}).")

    def _rebuild(self) -> None:
        from motcua.reports.facts import rebuild

        def progress(done: int, total: int) -> None:
            if sys.stderr.isatty():
                self.stderr.write(f"\r{done}/{total} hồ sơ", ending="")

        report = rebuild(progress=progress)
        if sys.stderr.isatty():
            self.stderr.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tính lại bảng số liệu: {report.dossiers} hồ sơ, {report.fact_rows} dòng số liệu ngày, "
                f"{report.monthly_rows} dòng số liệu tháng, "
                f"{report.seconds:.1f} giây."
            )
        )
