"""Receipt numbers: Arabic digits, at most 8, from 1 on 1 January to 31 December (Decree 254/2026 Art. 23.2c).

Same technique as dossier codes (``dossiers/codes.py``): one upsert creates or increments the
issuer-series-year counter inside the transaction that issues the receipt and keeps that row locked
until the transaction ends, so concurrent receipts queue on it and a rolled-back one gives its
number back — no duplicates, no gaps.
"""

from __future__ import annotations

from django.db import transaction

from motcua.payments.models import MAX_RECEIPT_NUMBER, ReceiptIssuer, ReceiptSequence


class SequenceExhausted(Exception):
    pass


def next_receipt_number(issuer: ReceiptIssuer, series: str, year: int) -> int:
    """Draw the next number for ``issuer``'s ``series`` in ``year``. Must run inside the issuing transaction."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("next_receipt_number() must run inside the transaction that issues the receipt")
    table = connection.ops.quote_name(ReceiptSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (issuer_id, series, year, last) VALUES (%s, %s, %s, 1) "  # noqa: S608 - model table
            f"ON CONFLICT (issuer_id, series, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [issuer.pk, series, year],
        )
        number = cursor.fetchone()[0]
    if number > MAX_RECEIPT_NUMBER:
        raise SequenceExhausted(f"Ký hiệu {series} đã dùng hết 8 chữ số trong năm {year}: hãy đăng ký ký hiệu mới.")
    return number
