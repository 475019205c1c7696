"""Benchmark of document storage: files.check + files.store, and files.read (``python benchmarks/bench_storage.py``).

What one upload costs before and after it reaches the storage, for the files a one-stop shop receives:

- ``scan-1p``: a one-page A4 scan (150 dpi greyscale JPEG wrapped in a PDF by img2pdf, ~300 KB);
- ``scan-10p``: a ten-page scanned dossier (~3 MB PDF);
- ``photo``: a phone photo (4000 × 3000 JPEG, ~2.8 MB).

Every file is distinct (its own serial number drawn on it), so each ``store`` really writes. Steps timed:
``check`` (type by bytes, PDF opened by pikepdf / image decoded by Pillow, SHA-256; no virus scan),
``check+store`` (a new object), ``store again`` (the same checked bytes: the content address exists,
nothing is written, so no MB/s) and ``read``. Storages: Django's ``FileSystemStorage`` in a temporary
folder, and django-storages' ``S3Storage`` configured by ``motcua.settings.s3_storage`` against moto's
S3-compatible server, started by this script in its own process on 127.0.0.1 (MinIO is not installable
here; see docs/configuration.md).
moto keeps objects in memory in Python: it shows the cost of the S3 protocol path (HTTP, signing, one
HEAD + one PUT per new file), not the throughput of a production object store.

Each step runs over all files of a kind, ``--repeats`` times (fresh folder / fresh bucket each time); the
table shows the median and the best run.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


# --- realistic files ------------------------------------------------------------------------------


def scan_page(serial: int, dpi: int = 150) -> bytes:
    """An A4 page as a desk scanner gives it: greyscale, text lines, paper noise, slightly soft, JPEG."""
    from PIL import Image, ImageDraw, ImageFilter

    rnd = random.Random(serial)
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    page = Image.new("L", (width, height), 246)
    draw = ImageDraw.Draw(page)
    draw.text((100, 60), f"motcua storage benchmark, page {serial}", fill=0)
    for y in range(120, height - 120, 34):
        x = 100
        while x < width - 100:
            word = rnd.randint(20, 90)
            draw.rectangle([x, y, x + word, y + 14], fill=rnd.randint(20, 70))
            x += word + rnd.randint(8, 16)
    page = Image.blend(page, Image.effect_noise((width, height), 14), 0.12).filter(ImageFilter.GaussianBlur(0.6))
    buffer = io.BytesIO()
    page.save(buffer, format="JPEG", quality=85, dpi=(dpi, dpi))
    return buffer.getvalue()


def scanned_pdf(serial: int, pages: int) -> bytes:
    import img2pdf

    return img2pdf.convert([scan_page(serial * 100 + n) for n in range(pages)])


def phone_photo(serial: int) -> bytes:
    from PIL import Image, ImageDraw

    rnd = random.Random(serial)
    width, height = 4000, 3000
    photo = Image.blend(
        Image.linear_gradient("L").resize((width, height)).convert("RGB"),
        Image.effect_noise((width, height), 30).convert("RGB"),
        0.35,
    )
    draw = ImageDraw.Draw(photo)
    for _ in range(40):
        x, y = rnd.randint(0, width), rnd.randint(0, height)
        colour = (rnd.randint(0, 255), rnd.randint(0, 255), rnd.randint(0, 255))
        draw.ellipse([x, y, x + rnd.randint(50, 600), y + rnd.randint(50, 600)], fill=colour)
    draw.text((40, 40), f"motcua {serial}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def make_files(count: int, large: int) -> dict[str, list[tuple[str, bytes]]]:
    return {
        "scan-1p": [(f"scan-{n}.pdf", scanned_pdf(n, 1)) for n in range(count)],
        "scan-10p": [(f"ho-so-{n}.pdf", scanned_pdf(1000 + n, 10)) for n in range(large)],
        "photo": [(f"anh-{n}.jpg", phone_photo(n)) for n in range(count)],
    }


# --- storages -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoServer:
    """moto's S3-compatible server in its own process (so it does not share this process's GIL)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1).close()  # noqa: S310 - loopback
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto server did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


_override = None


def use_settings(**values: object) -> None:
    """Swap settings the way tests do (override_settings sends setting_changed: the storages rebuild)."""
    global _override
    from django.test import override_settings

    if _override is not None:
        _override.disable()
    _override = override_settings(**values)
    _override.enable()


def use_filesystem(folder: Path) -> None:
    from django.conf import settings
    from django.core.files.storage import default_storage

    default = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    use_settings(MEDIA_ROOT=folder, STORAGES={**settings.STORAGES, "default": default})
    assert Path(default_storage.location) == folder


