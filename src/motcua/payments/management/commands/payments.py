"""``motcua payments test-certificate`` and ``motcua payments issue-receipts``.

* ``test-certificate [--out DIR] [--unit AGENCY_CODE --name … --tax-code … --template … --series …]``:
  make a self-signed key and certificate for demos and tests; write them as PEM files to ``--out``
  and/or store them on the receipt issuer of ``--unit`` (created if needed). Never for real receipts.
* ``issue-receipts``: issue the receipts still missing for payment events (e.g. recorded before the
  collecting organisation or its certificate was configured). Idempotent.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.dossiers.models import DossierEvent
from motcua.organizations.models import Unit
from motcua.payments import receipts
from motcua.payments.models import ReceiptIssuer
from motcua.payments.signing import make_test_certificate


class Command(BaseCommand):
    help = "Thanh toán và biên lai điện tử: chứng thư thử nghiệm, lập các biên lai còn thiếu."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        cert = sub.add_parser("test-certificate", help="Tạo khóa và chứng thư số tự ký (chỉ để thử nghiệm)")
        cert.add_argument("--out", type=Path, help="Thư mục ghi key.pem và cert.pem")
        cert.add_argument("--unit", help="Mã định danh đơn vị: lưu khóa vào tổ chức thu phí của đơn vị này")
        cert.add_argument("--name", help="Tên tổ chức thu phí (mặc định: tên đơn vị)")
        cert.add_argument("--tax-code", default="0000000000")
        cert.add_argument("--address", default="")
        cert.add_argument("--template", default="01BLP0-001", help="Mẫu số biên lai")
        cert.add_argument("--series", default="TN-26E", help="Ký hiệu biên lai")
        sub.add_parser("issue-receipts", help="Lập biên lai cho các khoản đã thu chưa có biên lai")

    def handle(self, *args, action: str, **options):
        if action == "test-certificate":
            self._certificate(options)
        else:
            self._issue_missing()

    def _certificate(self, options) -> None:
        if not options["out"] and not options["unit"]:
            raise CommandError("Cần --out DIR hoặc --unit MÃ_ĐƠN_VỊ (hoặc cả hai).")
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(agency_code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị mã {options['unit']}.")
        name = options["name"] or (unit.name if unit else "Tổ chức thu phí thử nghiệm")
        keys = make_test_certificate(f"{name} (THỬ NGHIỆM)", organization=name)
        if options["out"]:
            out: Path = options["out"]
            out.mkdir(parents=True, exist_ok=True)
            (out / "key.pem").write_bytes(keys.key_pem)
            (out / "key.pem").chmod(0o600)
            (out / "cert.pem").write_bytes(keys.certificate_pem)
            self.stdout.write(f"Đã ghi {out / 'key.pem'} và {out / 'cert.pem'}.")
        if unit is not None:
            issuer, created = ReceiptIssuer.objects.get_or_create(
                unit=unit,
                defaults={
                    "name": name,
                    "tax_code": options["tax_code"],
                    "address": options["address"] or unit.address,
                    "template_symbol": options["template"],
                    "series": options["series"],
                },
            )
            issuer.signing_key_pem = keys.key_pem.decode()
            issuer.certificate_pem = keys.certificate_pem.decode()
            issuer.signing_key_path = issuer.certificate_path = ""
            issuer.full_clean()
            issuer.save()
            self.stdout.write(f"{'Đã tạo' if created else 'Đã cập nhật'} tổ chức thu phí “{issuer.name}”.")
        self.stdout.write(f"Vân tay chứng thư (SHA-256): {keys.certificate_sha256}")

    def _issue_missing(self) -> None:
        events = DossierEvent.objects.filter(action__in=receipts.PAYMENT_ACTIONS, receipt__isnull=True).order_by("id")
        issued = missing = 0
        for event in events.iterator():
            if receipts.try_issue_for_event(event) is None:
                missing += 1
            else:
                issued += 1
        self.stdout.write(f"Đã lập {issued} biên lai; {missing} khoản chưa lập được (xem nhật ký).")
