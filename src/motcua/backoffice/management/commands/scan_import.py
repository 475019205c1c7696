"""``motcua scan_import FOLDER --unit CODE --user USERNAME [--dry-run]``: attach a scanner's output folder.

A counter's scanner saves into a server folder, each file named ``<dossier code>_<n>.jpg`` (n = the
component's position in the dossier's list) or ``<code>_<n>_<page>.jpg`` for several pages (PNG and PDF
too). The files are grouped by component, merged into one PDF each and attached through the one write
path as the officer named by ``--user`` (who must be allowed to receive at ``--unit``; only dossiers
received there are matched). Files attached move to ``FOLDER/done/``; the others to ``FOLDER/failed/``
with ``<file>.ly-do.txt`` saying why, so the folder holds only what is still to be done and a failure is
never silently retried or lost. ``--dry-run`` reports what would happen and moves nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from motcua.documents import scanning
from motcua.dossiers import workflow
from motcua.organizations.codes import normalize_agency_code
from motcua.organizations.models import Unit
from motcua.organizations.scoping import has_unit_perm

DONE = "done"
FAILED = "failed"
REASON_SUFFIX = ".ly-do.txt"


class Command(BaseCommand):
    help = (
        "Gắn các tệp máy quét trong một thư mục vào hồ sơ (tên tệp <mã hồ sơ>_<số thứ tự thành phần>[_<trang>]"
        ".jpg|png|pdf); tệp đã gắn chuyển vào done/, tệp lỗi vào failed/ kèm lý do."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", help="Thư mục máy quét lưu tệp")
        parser.add_argument("--unit", required=True, help="Mã định danh nơi tiếp nhận, ví dụ 000.01.41.H57")
        parser.add_argument("--user", required=True, help="Tên đăng nhập của cán bộ tiếp nhận thực hiện số hóa")
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ kiểm tra và báo cáo, không gắn, không di chuyển"
        )

    def handle(self, *args, folder: str, unit: str, user: str, dry_run: bool, **options) -> None:
        root = Path(folder)
        if not root.is_dir():
            raise CommandError(f"Không có thư mục {root}.")
        place = Unit.objects.filter(agency_code=normalize_agency_code(unit)).first()
        if place is None:
            raise CommandError(f"Không có đơn vị với mã định danh {unit}.")
        officer = get_user_model().objects.filter(username=user, is_active=True).first()
        if officer is None:
            raise CommandError(f"Không có tài khoản đang hoạt động “{user}”.")
        if not has_unit_perm(officer, workflow.RECEIVE, place):
            raise CommandError(f"“{user}” không có quyền tiếp nhận hồ sơ tại “{place.name}”.")
        names = sorted(p.name for p in root.iterdir() if p.is_file() and not p.name.startswith("."))
        if not names:
            self.stdout.write(f"Thư mục {root} không có tệp nào.")
            return
        outcomes = scanning.import_scans(
            names,
            lambda name: (root / name).read_bytes(),
            actor=officer,
            units=Unit.objects.filter(pk=place.pk),
            dry_run=dry_run,
        )
        for outcome in outcomes:
            where = f" [{outcome.code}]" if outcome.code else ""
            self.stdout.write(f"{outcome.name}{where}: {outcome.label}. {outcome.message}")
            if not dry_run:
                self._move(root, outcome)
        good = sum(1 for outcome in outcomes if outcome.ok)
        verb = "sẽ gắn được" if dry_run else "đã gắn"
        self.stdout.write(
            f"Tổng cộng {len(outcomes)} tệp: {good} tệp {verb}, {len(outcomes) - good} tệp không gắn được."
        )
        if dry_run:
            self.stdout.write("Chạy thử (--dry-run): chưa gắn tệp nào, chưa di chuyển tệp nào.")

    def _move(self, root: Path, outcome: scanning.FileOutcome) -> None:
        target_dir = root / (DONE if outcome.ok else FAILED)
        target_dir.mkdir(exist_ok=True)
        target = _free_name(target_dir / outcome.name)
        (root / outcome.name).rename(target)
        if not outcome.ok:
            reason = f"{outcome.label}: {outcome.message}\n"
            target.with_name(target.name + REASON_SUFFIX).write_text(reason, encoding="utf-8")


def _free_name(path: Path) -> Path:
    """``done/x.jpg`` already there (the same name scanned again later): ``done/x-1.jpg``; nothing is overwritten."""
    candidate, number = path, 0
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate
