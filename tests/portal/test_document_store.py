"""The citizen's document store (kho dữ liệu điện tử): what an account sees and downloads, adding a counter
dossier with the receipt's lookup secret, and reusing a stored document in a new online submission."""

from __future__ import annotations

import logging

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.catalog.models import RequiredDocument
from motcua.dossiers import actions
from motcua.dossiers.models import DocumentOrigin, Dossier, DossierChannel, DossierDocument, ResultDelivery
from motcua.portal import store
from motcua.portal.models import CitizenProfile, DraftReuse, SubmissionDraft
from tests import sample_files
from tests.dossiers.conftest import birth_intake, vn
from tests.portal.test_online_submission import form_data, open_draft
from tests.portal.test_page_quality import check
from tests.portal.test_result_signing import issuer, result_pdf  # noqa: F401

pytestmark = pytest.mark.django_db
STORE = "/cong-dan/kho-du-lieu/"
TO_KHAI, CHUNG_SINH = "Tờ khai đăng ký khai sinh", "Giấy chứng sinh"


@pytest.fixture(autouse=True)
def media_and_throttle(settings, tmp_path):
    """Stored files in a temporary folder; a fresh lookup-rate counter for each test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


def lines(birth):
    return {doc.name: doc for doc in birth.documents.all()}


def counter_dossier(birth, staff, *, who: str = "An", id_number: str = "046090001234") -> Dossier:
    """A dossier received at the counter with both required components scanned (distinct bytes per person)."""
    docs = lines(birth)
    applicant = actions.ApplicantData(full_name=f"Nguyễn Văn {who}", id_number=id_number, phone="0912345678")
    documents = [
        actions.SubmittedDocument(
            docs[TO_KHAI].pk, file_name=f"to-khai-{who}.pdf", content=sample_files.pdf_bytes(f"to khai {who}")
        ),
        actions.SubmittedDocument(
            docs[CHUNG_SINH].pk, file_name=f"chung-sinh-{who}.pdf", content=sample_files.pdf_bytes(f"chung sinh {who}")
        ),
    ]
    intake = birth_intake(birth, applicant=applicant, documents=documents, result_delivery=ResultDelivery.ONLINE)
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        return actions.receive_at_counter(intake, actor=staff["counter"])


def approve(dossier: Dossier, staff) -> Dossier:
    with time_machine.travel(vn(2026, 3, 10, 9, 0), tick=False):
        dossier = actions.forward(dossier, actor=staff["counter"])
        result = actions.SubmittedDocument(None, "Giấy khai sinh", file_name="giay-khai-sinh.pdf", content=result_pdf())
        return actions.approve(dossier, actor=staff["leader"], result_documents=[result])


def other_citizen(django_user_model, name: str = "khac"):
    user = django_user_model.objects.create_user(name, password="x" * 12)
    CitizenProfile.objects.create(user=user, id_number="046190009999")
    return user


def link(client, dossier: Dossier, secret: str | None = None, **extra):
    data = {"link-ma": dossier.code, "link-secret": dossier.lookup_secret if secret is None else secret, **extra}
    return client.post(STORE, data)


# --- the store page and downloads ---------------------------------------------------------------------


def test_the_store_lists_only_the_accounts_own_documents_and_downloads_nothing_else(
    client, citizen, birth, staff, django_user_model
):
    mine = actions.link_account(counter_dossier(birth, staff, who="Binh"), account=citizen)
    theirs = actions.link_account(
        counter_dossier(birth, staff, who="Khac", id_number="046190009999"), account=other_citizen(django_user_model)
    )
    nobodys = counter_dossier(birth, staff, who="Chau", id_number="046090005555")

    page = client.get(STORE)
    body = page.content.decode()
    assert page.status_code == 200
    assert mine.code in body and "Giấy tờ đã số hóa" in body
    assert theirs.code not in body and nobodys.code not in body
    assert "Tải về “to-khai-Binh.pdf”" in body and "to-khai-Khac.pdf" not in body
    check(body)

    own = mine.documents.get(name=TO_KHAI)
    download = client.get(f"{STORE}{own.pk}/tai-ve/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == sample_files.pdf_bytes("to khai Binh")
    assert download["Content-Disposition"] == 'attachment; filename="to-khai-Binh.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff" and download["Content-Type"] == "application/pdf"
    for other in (theirs, nobodys):
        assert client.get(f"{STORE}{other.documents.first().pk}/tai-ve/").status_code == 404


def test_a_purged_file_leaves_the_store(client, citizen, birth, staff):
    mine = actions.link_account(counter_dossier(birth, staff), account=citizen)
    purged = mine.documents.get(name=TO_KHAI)
    DossierDocument.objects.filter(pk=purged.pk).update(purged_at=timezone.now())
    body = client.get(STORE).content.decode()
    assert "to-khai-An.pdf" not in body and "chung-sinh-An.pdf" in body
    assert client.get(f"{STORE}{purged.pk}/tai-ve/").status_code == 404


def test_an_empty_store_explains_how_documents_get_there(client, citizen):
    body = client.get(STORE).content.decode()
    assert "Kho dữ liệu của bạn chưa có giấy tờ nào." in body
    assert "khi bạn thêm hồ sơ nộp tại quầy vào tài khoản" in body and "Thêm hồ sơ nộp tại quầy" in body
    check(body)


def test_the_store_needs_a_citizen_account(client, staff):
    assert client.get(STORE)["Location"].startswith("/cong-dan/dang-nhap/")
    client.force_login(staff["counter"])
    assert client.get(STORE).status_code == 403


def test_a_result_joins_the_store_only_once_the_dossier_is_done_signed_and_verifiable(
    client,
    citizen,
    birth,
    staff,
    issuer,  # noqa: F811
):
    dossier = actions.link_account(counter_dossier(birth, staff), account=citizen)
    # A result row on a dossier still being processed (not issued) is not the citizen's yet.
    early = DossierDocument.objects.create(
        dossier=dossier,
        name="Dự thảo kết quả",
        result=True,
        file=dossier.documents.first().file.name,
        sha256="f" * 64,
        size=10,
        content_type="application/pdf",
    )
    body = client.get(STORE).content.decode()
    assert "Dự thảo kết quả" not in body and "Chưa có kết quả điện tử" in body
    assert client.get(f"{STORE}{early.pk}/tai-ve/").status_code == 404
    early.delete()

    dossier = approve(dossier, staff)
    result = dossier.documents.get(result=True)
    body = client.get(STORE).content.decode()
    results_part = body.split('id="results-title"')[1].split('id="inputs-title"')[0]
    assert "Giấy khai sinh" in results_part and "đã ký số" in results_part
    assert f'href="/xac-thuc-ket-qua/{result.sha256}/"' in results_part
    assert client.get(f"/xac-thuc-ket-qua/{result.sha256}/").status_code == 200
    download = client.get(f"{STORE}{result.pk}/tai-ve/")
    assert download.status_code == 200 and 'filename="giay-khai-sinh.pdf"' in download["Content-Disposition"]


# --- adding a counter dossier to the account ----------------------------------------------------------


def test_the_receipts_lookup_secret_adds_a_counter_dossier_and_its_scans_join_the_store(client, citizen, birth, staff):
    dossier = counter_dossier(birth, staff)
    assert "to-khai-An.pdf" not in client.get(STORE).content.decode()
    response = link(client, dossier, secret=dossier.lookup_secret.lower())
    assert response.status_code == 302 and response["Location"] == STORE
    dossier.refresh_from_db()
    assert dossier.account == citizen and dossier.events.filter(action="link_account").exists()
    body = client.get(STORE).content.decode()
    assert f"Đã thêm hồ sơ {dossier.code} vào tài khoản của bạn." in body
    assert "to-khai-An.pdf" in body and "chung-sinh-An.pdf" in body
    assert dossier.code in client.get("/cong-dan/ho-so-cua-toi/").content.decode()
    again = link(client, dossier)
    assert again.status_code == 302 and again["Location"] == STORE
    assert f"Hồ sơ {dossier.code} đã có trong tài khoản của bạn." in client.get(STORE).content.decode()


def test_a_wrong_secret_and_an_unknown_code_get_the_same_answer_and_nothing_is_linked(
    client, citizen, birth, staff, caplog
):
    dossier = counter_dossier(birth, staff)
    with caplog.at_level(logging.INFO):
        wrong = link(client, dossier, secret="SAIMA123")
        unknown = client.post(STORE, {"link-ma": "000.01.41.H57-260309-0999", "link-secret": dossier.lookup_secret})
    assert wrong.status_code == unknown.status_code == 400
    for response in (wrong, unknown):
        body = response.content.decode()
        assert store.WRONG in body and 'id="error-summary"' in body
        check(body)
    dossier.refresh_from_db()
    assert dossier.account is None
    assert "wrong lookup secret" in caplog.text
    assert dossier.code not in caplog.text and "SAIMA123" not in caplog.text and "046090001234" not in caplog.text


def test_wrong_secrets_are_rate_limited_with_the_tracking_pages_counter(client, citizen, birth, staff):
    dossier = counter_dossier(birth, staff)
    statuses = [client.get("/tra-cuu/", {"ma": dossier.code}).status_code for _ in range(20)]
    statuses += [link(client, dossier, secret=f"SAI{i:05d}").status_code for i in range(10)]
    assert statuses == [200] * 20 + [400] * 10
    refused = link(client, dossier)
    assert refused.status_code == 429 and "Bạn đã tra cứu quá nhiều lần" in refused.content.decode()
    dossier.refresh_from_db()
    assert dossier.account is None, "past the rate even the right secret is not tried"


def test_a_dossier_of_another_account_stays_there(client, citizen, birth, staff, django_user_model):
    other = other_citizen(django_user_model)
    dossier = actions.link_account(counter_dossier(birth, staff), account=other)
    response = link(client, dossier)
    assert response.status_code == 409 and "Hồ sơ này đã thuộc một tài khoản khác" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.account == other
    assert "to-khai-An.pdf" not in client.get(STORE).content.decode()


def test_the_form_on_my_dossiers_returns_there(client, citizen, birth, staff):
    dossier = counter_dossier(birth, staff)
    page = client.get("/cong-dan/ho-so-cua-toi/").content.decode()
    assert 'action="/cong-dan/kho-du-lieu/#them-ho-so"' in page and 'href="/cong-dan/kho-du-lieu/"' in page
    check(page)
    response = link(client, dossier, next="my-dossiers")
    assert response["Location"] == "/cong-dan/ho-so-cua-toi/"
    assert dossier.code in client.get(response["Location"]).content.decode()


# --- reuse in a new online submission -----------------------------------------------------------------


def test_a_stored_scan_is_reused_in_a_new_online_submission(client, citizen, birth, staff):
    earlier = actions.link_account(counter_dossier(birth, staff), account=citizen)
    source = earlier.documents.get(name=TO_KHAI)
    docs = lines(birth)
    draft, url = open_draft(client, birth)
    page = client.get(url).content.decode()
    check(page)
    tokhai_select = page.split(f'name="store-{docs[TO_KHAI].pk}"')[1].split("</select>")[0]
    suggested = tokhai_select.split('label="Phù hợp với giấy tờ này"')[1].split("</optgroup>")[0]
    assert f'value="{source.pk}"' in suggested and earlier.code in suggested
    assert f'value="{earlier.documents.get(name=CHUNG_SINH).pk}"' not in suggested, "another line's scan: not first"

    data = form_data(birth, **{"continue": "1", f"store-{docs[TO_KHAI].pk}": str(source.pk)})
    data[f"doc-{docs[CHUNG_SINH].pk}"] = SimpleUploadedFile("chung-sinh-moi.pdf", sample_files.PDF)
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("/xem-lai/")
    assert DraftReuse.objects.get(draft=draft).document == source
    review = client.get(response["Location"]).content.decode()
    assert f"Lấy từ kho dữ liệu: {TO_KHAI} (hồ sơ {earlier.code})" in review and "chung-sinh-moi.pdf" in review

    client.post(f"{url}xem-lai/")
    dossier = Dossier.objects.get(channel=DossierChannel.ONLINE)
    row = dossier.documents.get(name=TO_KHAI)
    assert row.origin == DocumentOrigin.STORE and row.reused_from == source and row.sha256 == source.sha256
    assert dossier.documents.get(name=CHUNG_SINH).origin == DocumentOrigin.UPLOAD
    assert dossier.from_citizen_store and dossier.reused_components == 1
    assert not SubmissionDraft.objects.exists() and not DraftReuse.objects.exists()

    # The owner's tracking page says where each component came from.
    body = client.get("/tra-cuu/", {"ma": dossier.code}).content.decode()
    assert f'{TO_KHAI} — <span class="origin">Lấy từ kho dữ liệu</span>' in body
    assert f'{CHUNG_SINH} — <span class="origin">Tải lên</span>' in body
    earlier_page = client.get("/tra-cuu/", {"ma": earlier.code}).content.decode()
    assert "Số hóa tại quầy" in earlier_page and "Hồ sơ đã được thêm vào tài khoản của bạn" in earlier_page


def test_a_crafted_choice_of_another_accounts_document_is_refused_and_nothing_is_created(
    client, citizen, birth, staff, django_user_model
):
    theirs = actions.link_account(counter_dossier(birth, staff), account=other_citizen(django_user_model))
    foreign = theirs.documents.get(name=TO_KHAI)
    docs = lines(birth)
    draft, url = open_draft(client, birth)
    data = form_data(birth, **{"continue": "1", f"store-{docs[TO_KHAI].pk}": str(foreign.pk)})
    data[f"doc-{docs[CHUNG_SINH].pk}"] = SimpleUploadedFile("chung-sinh.pdf", sample_files.PDF)
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Giấy tờ đã chọn không có trong kho dữ liệu của bạn" in response.content.decode()
    assert not DraftReuse.objects.exists()
    # Even a choice written into the draft behind the form's back is refused by the write path.
    DraftReuse.objects.create(draft=draft, required_document=docs[TO_KHAI], document=foreign)
    response = client.post(f"{url}xem-lai/")
    assert response["Location"] == url
    assert "không thuộc kho của chủ hồ sơ này" in client.get(url).content.decode()
    assert Dossier.objects.filter(channel=DossierChannel.ONLINE).count() == 0
    assert SubmissionDraft.objects.filter(pk=draft.pk).exists()


def test_a_store_document_purged_before_submission_keeps_the_draft_with_the_actions_message(
    client, citizen, birth, staff
):
    earlier = actions.link_account(counter_dossier(birth, staff), account=citizen)
    docs = lines(birth)
    draft, url = open_draft(client, birth)
    data = form_data(birth, **{"continue": "1"})
    for name in (TO_KHAI, CHUNG_SINH):
        data[f"store-{docs[name].pk}"] = str(earlier.documents.get(name=name).pk)
    assert client.post(url, data).status_code == 302
    assert "Lấy từ kho dữ liệu" in client.get(f"{url}xem-lai/").content.decode()
    DossierDocument.objects.filter(dossier=earlier, name=TO_KHAI).update(purged_at=timezone.now())
    response = client.post(f"{url}xem-lai/")
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert "Giấy tờ chọn từ kho dữ liệu không còn" in page, "the write path's message"
    assert "Giấy tờ đã chọn từ kho dữ liệu không còn trong kho" in page, "and the line says which"
    assert SubmissionDraft.objects.filter(pk=draft.pk).exists() and DraftReuse.objects.count() == 2
    assert client.get(f"{url}xem-lai/")["Location"] == url, "the review page sends a gone choice back too"
    assert not Dossier.objects.filter(channel=DossierChannel.ONLINE).exists()


def test_a_line_takes_uploads_or_a_store_document_not_both(client, citizen, birth, staff):
    earlier = actions.link_account(counter_dossier(birth, staff), account=citizen)
    docs = lines(birth)
    _draft, url = open_draft(client, birth)
    line = docs[TO_KHAI]
    data = form_data(birth, save="1", **{f"store-{line.pk}": str(earlier.documents.get(name=TO_KHAI).pk)})
    data[f"doc-{line.pk}"] = SimpleUploadedFile("to-khai.pdf", sample_files.PDF)
    response = client.post(url, data)
    assert response.status_code == 400 and "Mỗi giấy tờ chỉ nộp theo một cách" in response.content.decode()
    assert not DraftReuse.objects.exists()
    # Clearing the choice ("Không lấy từ kho dữ liệu") removes it.
    data = form_data(birth, save="1", **{f"store-{line.pk}": str(earlier.documents.get(name=TO_KHAI).pk)})
    data["remove"] = [str(f.pk) for f in _draft.files.all()]
    assert client.post(url, data).status_code == 302 and DraftReuse.objects.count() == 1
    assert client.post(url, form_data(birth, save="1", **{f"store-{line.pk}": ""})).status_code == 302
    assert not DraftReuse.objects.exists()


def test_a_result_is_suggested_first_for_a_line_asking_for_it(citizen, birth, staff, issuer):  # noqa: F811
    dossier = approve(actions.link_account(counter_dossier(birth, staff), account=citizen), staff)
    documents = store.account_documents(citizen.pk)
    result = dossier.documents.get(result=True)
    copy = RequiredDocument(version=birth, name="Bản sao Giấy khai sinh của trẻ", position=9)
    choices = store.choices_for(copy, documents)
    assert choices.suggested == [result] and result not in choices.others
    same = store.choices_for(RequiredDocument(version=birth, name="TỜ KHAI  đăng ký khai sinh", position=9), documents)
    assert [d.name for d in same.suggested] == [TO_KHAI]
    unrelated = store.choices_for(RequiredDocument(version=birth, name="Văn bản ủy quyền", position=9), documents)
    assert not unrelated.suggested and len(unrelated.others) == 3
