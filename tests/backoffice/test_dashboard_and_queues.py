"""Dashboard counts and queue scoping: an officer sees the queues of their own units only."""

from __future__ import annotations

from motcua.dossiers import actions
from tests.backoffice.conftest import at
from tests.dossiers.conftest import birth_intake


def test_dashboard_counts_each_queue_as_a_link(client, birth, staff):
    with at(2026, 3, 7, 20, 0):
        online = actions.submit_online(birth_intake(birth))
    client.force_login(staff["counter"])
    page = client.get("/can-bo/").content.decode()
    assert 'href="/can-bo/hang-doi/to_receive/"' in page
    assert '<span class="queue-count">1</span>' in page
    assert "Chờ tiếp nhận (nộp trực tuyến)" in page
    assert "Chờ phê duyệt, ký" not in page, "a receiving officer has no signing queue"
    assert "Cán bộ một cửa" in page and "Trung tâm Phục vụ hành chính công phường Thuận Hóa" in page
    assert 'href="/can-bo/tiep-nhan/"' in page
    queue = client.get("/can-bo/hang-doi/to_receive/").content.decode()
    assert online.code in queue and "Nguyễn Văn An" in queue
    assert '<th scope="col">Mã hồ sơ</th>' in queue


def test_another_wards_officer_sees_an_empty_queue_and_no_dossier(client, birth, staff):
    with at(2026, 3, 7, 20, 0):
        online = actions.submit_online(birth_intake(birth))
    client.force_login(staff["counter_other"])
    queue = client.get("/can-bo/hang-doi/to_receive/")
    assert queue.status_code == 200
    assert online.code not in queue.content.decode()
    assert "Không có hồ sơ nào" in queue.content.decode()
    assert client.get(f"/can-bo/ho-so/{online.code}/").status_code == 403


def test_a_queue_without_a_role_is_forbidden_and_an_unknown_one_missing(client, staff, hue):
    client.force_login(staff["counter"])
    assert client.get("/can-bo/hang-doi/to_sign/").status_code == 403
    assert client.get("/can-bo/hang-doi/khong-co/").status_code == 404


def test_queue_filters_and_overdue_mark(client, birth, staff):
    with at(2026, 3, 9, 8, 0):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
    client.force_login(staff["specialist"])
    with at(2026, 3, 13, 8, 0):
        page = client.get("/can-bo/hang-doi/to_process/").content.decode()
        assert d.code in page and "Quá hạn" in page
        assert d.code in client.get("/can-bo/hang-doi/to_process/?q=dang+ky+khai+sinh").content.decode()
        assert d.code not in client.get("/can-bo/hang-doi/to_process/?q=chung+thuc").content.decode()
        assert d.code in client.get(f"/can-bo/hang-doi/to_process/?q={d.code}").content.decode()
        dated = client.get("/can-bo/hang-doi/to_process/?received_from=10/03/2026").content.decode()
        assert d.code not in dated
        bad = client.get("/can-bo/hang-doi/to_process/?received_from=10/03/2026&received_to=01/03/2026")
        assert 'role="alert"' in bad.content.decode()
    with at(2026, 3, 9, 9, 0):
        assert "Trong hạn" in client.get("/can-bo/hang-doi/to_process/").content.decode()


def test_pages_require_login(client, hue):
    for url in ("/can-bo/", "/can-bo/hang-doi/to_receive/", "/can-bo/tiep-nhan/", "/can-bo/so-theo-doi/"):
        response = client.get(url)
        assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]
