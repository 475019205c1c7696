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

from pathlib import Path

from lxml import etree

from motcua.core.pdfsign import (  # noqa: F401 - re-exported: the generic helpers moved to core.pdfsign
    KeyPair,
    Signer,
    certificate_der,
    make_test_certificate,
    sign_pdf,
    verify_pdf,
)
from motcua.payments.models import ReceiptIssuer


class SigningNotConfigured(Exception):
    pass


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


def result_signer(unit) -> Signer | None:
    """The e-result signer of ``unit``: the key pair of its (or its nearest ancestor's) active issuer.

    Registered with ``core.pdfsign.register_signer_lookup`` by ``PaymentsConfig.ready`` so that
    ``dossiers`` signs results without importing ``payments``. A missing or unreadable key: None
    (the result is stored unsigned and recorded as such)."""
    from motcua.payments.receipts import issuer_for

    issuer = issuer_for(unit)
    if issuer is None:
        return None
    try:
        return Signer(organisation=issuer.name, keys=issuer_keys(issuer))
    except SigningNotConfigured:
        return None


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
