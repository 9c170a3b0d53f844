"""Word/PDF versions, hashes, downloads and public verification."""

import datetime as dt
import hashlib
import io

import docx
import pytest
from django.core.files.base import ContentFile
from django.core.exceptions import ValidationError
from django.test import override_settings
from pypdf import PdfReader
from wagtail.documents.models import Document

from govopen_wagtail.models import DocumentAttachment, PublishedFile
from govopen_wagtail.services import files
from tests.factories import make_document, make_library

pytestmark = pytest.mark.django_db
D = dt.date
BODY = "<h2>第一章 总则</h2><p>第一条 为规范校外培训机构管理，制定本办法。</p><p>第二条 本办法适用于本市行政区域。</p>"


@pytest.fixture
def library(platform):
    return make_library(platform.active)


@pytest.fixture
def doc(library):
    return make_document(library, "泉教规〔2022〕3号", written=D(2022, 3, 20), title="泉州市校外培训机构监督管理办法", body=BODY)


def upload(name, data, title="文件"):
    document = Document(title=title)
    document.file.save(name, ContentFile(data), save=False)
    document.save()
    return document


def test_pdf_is_generated_with_chinese_text(doc):
    pdf = files.render_pdf(doc)
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    compact = text.replace(" ", "").replace("\n", "")
    for expected in ("泉州市校外培训机构监督管理办法", "泉教规〔2022〕3号", "第一条为规范校外培训机构管理", "泉州市教育局"):
        assert expected in compact
    fonts = {str(f.get("/BaseFont")) for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert any("CJK" in f or "Han" in f for f in fonts), fonts


def test_docx_follows_the_format_and_is_deterministic(doc):
    data = files.render_docx(doc)
    assert data == files.render_docx(doc)
    word = docx.Document(io.BytesIO(data))
    paragraphs = [p for p in word.paragraphs if p.text]
    assert paragraphs[0].text == "泉州市校外培训机构监督管理办法"
    title_run = paragraphs[0].runs[0]
    assert title_run.font.size.pt == 18 and title_run.font.bold
    assert paragraphs[1].text == "泉教规〔2022〕3号" and paragraphs[1].runs[0].font.name == "楷体"
    assert paragraphs[2].text == "第一章 总则"
    assert any("第一条 为规范校外培训机构管理" in p.text for p in paragraphs)
    assert word.core_properties.identifier == doc.index_number


def test_publishing_files_versions_only_on_change(doc):
    first = files.publish_files(doc)
    assert {f.kind for f in first} == {"docx", "pdf"}
    assert files.publish_files(doc) == []  # unchanged content: no new version
    doc.body = BODY + "<p>第三条 新增条款。</p>"
    doc.save_revision().publish()
    second = files.publish_files(doc)
    assert {f.kind for f in second} == {"docx", "pdf"}
    old_pdf = next(f for f in first if f.kind == "pdf")
    old_pdf.refresh_from_db()
    assert old_pdf.superseded_at is not None
    assert PublishedFile.objects.current().filter(document=doc).count() == 2


@override_settings(GOVOPEN_GENERATE_FILES_ON_PUBLISH=True)
def test_files_are_generated_after_publish(library, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = make_document(library, "泉教规〔2023〕1号", written=D(2023, 2, 10))
    assert set(PublishedFile.objects.current().filter(document=doc).values_list("kind", flat=True)) == {"docx", "pdf"}


def test_download_serves_the_file_with_its_hash_and_the_page_shows_it(client, doc):
    response = client.get(doc.url + "files/pdf/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    digest = hashlib.sha256(body).hexdigest()
    assert response["X-Content-SHA256"] == digest
    html = client.get(doc.url).content.decode()
    assert digest in html
    assert client.get(doc.url + "files/exe/").status_code == 404


def test_uploaded_versions_replace_generated_ones(doc):
    word = files.render_docx(doc)
    doc.uploaded_docx = upload("泉教规2022-3.docx", word)
    doc.save_revision().publish()
    files.publish_files(doc)
    current = PublishedFile.objects.current().get(document=doc, kind="docx")
    assert current.source == "uploaded" and current.sha256 == hashlib.sha256(word).hexdigest()


@pytest.mark.parametrize(
    "field, name, data, message",
    [
        ("uploaded_pdf", "伪装.pdf", b"PK\x03\x04 not really", "不是 PDF 文件"),
        ("uploaded_docx", "宏.docm", b"PK\x03\x04", "启用宏"),
        ("uploaded_docx", "文件.pdf", b"%PDF-1.4", "不接受此类文件"),
    ],
)
def test_bad_uploads_are_refused_with_a_message_on_the_field(doc, field, name, data, message):
    setattr(doc, field, upload(name, data))
    with pytest.raises(ValidationError) as caught:
        doc.full_clean()
    assert message in caught.value.message_dict[field][0]


@override_settings(GOVOPEN_MAX_UPLOAD_MB=1)
def test_oversize_attachment_is_refused(doc):
    doc.attachments = [DocumentAttachment(document=upload("大.pdf", b"%PDF-1.4" + b"0" * (2 * 1024 * 1024)))]
    with pytest.raises(ValidationError) as caught:
        doc.full_clean()
    assert "上限为 1 MB" in " ".join(caught.value.messages)


def test_attachments_are_published_with_hashes(client, doc):
    doc.attachments = [DocumentAttachment(document=upload("附件1.pdf", b"%PDF-1.4 attachment"), title="附件1：申请表")]
    doc.save_revision().publish()
    files.publish_files(doc)
    attachment = PublishedFile.objects.current().get(document=doc, kind="attachment")
    html = client.get(doc.url).content.decode()
    assert "附件1：申请表" in html and attachment.sha256 in html
    response = client.get(doc.url + f"files/v/{attachment.pk}/")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 attachment"


class TestVerification:
    def verify(self, client, library, **data):
        return client.post(library.url + "verify/", data)

    def test_a_published_file_is_recognised(self, client, library, doc):
        pdf = files.current_file(doc, "pdf")
        content = pdf.file.open("rb").read()
        response = self.verify(client, library, file=ContentFile(content, name="download.pdf"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "此文件由本文件库发布" in html and "泉教规〔2022〕3号" in html and "最新版本" in html
        assert "govopen-validity-in_force" in html

    def test_a_repealed_documents_file_is_not_called_current(self, client, library, doc):
        from govopen_wagtail.models import ValidityEvent

        digest = files.current_file(doc, "pdf").sha256
        ValidityEvent.objects.create(document=doc, kind="repealed", effective_date=D(2024, 1, 1),
                                     acting_number="泉教规〔2024〕1号")
        html = self.verify(client, library, sha256=digest).content.decode()
        result = html.split('class="govopen-result"')[1]
        assert "govopen-notice-ok" not in result and "govopen-notice-warning" in result
        assert "已废止" in result and "当前版本" not in result

    def test_a_pasted_hash_with_spaces_and_capitals_is_recognised(self, client, library, doc):
        digest = files.current_file(doc, "docx").sha256
        spaced = " ".join(digest[i:i + 8] for i in range(0, 64, 8)).upper()
        assert "此文件由本文件库发布" in self.verify(client, library, sha256=spaced).content.decode()

    def test_an_older_version_is_named_as_such(self, client, library, doc):
        old = files.current_file(doc, "pdf").sha256
        doc.body = BODY + "<p>第三条 修改。</p>"
        doc.save_revision().publish()
        files.publish_files(doc)
        html = self.verify(client, library, sha256=old).content.decode()
        assert "较早的版本" in html

    def test_a_changed_file_is_not_recognised(self, client, library, doc):
        content = files.current_file(doc, "pdf").file.open("rb").read()
        html = self.verify(client, library, file=ContentFile(content + b"tampered", name="x.pdf")).content.decode()
        assert "没有匹配的发布文件" in html

    @pytest.mark.parametrize("data, message", [({}, "请选择文件"), ({"sha256": "xyz"}, "64 个字符"), ({"sha256": "<script>"}, "64 个字符")])
    def test_bad_input(self, client, library, data, message):
        response = self.verify(client, library, **data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert "<script>" not in response.content.decode().split("</form>")[1]

    def test_get_shows_the_form(self, client, library):
        html = client.get(library.url + "verify/").content.decode()
        assert 'type="file"' in html and "csrfmiddlewaretoken" in html

    def test_csrf_is_enforced(self, library):
        from django.test import Client

        response = Client(enforce_csrf_checks=True).post(library.url + "verify/", {"sha256": "0" * 64})
        assert response.status_code == 403

    @override_settings(GOVOPEN_RATE_LIMITS={"verify": "3/h"})
    def test_rate_limited(self, client, library):
        from django.core.cache import cache

        cache.clear()
        codes = [self.verify(client, library, sha256="0" * 64).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert "请求过于频繁" in self.verify(client, library, sha256="0" * 64).content.decode()


def test_a_file_that_cannot_be_made_is_explained_never_a_500(client, doc, monkeypatch, admin_client):
    from django.urls import reverse

    def broken(*args, **kwargs):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(files, "render_pdf", broken)
    PublishedFile.objects.filter(document=doc).delete()
    response = client.get(doc.url + "files/pdf/")
    assert response.status_code == 503 and response["Retry-After"]
    assert "PDF" in response.content.decode() and "暂时无法生成" in response.content.decode()
    report = admin_client.get(reverse("govopen_document_compliance")).content.decode()
    assert "libpango" in report and doc.title in report
    monkeypatch.undo()
    assert client.get(doc.url + "files/pdf/").status_code == 200
    assert "libpango" not in admin_client.get(reverse("govopen_document_compliance")).content.decode()


def test_publishing_never_waits_for_file_generation(doc, settings, monkeypatch, django_capture_on_commit_callbacks):
    """With the immediate task backend the files are made in a thread of their
    own after the publish, not in the editor's request."""
    import threading

    from govopen_wagtail.services import background

    settings.GOVOPEN_GENERATE_FILES_ON_PUBLISH = True
    settings.GOVOPEN_BACKGROUND_THREADS = True
    started = []

    class RecordingThread:
        def __init__(self, target, args, daemon, name):
            self.target, self.args, self.daemon = target, args, daemon
            started.append(self)

        def start(self):
            pass  # in-memory SQLite: run it below, in this thread

    monkeypatch.setattr(background.threading, "Thread", RecordingThread)
    called = []
    monkeypatch.setattr(files, "publish_files", lambda *a, **k: called.append(a) or [])
    with django_capture_on_commit_callbacks(execute=True):
        doc.save_revision().publish()
    assert len(started) == 1 and started[0].daemon and not called  # nothing made in the request
    background._run(started[0].target, started[0].args)
    assert len(called) == 1
    assert threading.current_thread().name != "govopen-background"


def test_missing_versions_are_shown_as_being_prepared(client, doc):
    PublishedFile.objects.filter(document=doc).delete()
    html = client.get(doc.url).content.decode()
    assert "正在准备" in html
