"""Benchmark of the OCR of scanned documents (plain script: ``python benchmarks/bench_ocr.py``).

How many pages a minute one machine makes searchable with the pipeline the worker runs
(``motcua.documents.ocr.recognise``: img2pdf for images, OCRmyPDF with Tesseract ``vie+eng``, ``skip_text``,
``rotate_pages``, output type "pdf", then the text read back with pdfium), for realistic counter scans:

- pages are A4 at 300 dpi (2480 × 3508 px), grayscale, ~30 lines of Vietnamese administrative text with
  diacritics in a 12 pt serif face (DejaVu Serif, like the Times New Roman of official papers), a slightly
  grey and speckled paper, a small skew (±0.4°), saved as JPEG quality 85 as document scanners do;
- the text is generated from a fixed seed, so every run OCRs the same pages;
- measured: (1) each page as its own JPEG document (a component scanned at the counter), jobs=1;
  (2) all pages as one multi-page PDF (a bundle scanned in one go) with jobs=1 and jobs=2;
- accuracy is reported too: the share of the page's words found in the OCR text (diacritics included),
  and the character similarity (difflib ratio) of the whole text.

``--pages`` (default 6) and ``--runs`` (default 2; the best run is reported) change the work.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import difflib
import io
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
WIDTH, HEIGHT, DPI = 2480, 3508, 300
FONT_PX = 50  # 12 pt at 300 dpi
LINES_PER_PAGE = 30

HEADINGS = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "TỜ KHAI ĐĂNG KÝ KHAI SINH",
    "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG",
    "GIẤY CHỨNG NHẬN ĐĂNG KÝ KẾT HÔN",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Hữu"]
GIVEN = ["An", "Bình", "Hương", "Hoa", "Lan", "Nam", "Sơn", "Tuấn", "Mai", "Lâm", "Hùng", "Thảo", "Dũng", "Yến"]
PLACES = ["phường Thuận Hóa", "phường Phú Xuân", "xã Phú Vang", "phường Hương Trà", "xã Quảng Điền"]
PHRASES = [
    "Kính gửi: Ủy ban nhân dân {place}, thành phố Huế.",
    "Họ, chữ đệm, tên người yêu cầu: {name}.",
    "Nơi cư trú: số {number} đường Lê Lợi, {place}, thành phố Huế.",
    "Giấy tờ tùy thân: Căn cước số {id}, cấp ngày {day}/{month}/2021.",
    "Quan hệ với người được khai sinh: cha đẻ.",
    "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
    "Họ, chữ đệm, tên: {name}; giới tính: {sex}; dân tộc: Kinh.",
    "Ngày, tháng, năm sinh: {day}/{month}/2025, bằng chữ: ngày {day} tháng {month} năm hai nghìn không trăm hai lăm.",
    "Nơi sinh: Bệnh viện Trung ương Huế, {place}.",
    "Quê quán: {place}, thành phố Huế; quốc tịch: Việt Nam.",
    "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật.",
    "Tôi chịu trách nhiệm trước pháp luật về cam đoan của mình.",
    "Hồ sơ gồm: bản chính Giấy chứng sinh và văn bản ủy quyền theo quy định.",
    "Diện tích xây dựng tầng một: {number} mét vuông; tổng diện tích sàn: {area} mét vuông.",
    "Chiều cao công trình: {height} mét; số tầng: {floors} tầng và một tum thang.",
    "Ngày nhận hồ sơ: {day}/{month}/2026; ngày hẹn trả kết quả: {day2}/{month}/2026.",
    "Lệ phí đã nộp: {fee}.000 đồng theo biên lai số {number}.",
    "Người tiếp nhận hồ sơ đã kiểm tra thành phần, số lượng giấy tờ.",
]


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def tesseract_version() -> str:
    try:
        out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
    except OSError:
        return "not installed"
    return (out.stdout or out.stderr).splitlines()[0]


def page_lines(rng: random.Random) -> list[str]:
    def name() -> str:
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"

    lines = [HEADINGS[0], HEADINGS[1], "", rng.choice(HEADINGS[2:]), ""]
    while len(lines) < LINES_PER_PAGE:
        day, month = rng.randint(1, 28), rng.randint(1, 12)
        lines.append(
            rng.choice(PHRASES).format(
                name=name(),
                place=rng.choice(PLACES),
                number=rng.randint(2, 250),
                id=f"{rng.randint(0, 10**12 - 1):012d}",
                day=f"{day:02d}",
                day2=f"{min(day + 3, 28):02d}",
                month=f"{month:02d}",
                sex=rng.choice(["Nam", "Nữ"]),
                area=rng.randint(80, 400),
                height=rng.randint(7, 15),
                floors=rng.randint(2, 4),
                fee=rng.choice([50, 75, 100, 150]),
            )
        )
    return lines


def wrap(text: str, font, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if font.getlength(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines or [""]


def scanned_page(rng: random.Random) -> tuple[bytes, str]:
    """One A4 300 dpi JPEG "scan" and the text printed on it."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font = ImageFont.truetype(str(FONT), FONT_PX)
    page = Image.new("L", (WIDTH, HEIGHT), 246)
    draw = ImageDraw.Draw(page)
    margin, y, printed = 236, 236, []
    for raw in page_lines(rng):
        for line in wrap(raw, font, WIDTH - 2 * margin):
            if y > HEIGHT - 300:
                break
            if line:
                x = margin if raw not in HEADINGS else (WIDTH - font.getlength(line)) / 2
                draw.text((x, y), line, font=font, fill=rng.randint(10, 40))
                printed.append(line)
            y += int(FONT_PX * 1.9)
    for _ in range(4000):  # paper dust and toner specks
        px, py = rng.randrange(WIDTH), rng.randrange(HEIGHT)
        draw.point((px, py), fill=rng.randint(120, 200))
    page = page.rotate(rng.uniform(-0.4, 0.4), resample=Image.BICUBIC, fillcolor=246, expand=False)
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    buffer = io.BytesIO()
    page.save(buffer, format="JPEG", quality=85, dpi=(DPI, DPI))
    return buffer.getvalue(), "\n".join(printed)


