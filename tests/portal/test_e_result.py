"""The e-result: attached when the leader approves (pages, API, actions), downloadable by the applicant who
chose to receive the result online — by the owner or with the lookup secret, and by nobody else."""

from __future__ import annotations

import base64

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers import actions
from motcua.dossiers.models import DossierDocument, ResultDelivery, Status
from tests.api.conftest import client_for
from tests.dossiers.conftest import PDF, birth, birth_intake, hue, staff, vn  # noqa: F401

pytestmark = pytest.mark.django_db
RESULT = PDF.replace(b"% test", b"% Giay khai sinh ban dien tu")


def _processing(birth, staff, delivery=ResultDelivery.ONLINE):  # noqa: F811
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        d = actions.receive_at_counter(birth_intake(birth, result_delivery=delivery), actor=staff["counter"])
        return actions.forward(d, actor=staff["counter"])


def _approved(birth, staff, delivery=ResultDelivery.ONLINE):  # noqa: F811
    d = _processing(birth, staff, delivery)
    with time_machine.travel(vn(2026, 3, 10, 9, 0), tick=False):
        return actions.approve(
            d,
            actor=staff["leader"],
            result_note="Giấy khai sinh số 12/2026",
            result_documents=[actions.SubmittedDocument(None, "Giấy khai sinh", file_name="gks.pdf", content=RESULT)],
        )


def test_approval_attaches_the_e_result_as_a_result_document(birth, staff):  # noqa: F811
    d = _approved(birth, staff)
    document = DossierDocument.objects.get(dossier=d, result=True)
    assert document.name == "Giấy khai sinh" and document.content_type == "application/pdf" and document.sha256
    assert d.events.get(action="approve").payload["result_documents"] == ["Giấy khai sinh"]


def test_a_result_file_that_is_not_a_pdf_or_image_is_refused_and_nothing_changes(birth, staff):  # noqa: F811
    d = _processing(birth, staff)
    fake = actions.SubmittedDocument(None, "Kết quả", file_name="kq.pdf", content=b"MZ\x90\x00 not a pdf")
    with pytest.raises(actions.InvalidAction, match="không phải PDF"):
        actions.approve(d, actor=staff["leader"], result_documents=[fake])
    d.refresh_from_db()
    assert d.status == Status.PROCESSING and not d.documents.filter(result=True).exists()


def test_the_leader_uploads_the_e_result_on_the_desk(client, birth, staff):  # noqa: F811
    d = _processing(birth, staff)
    client.force_login(staff["leader"])
    with time_machine.travel(vn(2026, 3, 10, 9, 0), tick=False):
        before = client.get(f"/can-bo/ho-so/{d.code}/").content.decode()
        approve_form_tag = before.split('id="action-approve"', 1)[1].split(">", 1)[0]
        assert 'enctype="multipart/form-data"' in approve_form_tag, "the approve form can carry files"
        response = client.post(
            f"/can-bo/ho-so/{d.code}/thao-tac/approve/",
            {
                "approve-result_note": "Giấy khai sinh số 12/2026",
                "approve-result_files": [SimpleUploadedFile("gks.pdf", RESULT, content_type="application/pdf")],
                "expected_revision": d.revision,
            },
        )
    assert response.status_code in (302, 303), response.content.decode()[:500]
    d.refresh_from_db()
    assert d.status == Status.DONE and d.documents.filter(result=True).count() == 1
    desk = client.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert 'gks <span class="tag">kết quả</span>' in desk


def test_a_desk_upload_is_named_after_the_procedures_single_result(client, birth, staff):  # noqa: F811
    # a published version is immutable; the fixture's is set as if the catalogue had published it so
    type(birth).objects.filter(pk=birth.pk).update(result_documents=[{"name": "Giấy khai sinh (bản chính)"}])
    d = _processing(birth, staff)
    client.force_login(staff["leader"])
    with time_machine.travel(vn(2026, 3, 10, 9, 0), tick=False):
        client.post(
            f"/can-bo/ho-so/{d.code}/thao-tac/approve/",
            {
                "approve-result_files": [SimpleUploadedFile("scan_0012.pdf", RESULT, content_type="application/pdf")],
                "expected_revision": d.revision,
            },
        )
    document = d.documents.get(result=True)
    assert document.name == "Giấy khai sinh (bản chính)" and document.original_name == "scan_0012.pdf"


def test_the_api_approves_with_a_base64_e_result(birth, staff):  # noqa: F811
    d = _processing(birth, staff)
    body = {
        "result_note": "GKS 12",
        "result_documents": [
            {"name": "Giấy khai sinh", "file_name": "gks.pdf", "file": base64.b64encode(RESULT).decode()}
        ],
    }
    with time_machine.travel(vn(2026, 3, 10, 9, 0), tick=False):
        response = client_for(staff["leader"]).post(f"/api/v1/dossiers/{d.code}/actions/approve/", body, format="json")
    assert response.status_code == 200, response.json()
    assert [doc["result"] for doc in response.json()["documents"]].count(True) == 1


def test_the_secret_holder_downloads_the_e_result_and_the_public_sees_no_link(client, birth, staff):  # noqa: F811
    cache.clear()
    d = _approved(birth, staff)
    public = client.get("/tra-cuu/", {"ma": d.code}).content.decode()
    assert "Tải văn bản kết quả" not in public
    page = client.get("/tra-cuu/", {"ma": d.code, "secret": d.lookup_secret}).content.decode()
    assert "Tải văn bản kết quả: Giấy khai sinh" in page
    document = d.documents.get(result=True)
    url = f"/tra-cuu/{d.code}/ket-qua/{document.pk}/"
    download = client.get(url, {"secret": d.lookup_secret})
    with document.file.open("rb") as handle:
        issued = handle.read()
    assert download.status_code == 200 and b"".join(download.streaming_content) == issued
    assert issued.startswith(RESULT), "the uploaded result plus the QR stamp"
    assert "attachment" in download["Content-Disposition"]
    assert client.get(url).status_code == 404, "no secret, not the owner"
    assert client.get(url, {"secret": "SAIMATRA"}).status_code == 404
    inputs = d.documents.filter(result=False).first()
    assert client.get(f"/tra-cuu/{d.code}/ket-qua/{inputs.pk}/", {"secret": d.lookup_secret}).status_code == 404


def test_a_result_to_be_collected_at_the_counter_is_not_downloadable(client, birth, staff):  # noqa: F811
    d = _approved(birth, staff, delivery=ResultDelivery.COUNTER)
    document = d.documents.get(result=True)
    assert client.get(f"/tra-cuu/{d.code}/ket-qua/{document.pk}/", {"secret": d.lookup_secret}).status_code == 404
