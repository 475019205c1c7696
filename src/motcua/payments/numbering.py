"""Receipt numbers: Arabic digits, at most 8, from 1 on 1 January to 31 December (Decree 254/2026 Art. 23.2c).

The issuer-series-year counter is drawn with ``core.sequences.draw`` inside the transaction that issues
the receipt, as dossier codes are: no duplicates, no gaps.
"""

from __future__ import annotations

from motcua.core import sequences
from motcua.payments.models import MAX_RECEIPT_NUMBER, ReceiptIssuer, ReceiptSequence


class SequenceExhausted(Exception):
    pass


def next_receipt_number(issuer: ReceiptIssuer, series: str, year: int) -> int:
    """Draw the next number for ``issuer``'s ``series`` in ``year``. Must run inside the issuing transaction."""
    number = sequences.draw(ReceiptSequence, issuer=issuer.pk, series=series, year=year)
    if number > MAX_RECEIPT_NUMBER:
        raise SequenceExhausted(f"Ký hiệu {series} đã dùng hết 8 chữ số trong năm {year}: hãy đăng ký ký hiệu mới.")
    return number
