"""Routes of the normative-document library: the register of documents in
force and its exports, the compiled collection, feeds and a JSON API."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpResponse, JsonResponse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext as _

from .. import params
from ..models.documents import SubjectCategory, Validity, ValidityEvent, parse_as_of
from ..services import exports, library_cache
from ..restrictions import private_q

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _attachment(data: bytes, kind: str, filename: str) -> HttpResponse:
    from django.utils.http import content_disposition_header

    response = HttpResponse(data, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def register_title(library) -> str:
    return _("Register of normative documents in force")


def in_force(library, on):
    return (
        library.documents()
        .in_force(on)
        .prefetch_related("issuers")
        .order_by("number_issuer", "number_year", "number_serial", "pk")
    )


REGISTER_PAGE_SIZE = 100


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def register_page(library, request):
    from django.core.paginator import Paginator

    on, ok = parse_as_of(request.GET.get("as_of"))
    # The page shows 100 at a time; the CSV, Excel and PDF files carry all.
    page = Paginator(in_force(library, on), REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = exports.register_rows(page.object_list, request, start=page.start_index())
    documents = library.documents()
    return library.render(
        request,
        template="govopen_wagtail/normative_document_register.html",
        context_overrides={
            "register_title": register_title(library),
            "rows": rows,
            "register_page": page,
            "query_string": _without_page(request),
            "as_of": on,
            "as_of_invalid": not ok,
            "as_of_query": f"?as_of={on.isoformat()}" if request.GET.get("as_of") and ok else "",
            "collection_url": library.get_url(request) + "collection/",
            "years": [d.year for d in documents.dates("published_date", "year", order="DESC")],
            "categories": SubjectCategory.objects.filter(documents__in=documents).distinct(),
        },
    )


def register_export(library, request, kind: str):
    on, _ok = parse_as_of(request.GET.get("as_of"))
    title = register_title(library)
    filename = f"{title}-{on.isoformat()}.{kind}"

    def render() -> bytes:
        columns = exports.register_columns()
        rows = exports.register_rows(in_force(library, on), request)
        if kind == "csv":
            return exports.to_csv(rows, columns)
        if kind == "xlsx":
            return exports.to_xlsx(rows, columns, title)
        return exports.register_pdf(rows, columns, title, on)

    # Made once per change of the library (its stamp), not per request.
    cache_key = library_cache.key(library, "register", kind, on, request.get_host(), get_language())
    return _attachment(library_cache.cached(cache_key, render), kind if kind in ("csv", "xlsx") else "pdf",
                       filename)


def collection(library, request):
    on, _ok = parse_as_of(request.GET.get("as_of"))
    documents = in_force(library, on)
    label = []
    year = params.parse_year(request.GET.get("year"))
    if year is not None:
        documents = documents.filter(published_date__year=year)
        label.append(str(year))
    category = params.parse_id(request.GET.get("category"))
    if category is not None:
        documents = documents.filter(category_id=category)
        found = SubjectCategory.objects.filter(pk=category).first()
        if found:
            label.append(found.name)
    documents = list(documents[: exports.MAX_COLLECTION_DOCUMENTS + 1])
    if len(documents) > exports.MAX_COLLECTION_DOCUMENTS:
        return HttpResponse(
            _("More than %(max)d documents: choose a year or category to make the collection smaller.")
            % {"max": exports.MAX_COLLECTION_DOCUMENTS},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    kind = "docx" if request.GET.get("format") == "docx" else "pdf"
    title = _("Compiled collection of normative documents") + (f"（{'·'.join(label)}）" if label else "")
    render = exports.collection_docx if kind == "docx" else exports.collection_pdf
    cache_key = library_cache.key(library, "collection", kind, on, year, category, get_language())
    data = library_cache.cached(cache_key, lambda: render(documents, title, on))
    return _attachment(data, kind, f"{title}-{on.isoformat()}.{kind}")


class DocumentsFeed(Feed):
    """New documents in the library."""

    def __init__(self, library, atom: bool = False):
        super().__init__()
        self.library = library
        if atom:
            self.feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.library

    def title(self, library):
        return library.title

    def link(self, library):
        return library.get_url(self.request)

    def description(self, library):
        return _("New normative documents")

    def items(self, library):
        return library.documents().order_by("-published_date", "-pk")[:30]

    def item_title(self, item):
        return f"{item.title}（{item.document_number}）"

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_guid(self, item):
        return item.index_number or str(item.pk)


class ValidityFeed(DocumentsFeed):
    """Amendments, repeals, expiries and extensions as they are recorded."""

    def description(self, library):
        return _("Changes to the validity of normative documents")

    def items(self, library):
        return (
            ValidityEvent.objects.filter(document__in=library.documents())
            .select_related("document", "acting_document")
            .order_by("-recorded_at", "-pk")[:30]
        )

    def item_title(self, item):
        return f"{item.document.title}（{item.document.document_number}）：{item.get_kind_display()}"

    def item_description(self, item):
        by = item.acting_label
        return f"{item.effective_date.isoformat()} {item.get_kind_display()}" + (f" · {by}" if by else "")

    def item_link(self, item):
        return item.document.get_url(self.request)

    def item_pubdate(self, item):
        return item.recorded_at

    def item_guid(self, item):
        return f"validity-event-{item.pk}"


def _document_json(doc, request, detail: bool = False) -> dict:
    data = {
        "id": doc.pk,
        "title": doc.title,
        "document_number": doc.document_number,
        "index_number": doc.index_number,
        "issuers": [i.name for i in doc.issuers.all()],
        "category": doc.category.name if doc.category_id else None,
        "written_date": doc.written_date.isoformat(),
        "published_date": doc.published_date.isoformat(),
        "effective_date": doc.effective_date.isoformat(),
        "validity_end": doc.validity_end.isoformat() if doc.validity_end else None,
        "validity": doc.validity,
        "validity_label": str(Validity(doc.validity).label),
        "url": doc.absolute_url(request),
    }
    if detail:
        data["summary"] = doc.summary
        data["history"] = [
            {
                "date": event.effective_date.isoformat(),
                "event": event.kind,
                "label": str(event.get_kind_display()),
                "by": event.acting_label or None,
                "reason": event.reason,
            }
            for event in doc.validity_events.select_related("acting_document")
        ]
        data["files"] = [
            {"kind": f.kind, "label": f.label, "filename": f.filename, "sha256": f.sha256, "size": f.size,
             "published_at": f.created_at.isoformat()}
            for f in doc.published_files.current()
        ]
        data["interpretations"] = [
            {"title": i.title, "form": i.form, "url": i.absolute_url(request)}
            for i in doc.interpretations.live().exclude(private_q())
        ]
    return data


def api_list(library, request):
    from django.core.paginator import Paginator

    documents, state = library.filtered(request.GET)
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    return JsonResponse(
        {
            "as_of": state["as_of"].isoformat(),
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "ignored_parameters": state["ignored"],
            "results": [_document_json(doc, request) for doc in page],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def api_detail(library, request, pk: int):
    from django.http import Http404

    on, _ok = parse_as_of(request.GET.get("as_of"))
    doc = (
        library.documents().with_validity(on).select_related("category").prefetch_related("issuers")
        .filter(pk=pk).first()
    )
    if doc is None:
        raise Http404
    return JsonResponse(
        {"as_of": on.isoformat(), **_document_json(doc, request, detail=True)},
        json_dumps_params={"ensure_ascii": False},
    )