def use_s3(server: MotoServer, bucket: str) -> None:
    import boto3
    from django.conf import settings
    from django.core.files.storage import default_storage

    from motcua.settings import s3_storage

    env = {
        "MOTCUA_S3_BUCKET": bucket,
        "MOTCUA_S3_ENDPOINT_URL": server.url,
        "MOTCUA_S3_ACCESS_KEY": "bench",
        "MOTCUA_S3_SECRET_KEY": "bench-secret",
        "MOTCUA_S3_REGION": "us-east-1",
        "MOTCUA_S3_PREFIX": "motcua",
    }
    boto3.client(
        "s3",
        endpoint_url=server.url,
        aws_access_key_id="bench",
        aws_secret_access_key="bench-secret",  # noqa: S106 - moto accepts any key
        region_name="us-east-1",
    ).create_bucket(Bucket=bucket)
    use_settings(STORAGES={**settings.STORAGES, "default": s3_storage(env)})
    assert default_storage.bucket_name == bucket


# --- timing ---------------------------------------------------------------------------------------


def timed(step: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = step()
    return time.perf_counter() - started, result


def run_kind(items: list[tuple[str, bytes]], prepare: Callable[[int], None], repeats: int) -> dict[str, list[float]]:
    from motcua.core import files

    def check_all() -> list[files.CheckedFile]:
        return [files.check(content, name) for name, content in items]

    def check_and_store() -> list[str]:
        return [files.store(files.check(content, name)) for name, content in items]

    seconds: dict[str, list[float]] = {"check": [], "check+store": [], "store again": [], "read": []}
    for run in range(repeats):
        prepare(run)
        took, checked = timed(check_all)
        seconds["check"].append(took)
        took, names = timed(check_and_store)
        seconds["check+store"].append(took)
        took, again = timed(lambda checked=checked: [files.store(c) for c in checked])
        seconds["store again"].append(took)
        took, read_back = timed(lambda names=names: [files.read(name) for name in names])
        seconds["read"].append(took)
        assert again == names, "the same bytes got another name"
        assert read_back == [content for _, content in items], "read back differs"
    return seconds


def rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20, help="files of each small kind (scan-1p, photo)")
    parser.add_argument("--large", type=int, default=5, help="ten-page scans")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-s3", action="store_true", help="local storage only")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="motcua-bench-storage-"))
    os.environ.setdefault("SECRET_KEY", "benchmark-secret-key-that-is-long-enough-for-django-checks")
    os.environ.setdefault("MOTCUA_TESTING", "1")
    os.environ.setdefault("MOTCUA_LOG_LEVEL", "WARNING")
    os.environ["MOTCUA_HOME"] = str(tmp)
    os.environ["MOTCUA_CLAMD"] = ""  # the scan is clamd's cost, not measured here
    os.environ.pop("MOTCUA_S3_BUCKET", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings"
    server = None
    try:
        import django

        django.setup()

        started = time.perf_counter()
        kinds = make_files(args.files, args.large)
        made = time.perf_counter() - started

        print(f"motcua storage benchmark — {datetime.now().astimezone():%Y-%m-%d %H:%M %z}")
        print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
        print("load average at start: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
        print(
            f"versions: Django {version('django')}, django-storages {version('django-storages')}, "
            f"boto3 {version('boto3')}, moto {version('moto')}, "
            f"pikepdf {version('pikepdf')}, Pillow {version('pillow')}"
        )
        for kind, items in kinds.items():
            sizes = [len(content) for _, content in items]
            print(f"  {kind:<9} {len(items):>3} files, {statistics.mean(sizes) / 1024:>7.0f} KB each on average")
        print(f"(files generated in {made:.1f} s; {args.repeats} runs per step, median [best])")

        backends: list[tuple[str, Callable[[str, int], None]]] = [
            ("local", lambda kind, run: use_filesystem(tmp / f"media-{kind}-{run}"))
        ]
        if not args.no_s3:
            server = MotoServer()
            backends.append(("s3/moto", lambda kind, run: use_s3(server, f"bench-{kind}-{run}")))

        print()
        print(f"  {'storage':<8} {'kind':<9} {'step':<12} {'files/s':>18} {'MB/s':>18}")
        for backend, prepare in backends:
            for kind, items in kinds.items():
                total_mb = sum(len(content) for _, content in items) / MB
                seconds = run_kind(items, lambda run, kind=kind, prepare=prepare: prepare(kind, run), args.repeats)
                for step, values in seconds.items():
                    if step == "check" and backend != "local":
                        continue  # no storage involved: the same as for the local run
                    median, best = statistics.median(values), min(values)
                    files_s = f"{rate(len(items) / median)} [{rate(len(items) / best)}]"
                    mb_s = f"{rate(total_mb / median)} [{rate(total_mb / best)}]" if step != "store again" else "–"
                    shown = "-" if step == "check" else backend
                    print(f"  {shown:<8} {kind:<9} {step:<12} {files_s:>18} {mb_s:>18}")
        print("load average at end: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
        return 0
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
