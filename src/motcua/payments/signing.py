"""Digital signatures of receipts (Decree 254/2026 Art. 23.2g): PAdES for the PDF, XMLDSig for the XML.

The PDF is signed with pyHanko (a CMS signature over the whole file, PAdES baseline B-B); the XML
with signxml (enveloped XML-DSig, RSA-SHA256, exclusive canonicalisation). Both carry the issuer's
certificate. ``verify_receipt(data)`` checks either kind against the certificates of the configured
issuers (or one passed in): a single changed byte breaks the signature.

In production the key and certificate are the collecting organisation's (issued by a licensed
Vietnamese CA, or its HSM through pyHanko's PKCS#11 signer — a later step); for demos and tests
``make_test_certificate`` makes a self-signed pair (``motcua payments test-certificate``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree

from motcua.payments.models import ReceiptIssuer


class SigningNotConfigured(Exception):
    pass


@dataclass(frozen=True)
class KeyPair:
    key_pem: bytes
    certificate_pem: bytes

    @property
    def certificate_sha256(self) -> str:
        return hashlib.sha256(certificate_der(self.certificate_pem)).hexdigest()


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
    """A self-signed RSA-2048 certificate for demos and tests: never for real receipts."""
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


def issuer_keys(issuer: ReceiptIssuer) -> KeyPair:
    """The issuer's key and certificate: from the PEM files when paths are set, else from the database."""
    if issuer.signing_key_path and issuer.certificate_path:
        try:
            return KeyPair(Path(issuer.signing_key_path).read_bytes(), Path(issuer.certificate_path).read_bytes())
        except OSError as exc:
            raise SigningNotConfigured(f"Không đọc được khóa ký hoặc chứng thư số của “{issuer.name}”: {exc}") from exc
    if issuer.signing_key_pem and issuer.certificate_pem:
        return KeyPair(issuer.signing_key_pem.encode(), issuer.certificate_pem.encode())
    raise SigningNotConfigured(f"“{issuer.name}” chưa có khóa ký và chứng thư số để ký biên lai.")


def issuer_certificate(issuer: ReceiptIssuer) -> bytes | None:
    try:
        return issuer_keys(issuer).certificate_pem
    except SigningNotConfigured:
        return None


# --- PDF (PAdES) ------------------------------------------------------------------------------------


def sign_pdf(pdf: bytes, keys: KeyPair, *, reason: str, location: str = "") -> bytes:
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
    meta = signers.PdfSignatureMetadata(field_name="ChuKyToChucThu", reason=reason, location=location or None)
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


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
        status = validate_pdf_signature(signatures[0], ValidationContext(trust_roots=roots))
    except Exception:  # noqa: BLE001 - a damaged file may fail anywhere inside the parser: not valid
        return False
    return bool(
        status.intact and status.valid and status.trusted and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    )


# --- XML (XMLDSig) ----------------------------------------------------------------------------------


def sign_xml(root: etree._Element, keys: KeyPair) -> bytes:
    from signxml import XMLSigner
    from signxml.algorithms import CanonicalizationMethod

    signed = XMLSigner(c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0).sign(
        root, key=keys.key_pem, cert=keys.certificate_pem.decode()
    )
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def verify_xml(data: bytes, certificates: list[bytes]) -> bool:
    from signxml import XMLVerifier
    from signxml.exceptions import InvalidInput, InvalidSignature

    for pem in certificates:
        try:
            XMLVerifier().verify(data, x509_cert=pem.decode())
            return True
        except (InvalidSignature, InvalidInput, etree.XMLSyntaxError, ValueError):
            continue
        except Exception:  # noqa: BLE001, S112 - malformed input is simply not a valid receipt
            continue
    return False


def verify_receipt(data: bytes, certificates: list[bytes] | None = None) -> bool:
    """Is ``data`` (a receipt PDF or XML, detected from its bytes) signed by a known issuer and unchanged?"""
    if certificates is None:
        certificates = [pem for issuer in ReceiptIssuer.objects.all() if (pem := issuer_certificate(issuer))]
    if data.startswith(b"%PDF-"):
        return verify_pdf(data, certificates)
    if data.lstrip().startswith(b"<"):
        return verify_xml(data, certificates)
    return False
