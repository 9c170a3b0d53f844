"""Benchmark: the privacy screening (隐私排查) at a bureau's size.

Builds 10,000 live pages with Chinese bodies (1% with an unmasked ID number
or phone) and 5,000 attachments linked from them (a third each PDF, Word and
Excel, as schools publish them), then measures:

  * the first full audit (pages and files), pages and files per second;
  * a re-run with nothing changed (incremental: everything skipped);
  * a re-run after 100 pages are republished;
  * peak Python memory while screening one large spreadsheet (100,000 rows),
    which openpyxl streams in read-only mode.

    .venv/bin/python bench/privacy.py [--pages 10000] [--files 5000] [--rows 100000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govopen .venv/bin/python bench/privacy.py

Figures, not assertions; correctness is tested in tests/test_privacy*.py.
The issue's goal: the first audit under 10 minutes on this 2-core machine,
re-runs in seconds, memory bounded on large spreadsheets.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_database  # noqa: E402

FILLER = ["关于进一步加强", "全市中小学", "工作的通知", "各县区教育局", "根据上级部署", "结合本市实际",
          "现将有关事项通知如下", "切实做好", "落实主体责任", "加强督查指导", "确保取得实效", "特此通知",
          "咨询电话：0595-22180000。", "2026年9月1日", "泉教办〔2026〕12号", "邮编362000"]
ID = "11010519491231002X"


def text(rng: random.Random, n: int) -> str:
    return "".join(f"<p>{''.join(rng.choice(FILLER) for _ in range(8))}</p>" for _ in range(n))


def files(rows: int = 60) -> dict[str, bytes]:
    """One attachment of each kind, as a school would publish it."""
    import docx
    from openpyxl import Workbook
    from weasyprint import HTML

    rng = random.Random(3)
    pdf = HTML(string="".join(f"<div style='page-break-after: always'>{text(rng, 20)}</div>" for _ in range(3))
               ).write_pdf()
    document = docx.Document()
    for _ in range(30):
        document.add_paragraph("".join(rng.choice(FILLER) for _ in range(8)))
    table = document.add_table(rows=rows, cols=4)
    for r in range(rows):
        for c, value in enumerate(["序号", "姓名", "学校", "金额"] if r == 0 else [str(r), "张某某", "实验小学", "625"]):
            table.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    word = out.getvalue()
    wb = Workbook()
    sheet = wb.active
    sheet.append(["序号", "姓名", "学校", "资助金额"])
    for r in range(rows * 4):
        sheet.append([r + 1, "李某某", "实验小学", 625])
    out = io.BytesIO()
    wb.save(out)
    return {"pdf": pdf, "docx": word, "xlsx": out.getvalue()}


def build(pages: int, attachments: int) -> None:
    from django.core.files.base import ContentFile
    from django.db import connection
    from wagtail.documents import get_document_model

    from catalog import add_items, build_catalog
    from govopen_wagtail.models import DisclosureItemAttachment, DisclosureItemPage
    from tests.factories import make_platform, make_site

    # The office's own number (in the texts) is in its profile, as on a real site.
    site = make_site(phone="0595-22180000")
    platform = make_platform(site, items=0)
    _catalog, column, leaves = build_catalog(platform)
    add_items(column, leaves, pages, 0)
    rng = random.Random(7)
    ids = list(DisclosureItemPage.objects.order_by("pk").values_list("pk", flat=True))
    bodies = []
    for n, pk in enumerate(ids):
        body = text(rng, 6)
        if n % 100 == 7:
            body += f"<p>学生张某某，身份证号{ID}，家长手机13800138000。</p>"
        bodies.append((body, pk))
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {DisclosureItemPage._meta.db_table} SET body = %s WHERE page_ptr_id = %s",
                           bodies)
    samples = files()
    Document = get_document_model()
    kinds = list(samples)
    links = []
    for n in range(attachments):
        kind = kinds[n % 3]
        document = Document(title=f"附件{n}.{kind}")
        document.file.save(f"bench-{n}.{kind}", ContentFile(samples[kind]), save=False)
        document.save()
        links.append(DisclosureItemAttachment(page_id=ids[n % len(ids)], document=document, sort_order=0))
    DisclosureItemAttachment.objects.bulk_create(links, batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def big_sheet(rows: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("名单")
    sheet.append(["序号", "姓名", "身份证号", "家庭住址", "联系电话"])
    for r in range(rows):
        sheet.append([r + 1, "王某某", ID if r % 1000 == 0 else "", "东湖路12号", ""])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=5_000)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    engine = fresh_database()
    from django.utils import timezone
    from wagtail.models import Page

    from govopen_wagtail import privacy_files
    from govopen_wagtail.models import DisclosureItemPage, PrivacyFinding
    from govopen_wagtail.services.privacy_audit import audit

    print(f"privacy screening benchmark on {engine}: {args.pages} pages, {args.files} files")
    started = time.perf_counter()
    build(args.pages, args.files)
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)

    started = time.perf_counter()
    first = audit()
    seconds = time.perf_counter() - started
    print(f"  first audit: {seconds:.1f} s ({first.pages} pages, {first.files} files; "
          f"{first.pages / seconds:.0f} pages/s overall), {first.new} findings, "
          f"{first.not_checkable} not checkable, {len(first.errors)} errors")
    print(f"    open findings: {PrivacyFinding.objects.open().count()}")

    started = time.perf_counter()
    again = audit()
    print(f"  re-run, nothing changed: {time.perf_counter() - started:.2f} s "
          f"({again.pages} pages and {again.files} files screened, {again.skipped} skipped)")

    changed = list(DisclosureItemPage.objects.order_by("pk").values_list("pk", flat=True)[:100])
    Page.objects.filter(pk__in=changed).update(last_published_at=timezone.now())
    started = time.perf_counter()
    after = audit()
    print(f"  re-run after 100 pages republished: {time.perf_counter() - started:.2f} s "
          f"({after.pages} pages screened)")

    data = big_sheet(args.rows)
    started = time.perf_counter()
    result = privacy_files.screen_file(io.BytesIO(data), "big.xlsx")
    seconds = time.perf_counter() - started
    tracemalloc.start()  # measured apart: tracing slows the run down
    privacy_files.screen_file(io.BytesIO(data), "big.xlsx")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  one spreadsheet of {args.rows} rows ({len(data) / 1e6:.1f} MB): {seconds:.1f} s, "
          f"peak Python memory {peak / 1e6:.1f} MB, {len(result.findings)} findings")

if __name__ == "__main__":
    main()
