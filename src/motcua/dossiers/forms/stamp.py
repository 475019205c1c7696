"""The verification QR code stamped on an e-result before the agency signs it.

Circular 01/2023 wants a QR code top-left on papers issued by the one-stop system. On an e-result it
carries the address of the public verification page for this very document
(``/xac-thuc-ket-qua/ma/<verification code>/``): a phone camera opens the record of what was issued —
dossier code, procedure, agency, date and the SHA-256 of the signed file — and the page invites the holder
to upload the file they have to check the signature and that nothing changed. The QR cannot carry the
file's own hash (stamping changes the file), so it carries an unguessable code stored on the row.

The stamp goes on before the signature (the signature then covers it). A PDF that already carries a
signature (signed by the agency's own system before upload) is left untouched: adding anything to it would
break that signature.
"""

from __future__ import annotations

import io
import secrets

from pyhanko import stamp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from reportlab.lib.units import mm

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
STAMP_MARGIN = 6 * mm
STAMP_SIZE = 18 * mm


def new_verification_code() -> str:
    """12 characters of a 32-letter alphabet: 60 bits, not guessable, easy to read aloud or type."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def verification_url(code: str) -> str:
    from django.conf import settings

    return f"{settings.MOTCUA_SITE_URL.rstrip('/')}/xac-thuc-ket-qua/ma/{code}/"


def already_signed(writer: IncrementalPdfFileWriter) -> bool:
    acroform = writer.root.get("/AcroForm")
    if acroform is None:
        return False
    acroform = acroform.get_object()
    if int(acroform.get("/SigFlags", 0)) & 1:
        return True
    return any(field.get_object().get("/FT") == "/Sig" for field in acroform.get("/Fields", []))


def stamp_qr(content: bytes, payload: str) -> bytes:
    """``content`` with the QR of ``payload`` top-left on its first page, added as an incremental update (the
    uploaded bytes stay the file's prefix, as the signature after it will); unchanged if already signed."""
    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    if already_signed(writer):
        return content
    page = writer.find_page_for_modification(0)[0].get_object()
    _left, _bottom, _right, top = (float(v) for v in page.get("/CropBox", page["/MediaBox"]))
    style = stamp.QRStampStyle(stamp_text=" ", border_width=0, innsep=0)
    qr = stamp.QRStamp(writer, payload, style, box=BoxConstraints(width=STAMP_SIZE, height=STAMP_SIZE))
    qr.apply(0, STAMP_MARGIN, top - STAMP_MARGIN - STAMP_SIZE)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
