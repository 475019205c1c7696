"""``motcua catalog import PATH [--format …] [--partial]`` and ``motcua catalog export PATH [--format …]``.

Formats:

* ``json`` — motcua's exchange format (docs/catalog-exchange-format.md);
* ``xlsx`` — the same data as a workbook with the sheets Thủ tục, Phiên bản, Thành phần hồ sơ, Phí lệ phí,
  Quy trình, Đơn vị (import and export);
* ``portal-xlsx`` — the "DANH SÁCH THỦ TỤC HÀNH CHÍNH" list exported by the National Public Service Portal
  (import only).

Without ``--format`` the format is guessed only when that is unambiguous: ``.json`` is JSON; an ``.xlsx``
with a sheet named "Thủ tục" is motcua's workbook, one with the portal's header (Mã số | Tên | Cơ quan ban
hành | Cơ quan thực hiện | Lĩnh vực) in its first 10 rows is the portal list; anything else must be named.

Imports are all or nothing: with any error nothing is written, every error is printed on stderr and
the command fails. ``--partial`` imports the good procedures, prints the errors of the others and still
exits with an error status, so a script never mistakes a partial import for a complete one.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.exchange import ImportRejected, ImportReport, dumps, export_catalog
from motcua.catalog.xlsx_format import EXPORT_FORMATS, IMPORT_FORMATS, catalog_to_workbook, detect_format, import_file

FORMAT_HELP = (
    "json (định dạng trao đổi của motcua), xlsx (bảng tính motcua: sheet Thủ tục, Phiên bản, …), "
    "portal-xlsx (danh sách thủ tục tải từ Cổng Dịch vụ công quốc gia, chỉ để nhập). Nếu bỏ trống: tệp .json "
    "là json; tệp .xlsx có sheet “Thủ tục” là xlsx, có dòng tiêu đề “Mã số | Tên | Cơ quan ban hành | Cơ quan "
    "thực hiện | Lĩnh vực” trong 10 dòng đầu là portal-xlsx; trường hợp khác phải ghi rõ."
)


class Command(BaseCommand):
    help = "Nhập, xuất danh mục thủ tục hành chính (JSON, bảng tính Excel, danh sách của Cổng DVC quốc gia)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Nhập danh mục từ tệp (tất cả hoặc không có gì, trừ khi --partial)")
        imp.add_argument("path", type=Path)
        imp.add_argument("--format", choices=IMPORT_FORMATS, default=None, help=FORMAT_HELP)
        imp.add_argument(
            "--partial",
            action="store_true",
            help="Nhập các thủ tục hợp lệ, bỏ qua và báo lỗi các thủ tục có lỗi (lệnh vẫn kết thúc với mã lỗi).",
        )
        exp = sub.add_parser("export", help="Xuất toàn bộ danh mục ra tệp")
        exp.add_argument("path", type=Path)
        exp.add_argument(
            "--format",
            choices=EXPORT_FORMATS,
            default=None,
            help="json hoặc xlsx; nếu bỏ trống thì theo phần mở rộng của tệp (.json, .xlsx).",
        )

    def handle(self, *args, action: str, **options):
        if action == "import":
            self._import(options["path"], options["format"], options["partial"])
        else:
            self._export(options["path"], options["format"])

    def _import(self, path: Path, fmt: str | None, partial: bool) -> None:
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        if fmt is None:
            fmt = detect_format(path)
            if fmt is None:
                raise CommandError(
                    f"Không nhận ra định dạng của {path.name}: hãy ghi rõ --format ({', '.join(IMPORT_FORMATS)})."
                )
        try:
            report = import_file(path, fmt, partial=partial)
        except ImportRejected as exc:
            self._print(exc.report)
            raise CommandError("Không nhập được: tệp có lỗi, chưa có dữ liệu nào được ghi.") from None
        self._print(report)
        if report.rejected or report.errors:
            raise CommandError(
                f"Đã nhập một phần (--partial): {report.rejected} thủ tục bị từ chối chưa được nhập, các thủ tục "
                "hợp lệ đã được ghi."
            )

    def _print(self, report: ImportReport) -> None:
        for line in report.errors:
            self.stderr.write(line)
        style = self.style.SUCCESS if not (report.rejected or report.errors) else self.style.WARNING
        self.stdout.write(style(f"Đã nhập: {report.summary()}."))

    def _export(self, path: Path, fmt: str | None) -> None:
        if fmt is None:
            fmt = {".json": "json", ".xlsx": "xlsx"}.get(path.suffix.lower())
            if fmt is None:
                raise CommandError(f"Không nhận ra định dạng từ tên tệp {path.name}: hãy ghi rõ --format json|xlsx.")
        if not path.parent.exists():
            raise CommandError(f"Không có thư mục {path.parent}.")
        data = export_catalog()
        if fmt == "json":
            path.write_text(dumps(data), encoding="utf-8")
        else:
            catalog_to_workbook(data, path)
        self.stdout.write(self.style.SUCCESS(f"Đã xuất {len(data['procedures'])} thủ tục ra {path} ({fmt})."))
