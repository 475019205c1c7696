"""PAdES signing and checking of PDFs, shared by the receipts (payments) and the e-results (dossiers).

``sign_pdf`` signs a whole PDF with pyHanko (a CMS signature over the whole file, PAdES baseline B-B);
``verify_pdf`` says yes/no against known certificates (receipts); ``inspect_pdf`` tells what a file is —
unsigned, changed after signing, or intact and by whom — for the public verification page.

Layering: ``dossiers`` (the lower layer) must not import ``payments``, yet the signing key and
certificate of a unit live on ``payments.ReceiptIssuer`` (the organisation's one key pair). So this
neutral module holds a *signer lookup hook*: ``payments`` registers ``lookup(unit) -> Signer | None``
when its app is ready (``register_signer_lookup``), and ``dossiers`` asks ``signer_for(unit)`` without
knowing who answers. With no lookup registered (payments not installed) nothing is signed. Moving the
key and certificate to a neutral model would have meant a data migration of every issuer for no gain
today; the hook keeps one place where keys are configured.

``make_test_certificate`` makes a self-signed pair for demos and tests: never for real documents.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import Any, TypeVar

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

T = TypeVar("T")


@dataclass(frozen=True)
class KeyPair:
    key_pem: bytes
    certificate_pem: bytes

    @property
    def certificate_sha256(self) -> str:
        return hashlib.sha256(certificate_der(self.certificate_pem)).hexdigest()


@dataclass(frozen=True)
class Signer:
    """Who signs a unit's documents: the organisation's name and its key pair."""

    organisation: str
    keys: KeyPair


def certificate_der(certificate_pem: bytes) -> bytes:
    _type, _headers, der = asn1_pem.unarmor(certificate_pem)
    return der


def _fit(text: str, limit: int = 64) -> str:
    """X.509 name attributes are limited to 64 bytes of UTF-8 (Vietnamese letters take 2–3 bytes)."""
    while len(text.encode()) > limit:
        text = text[:-1]
    return text


def make_test_certificate(
    common_name: str, *, organization: str = "", days: int = 3650, valid_from: dt.datetime | None = None
) -> KeyPair:
    """A self-signed RSA-2048 certificate for demos and tests: never for real documents."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name))]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organization)))
    attributes.append(x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"))
    name = x509.Name(attributes)
    start = valid_from or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return KeyPair(
        key_pem=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM),
    )


# --- signing -----------------------------------------------------------------------------------------


def sign_pdf(
    pdf: bytes, keys: KeyPair, *, reason: str, location: str = "", field_name: str = "ChuKyToChucThu"
) -> bytes:
    from pyhanko.keys import load_private_key_from_pemder_data
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    certificate = asn1_x509.Certificate.load(certificate_der(keys.certificate_pem))
    signer = signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=load_private_key_from_pemder_data(keys.key_pem, None),
        cert_registry=SimpleCertificateStore.from_certs([certificate]),
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name=field_name, reason=reason, location=location or None)
    return _outside_event_loop(lambda: signers.sign_pdf(writer, meta, signer=signer).getvalue())


def _outside_event_loop(work: Callable[[], T]) -> T:
    """pyHanko signs and validates through ``asyncio.run``, which refuses to run in a thread whose event loop is
    running (an async server, or Playwright's sync API in the browser tests): then the work runs in a short-lived
    thread. Without this a valid signature was reported "modified" there (the refusal was taken for tampering)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


SignerLookup = Callable[[Any], Signer | None]
_lookups: list[SignerLookup] = []


def register_signer_lookup(lookup: SignerLookup) -> None:
    """Called by the app that stores keys (payments) from its ``AppConfig.ready``."""
    if lookup not in _lookups:
        _lookups.append(lookup)


def signer_for(unit: Any) -> Signer | None:
    """The signer configured for ``unit`` (or its nearest ancestor), None when no key is configured."""
    for lookup in _lookups:
        if unit is not None and (signer := lookup(unit)) is not None:
            return signer
    return None


# --- checking ----------------------------------------------------------------------------------------


def verify_pdf(data: bytes, certificates: list[bytes]) -> bool:
    """True when the PDF has a signature that covers the whole file, is intact and was made by one of
    ``certificates`` (PEM)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    roots = [asn1_x509.Certificate.load(certificate_der(pem)) for pem in certificates]
    if not roots:
        return False
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        if len(signatures) != 1:
            return False
        status = _outside_event_loop(
            lambda: validate_pdf_signature(signatures[0], ValidationContext(trust_roots=roots))
        )
    except Exception:  # noqa: BLE001 - a damaged file may fail anywhere inside the parser: not valid
        return False
    return bool(
        status.intact and status.valid and status.trusted and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    )


UNREADABLE, UNSIGNED, MODIFIED, INTACT = "unreadable", "unsigned", "modified", "intact"


@dataclass(frozen=True)
class PdfSignatureReport:
    state: str  # one of UNREADABLE, UNSIGNED, MODIFIED, INTACT
    organisation: str = ""
    valid_from: dt.datetime | None = None
    valid_to: dt.datetime | None = None
    certificate_sha256: str = ""
    signed_at: dt.datetime | None = None


def _name(certificate: asn1_x509.Certificate) -> str:
    subject = certificate.subject.native
    return subject.get("organization_name") or subject.get("common_name") or ""


def inspect_pdf(data: bytes) -> PdfSignatureReport:
    """What the file is, trust aside: the caller compares ``certificate_sha256`` with the certificates it
    knows. MODIFIED when the last signature is broken or does not cover the whole file (bytes changed or
    appended after signing)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(BytesIO(data), strict=False).embedded_signatures
    except Exception:  # noqa: BLE001 - a damaged file may fail anywhere inside the parser
        return PdfSignatureReport(UNREADABLE)
    if not signatures:
        return PdfSignatureReport(UNSIGNED)
    signature = signatures[-1]
    try:
        certificate = signature.signer_cert
        status = _outside_event_loop(
            lambda: validate_pdf_signature(signature, ValidationContext(trust_roots=[certificate]))
        )
    except Exception:  # noqa: BLE001 - a signature that cannot be checked any more was tampered with
        return PdfSignatureReport(MODIFIED)
    report = PdfSignatureReport(
        INTACT,
        organisation=_name(certificate),
        valid_from=certificate.not_valid_before,
        valid_to=certificate.not_valid_after,
        certificate_sha256=hashlib.sha256(certificate.dump()).hexdigest(),
        signed_at=status.signer_reported_dt,
    )
    if not (status.intact and status.valid and status.coverage == SignatureCoverageLevel.ENTIRE_FILE):
        return PdfSignatureReport(MODIFIED, organisation=report.organisation)
    return report
