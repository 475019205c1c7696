"""Citizen pages: under 200 KB, no JavaScript needed, every input labelled, errors tied to their fields."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from motcua.portal.models import SubmissionDraft

pytestmark = pytest.mark.django_db
LIMIT = 200 * 1024


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs: list[str] = []
        self.labels: set[str] = set()
        self.described: dict[str, str] = {}
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit", "button"):
            self.inputs.append(attrs.get("id") or f"<{tag} name={attrs.get('name')} without id>")
            if attrs.get("aria-describedby"):
                self.described[attrs["id"]] = attrs["aria-describedby"]


def check(body: str) -> _Inputs:
    assert len(body.encode()) < LIMIT
    assert "<script" not in body
    assert '<html lang="vi">' in body
    parsed = _Inputs()
    parsed.feed(body)
    unlabelled = [i for i in parsed.inputs if i not in parsed.labels]
    assert not unlabelled, unlabelled
    for target, ids in parsed.described.items():
        missing = [i for i in ids.split() if i not in parsed.ids]
        assert not missing, (target, missing)
    return parsed


def test_public_citizen_pages_are_light_labelled_and_script_free(client, db):
    for url in ("/cong-dan/dang-ky/", "/cong-dan/dang-nhap/", "/tra-cuu/", "/tra-cuu/?ma=abc"):
        check(client.get(url).content.decode())
    check(client.post("/cong-dan/dang-ky/", {"kind": "individual"}).content.decode())


def test_signed_in_citizen_pages_are_light_labelled_and_script_free(client, citizen, birth):
    client.get("/nop-ho-so/1.001193/")
    draft = SubmissionDraft.objects.get()
    for url in ("/cong-dan/tai-khoan/", "/cong-dan/ho-so-cua-toi/", f"/nop-ho-so/ban-nhap/{draft.pk}/"):
        check(client.get(url).content.decode())
    parsed = check(client.post(f"/nop-ho-so/ban-nhap/{draft.pk}/", {"continue": "1"}).content.decode())
    assert "id_full_name_error" in parsed.described["id_full_name"]