def accuracy(expected: str, found: str) -> tuple[float, float]:
    """(share of expected words found, character similarity), both on NFC text with spaces normalised."""
    from motcua.core.text import clean_text

    expected, found = clean_text(expected), clean_text(found)
    have: dict[str, int] = {}
    for word in found.split():
        have[word] = have.get(word, 0) + 1
    hits = 0
    for word in expected.split():
        if have.get(word, 0) > 0:
            have[word] -= 1
            hits += 1
    words = hits / max(1, len(expected.split()))
    return words, difflib.SequenceMatcher(None, expected, found, autojunk=False).ratio()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    if not FONT.exists():
        print(f"bench_ocr: {FONT} is missing (Debian fonts-dejavu-core)", file=sys.stderr)
        return 2

    os.environ.setdefault("MOTCUA_DEBUG", "1")
    os.environ.setdefault("MOTCUA_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings"
    tmp = tempfile.mkdtemp(prefix="motcua-bench-ocr-")
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/unused.sqlite3")  # no database is touched
    import logging

    import django

    django.setup()
    logging.getLogger("ocrmypdf").setLevel(logging.ERROR)
    import img2pdf

    from motcua.documents.ocr import engine_problem, recognise

    problem = engine_problem(("vie", "eng"))
    if problem:
        print(f"bench_ocr: {problem}", file=sys.stderr)
        return 2

    rng = random.Random(20261123)
    pages = [scanned_page(rng) for _ in range(args.pages)]
    bundle = img2pdf.convert([jpeg for jpeg, _ in pages], layout_fun=img2pdf.get_fixed_dpi_layout_fun((DPI, DPI)))
    expected_all = "\n".join(text for _, text in pages)
    lines = sum(text.count("\n") + 1 for _, text in pages)
    words = len(expected_all.split())

    print("OCR benchmark (motcua.documents.ocr.recognise)")
    print(f"  date      : {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}")
    print(f"  platform  : {platform.platform()}")
    print(f"  cpu       : {cpu_model()} ({os.cpu_count()} logical CPUs)")
    print(f"  python    : {sys.version.split()[0]}")
    print(f"  ocrmypdf  : {version('ocrmypdf')}   {tesseract_version()}   img2pdf {version('img2pdf')}")
    print(
        f"  pages     : {args.pages} × A4 {WIDTH}×{HEIGHT} px at {DPI} dpi, JPEG q85 "
        f"(avg {statistics.mean(len(j) for j, _ in pages) / 1024:.0f} KiB), {lines} text lines, {words} words"
    )
    print(f"  runs      : {args.runs} per scenario, best reported; languages vie+eng")
    print()

    def timed(fn) -> tuple[float, str]:
        best, text = float("inf"), ""
        for _ in range(args.runs):
            start = time.perf_counter()
            text = fn()
            best = min(best, time.perf_counter() - start)
        return best, text

    def one_by_one() -> str:
        return "\n".join(recognise(jpeg, jobs=1).text for jpeg, _ in pages)

    rows = []
    seconds, text = timed(one_by_one)
    rows.append(("each page its own JPEG document", 1, seconds, text))
    for jobs in (1, 2):
        seconds, text = timed(lambda jobs=jobs: recognise(bundle, jobs=jobs).text)
        rows.append((f"one PDF of {args.pages} pages", jobs, seconds, text))

    print(f"{'scenario':<34} {'jobs':>4} {'total s':>8} {'s/page':>7} {'pages/min':>10} {'words ok':>9} {'chars':>6}")
    print("-" * 84)
    for label, jobs, seconds, text in rows:
        found_words, chars = accuracy(expected_all, text)
        print(
            f"{label:<34} {jobs:>4} {seconds:>8.1f} {seconds / args.pages:>7.2f} {args.pages / seconds * 60:>10.1f}"
            f" {found_words:>8.1%} {chars:>6.1%}"
        )
    print()
    print("words ok: share of the printed words found in the OCR text, diacritics included;")
    print("chars: difflib similarity of the whole text (1.0 = identical).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
