"""Issue electronic receipts (biên lai điện tử) for fees paid at the counter or online.

Mandatory content — Decree 254/2026/NĐ-CP Art. 23.2 (docs/payments.md, regulations.md §8): receipt name;
template symbol and receipt series; number (≤ 8 digits, restarting on 1 January); name and tax code of
the collecting organisation; type of fee or charge and the amount in figures and in words; date of
issue; the organisation's digital signature; Vietnamese language, VND.

One receipt per payment event (``Receipt.event`` is unique), so issuing again for the same counter
collection or gateway confirmation returns the receipt already issued.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from lxml import etree

from motcua.catalog import snapshot
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.organizations.models import Unit
from motcua.payments import signing
from motcua.payments.models import Payment, PaymentMethod, Receipt, ReceiptIssuer
from motcua.payments.numbering import next_receipt_number
from motcua.payments.words import amount_in_words

log = logging.getLogger(__name__)

RECEIPT_NAME = "Biên lai thu phí, lệ phí"
PAYMENT_ACTIONS = {"collect_fee", "record_payment", "pay_online", "pay_obligation_online"}
OBLIGATION_ACTIONS = {"record_payment", "pay_obligation_online"}


class ReceiptNotIssued(Exception):
    """Configuration is missing (no collecting organisation, no key): the payment stands, the receipt waits."""


def issuer_for(unit: Unit) -> ReceiptIssuer | None:
    """The active issuer of ``unit`` or of its nearest ancestor."""
    prefixes = unit.lineage_paths()
    issuers = {
        i.unit.path: i
        for i in ReceiptIssuer.objects.filter(active=True, unit__path__in=prefixes).select_related("unit")
    }
    for prefix in reversed(prefixes):
        if prefix in issuers:
            return issuers[prefix]
    return None


@dataclass(frozen=True)
class Line:
    kind: str
    name: str
    amount: Decimal

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name, "amount": str(self.amount)}


def fee_lines(dossier: Dossier, event: DossierEvent, amount: Decimal) -> list[Line]:
    """What the amount paid covers: a financial obligation, or the procedure's fee lines in order
    (what earlier payments covered is skipped, so partial payments get the right lines)."""
    if event.action in OBLIGATION_ACTIONS:
        asked = dossier.events.filter(action="request_financial", id__lt=event.id).order_by("-id").first()
        name = (asked.reason or "").strip() if asked else ""
        return [Line("Nghĩa vụ tài chính", name or f"Nghĩa vụ tài chính của hồ sơ {dossier.code}", amount)]
    version = dossier.procedure_version
    key = (version.pk, version.updated_at)
    lines = [
        (fee, due)
        for fee, due in snapshot.fee_amounts(snapshot.snapshot(key), dossier.channel, dossier.receiving_unit)
        if due > 0
    ]
    earlier = dossier.events.filter(action__in=list(PAYMENT_ACTIONS - OBLIGATION_ACTIONS), id__lt=event.id)
    paid_before = sum((Decimal(e.payload.get("amount", 0)) for e in earlier), Decimal(0))
    out: list[Line] = []
    remaining = amount
    for fee, due in lines:
        skip = min(max(paid_before, Decimal(0)), due)
        paid_before -= skip
        take = min(due - skip, remaining)
        if take > 0:
            out.append(Line(fee.get_kind_display(), fee.name or fee.get_kind_display(), take))
            remaining -= take
    if remaining > 0:
        out.append(Line("Phí, lệ phí", f"Phí, lệ phí của hồ sơ {dossier.code}", remaining))
    return out


def issue_for_event(event: DossierEvent, *, payment: Payment | None = None) -> Receipt:
    """The receipt of one payment event, issued once. Raises ``ReceiptNotIssued`` if not configured."""
    existing = Receipt.objects.filter(event=event).first()
    if existing is not None:
        return existing
    if event.action not in PAYMENT_ACTIONS:
        raise ValueError(f"{event.action} is not a payment")
    dossier = Dossier.objects.select_related("applicant", "receiving_unit", "procedure_version").get(
        pk=event.dossier_id
    )
    issuer = issuer_for(dossier.receiving_unit)
    if issuer is None:
        raise ReceiptNotIssued("Chưa cấu hình tổ chức thu phí (phát hành biên lai) cho đơn vị tiếp nhận.")
    try:
        keys = signing.issuer_keys(issuer)
    except signing.SigningNotConfigured as exc:
        raise ReceiptNotIssued(str(exc)) from None
    amount = Decimal(event.payload.get("amount", 0))
    online = event.payload.get("method") == "online"
    if payment is None and online:
        payment = Payment.objects.filter(order_id=event.payload.get("reference", "")).first()
    try:
        with transaction.atomic():
            return _issue(dossier, event, issuer, keys, amount, online, payment)
    except IntegrityError:  # issued meanwhile for the same event
        existing = Receipt.objects.filter(event=event).first()
        if existing is None:
            raise
        return existing


def _issue(dossier, event, issuer, keys, amount, online, payment) -> Receipt:
    issued_at = event.at
    year = timezone.localtime(issued_at).year
    lines = fee_lines(dossier, event, amount)
    receipt = Receipt(
        issuer=issuer,
        template_symbol=issuer.template_symbol,
        series=issuer.series,
        year=year,
        number=next_receipt_number(issuer, issuer.series, year),
        dossier=dossier,
        event=event,
        payment=payment,
        payer_name=dossier.applicant.full_name,
        payer_address=dossier.applicant.address,
        dossier_code=dossier.code,
        lines=[line.as_json() for line in lines],
        total=amount,
        total_in_words=amount_in_words(amount),
        method=PaymentMethod.ONLINE if online else PaymentMethod.COUNTER,
        provider=event.payload.get("provider", "") if online else "",
        reference=str(event.payload.get("reference", ""))[:100],
        issued_at=issued_at,
        certificate_sha256=keys.certificate_sha256,
    )
    receipt.xml = signing.sign_xml(receipt_xml(receipt), keys).decode()
    from motcua.payments.pdf import render_receipt

    pdf = signing.sign_pdf(
        render_receipt(receipt), keys, reason=f"{RECEIPT_NAME} số {receipt.number_label}", location=issuer.address
    )
    receipt.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    receipt.pdf.save(f"{receipt.token}.pdf", ContentFile(pdf), save=False)
    receipt.save()
    log.info(
        "receipt issued: issuer=%s series=%s year=%s number=%s dossier_id=%s method=%s",
        issuer.pk,
        receipt.series,
        year,
        receipt.number,
        dossier.pk,
        receipt.method,
    )
    return receipt


def try_issue_for_event(event: DossierEvent, *, payment: Payment | None = None) -> Receipt | None:
    """Issue, but never let a missing configuration undo a payment: log (no personal data) and go on."""
    try:
        return issue_for_event(event, payment=payment)
    except ReceiptNotIssued as exc:
        log.warning("receipt not issued for event %s (dossier_id=%s): %s", event.pk, event.dossier_id, exc)
        return None


# --- XML --------------------------------------------------------------------------------------------


def _sub(parent: etree._Element, tag: str, text: object = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def receipt_xml(receipt: Receipt) -> etree._Element:
    """The receipt's data, element names modelled on the e-invoice XML of the tax authority (TTChung:
    general information, NDBLai: content). The signature is added by ``signing.sign_xml``."""
    root = etree.Element("BLai")
    data = _sub(root, "DLBLai")
    data.set("Id", f"BL{receipt.token}")
    general = _sub(data, "TTChung")
    _sub(general, "TenBLai", RECEIPT_NAME)
    _sub(general, "KHMSBLai", receipt.template_symbol)
    _sub(general, "KHBLai", receipt.series)
    _sub(general, "SBLai", receipt.number_label)
    _sub(general, "NLap", timezone.localtime(receipt.issued_at).date().isoformat())
    _sub(general, "TDLap", timezone.localtime(receipt.issued_at).isoformat())
    _sub(general, "DVTTe", "VND")
    _sub(general, "HTTToan", receipt.get_method_display())
    if receipt.reference:
        _sub(general, "MGDich", receipt.reference)
    content = _sub(data, "NDBLai")
    collector = _sub(content, "TCThu")
    _sub(collector, "Ten", receipt.issuer.name)
    _sub(collector, "MST", receipt.issuer.tax_code)
    _sub(collector, "DChi", receipt.issuer.address)
    payer = _sub(content, "NNop")
    _sub(payer, "Ten", receipt.payer_name)
    if receipt.payer_address:
        _sub(payer, "DChi", receipt.payer_address)
    _sub(content, "MHSo", receipt.dossier_code)
    items = _sub(content, "DSKThu")
    for index, line in enumerate(receipt.lines, start=1):
        item = _sub(items, "KThu")
        _sub(item, "STT", index)
        _sub(item, "LKThu", line["kind"])
        _sub(item, "TKThu", line["name"])
        _sub(item, "STien", line["amount"])
    _sub(content, "TgTien", int(receipt.total))
    _sub(content, "TgTienBChu", receipt.total_in_words)
    return root


def parse_receipt_xml(data: bytes) -> dict[str, object]:
    """The fields of a receipt XML (for checks and tests; does not verify the signature)."""
    root = etree.fromstring(data)  # noqa: S320 - our own signed document, parsed by lxml without network access

    def text(path: str) -> str:
        found = root.find(path)
        return found.text or "" if found is not None else ""

    return {
        "name": text("DLBLai/TTChung/TenBLai"),
        "template_symbol": text("DLBLai/TTChung/KHMSBLai"),
        "series": text("DLBLai/TTChung/KHBLai"),
        "number": text("DLBLai/TTChung/SBLai"),
        "date": text("DLBLai/TTChung/NLap"),
        "currency": text("DLBLai/TTChung/DVTTe"),
        "method": text("DLBLai/TTChung/HTTToan"),
        "issuer_name": text("DLBLai/NDBLai/TCThu/Ten"),
        "tax_code": text("DLBLai/NDBLai/TCThu/MST"),
        "payer_name": text("DLBLai/NDBLai/NNop/Ten"),
        "dossier_code": text("DLBLai/NDBLai/MHSo"),
        "lines": [
            {"kind": k.findtext("LKThu"), "name": k.findtext("TKThu"), "amount": k.findtext("STien")}
            for k in root.findall("DLBLai/NDBLai/DSKThu/KThu")
        ],
        "total": text("DLBLai/NDBLai/TgTien"),
        "total_in_words": text("DLBLai/NDBLai/TgTienBChu"),
    }
