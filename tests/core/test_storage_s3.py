"""Documents kept in an S3-compatible object store, over real HTTP.

MinIO itself cannot be installed here (no MinIO server in the Python or Debian package registries), so
the test starts moto's S3-compatible server on 127.0.0.1 — the same HTTP API MinIO, Ceph RGW and AWS S3
speak — and points Django's default storage at it with the configuration ``settings.s3_storage`` builds
from the MOTCUA_S3_* variables. What lands in the bucket is read back with a separate boto3 client.
"""

from __future__ import annotations

import uuid

import boto3
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from motcua.core import files
from motcua.dossiers import actions
from motcua.dossiers.actions import SubmittedDocument
from motcua.dossiers.models import DossierDocument
from motcua.settings import s3_storage
from tests.dossiers.conftest import birth, birth_intake, hue, staff, vn  # noqa: F401 (fixtures used below)
from tests.sample_files import JPEG, PDF, pdf_bytes

ACCESS_KEY = "motcua-test"
SECRET_KEY = "motcua-test-secret"  # noqa: S105 - moto accepts any key; nothing leaves 127.0.0.1
PREFIX = "ho-so"


@pytest.fixture(scope="module")
def s3_endpoint():
    """One S3 server for the module, on a port the system picks (port 0): no clash with parallel runs."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(settings, s3_endpoint):
    """A fresh bucket, and Django's default storage pointed at it for this test only."""
    name = f"motcua-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=name)
    # Overriding STORAGES sends setting_changed: Django forgets its storages and default_storage re-creates
    # itself from the new setting on next use (django.test.signals.storages_changed).
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            {
                "MOTCUA_S3_BUCKET": name,
                "MOTCUA_S3_ENDPOINT_URL": s3_endpoint,
                "MOTCUA_S3_ACCESS_KEY": ACCESS_KEY,
                "MOTCUA_S3_SECRET_KEY": SECRET_KEY,
                "MOTCUA_S3_REGION": "us-east-1",
                "MOTCUA_S3_PREFIX": f"/{PREFIX}/",
                "MOTCUA_S3_ADDRESSING_STYLE": "path",
            }
        ),
    }
    assert isinstance(storages["default"], S3Storage)
    assert default_storage.bucket_name == name and default_storage.location == PREFIX
    yield client, name
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


def keys(client, bucket_name: str) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=bucket_name).get("Contents", [])]


def body(client, bucket_name: str, name: str) -> bytes:
    return client.get_object(Bucket=bucket_name, Key=f"{PREFIX}/{name}")["Body"].read()


def count_puts(operation: str = "PutObject") -> list[str]:
    """The keys of every ``operation`` the storage's own boto3 client sends (an event hook, not a stand-in)."""
    puts: list[str] = []
    default_storage.connection.meta.client.meta.events.register(
        f"before-parameter-build.s3.{operation}", lambda params, **kwargs: puts.append(params["Key"])
    )
    return puts


def test_the_default_storage_really_is_the_s3_server(bucket):
    client, name = bucket
    default_storage.save("probe.txt", ContentFile(b"xin chao"))
    assert keys(client, name) == [f"{PREFIX}/probe.txt"]
    assert DossierDocument._meta.get_field("file").storage.exists("probe.txt")  # model files follow the setting


def test_a_document_is_stored_in_the_bucket_under_its_content_address_and_reads_back(bucket):
    client, name = bucket
    stored = files.store(files.check(PDF, "to-khai.pdf"))
    assert stored == files.storage_name(files.check(PDF).sha256, files.PDF)
    assert keys(client, name) == [f"{PREFIX}/{stored}"]
    assert body(client, name, stored) == PDF
    assert files.read(stored) == PDF


def test_the_same_bytes_are_put_once(bucket):
    client, name = bucket
    puts = count_puts()
    first = files.store(files.check(PDF, "to-khai.pdf"))
    second = files.store(files.check(PDF, "ban-sao.pdf"))
    other = files.store(files.check(JPEG, "anh.jpg"))
    assert first == second != other
    assert puts == [f"{PREFIX}/{first}", f"{PREFIX}/{other}"]
    assert sorted(keys(client, name)) == sorted([f"{PREFIX}/{first}", f"{PREFIX}/{other}"])


def test_a_multi_megabyte_scan_round_trips(bucket):
    client, name = bucket
    head, tail = PDF.rsplit(b"%%EOF", 1)
    # 9 MB: above boto3's 8 MB multipart threshold, so it goes up in parts and is assembled by the server.
    scan = head + b"%" + bytes(range(256)) * (9 * 1024 * 4) + b"\n%%EOF" + tail
    multipart = count_puts("CreateMultipartUpload")
    stored = files.store(files.check(scan, "ho-so-day.pdf"))
    assert multipart == [f"{PREFIX}/{stored}"]
    assert body(client, name, stored) == scan
    assert files.read(stored) == scan


def test_a_counter_intake_puts_the_scanned_pdf_in_the_bucket(bucket, birth, staff):  # noqa: F811
    client, name = bucket
    scan = pdf_bytes("To khai dang ky khai sinh", "Nguyen Van An")
    intake = birth_intake(birth)
    line = intake.documents[0].required_document_id
    intake.documents[0] = SubmittedDocument(line, file_name="to-khai.pdf", content=scan)
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=True):
        dossier = actions.receive_at_counter(intake, actor=staff["counter"])
    document = dossier.documents.exclude(file="").get()
    assert document.original_name == "to-khai.pdf"
    assert keys(client, name) == [f"{PREFIX}/{document.file.name}"]
    assert body(client, name, document.file.name) == scan
    with document.file.open("rb") as handle:  # what the officer's download view streams
        assert handle.read() == scan
