"""Routing below the platform: the whole rest of an address in one query,
with Wagtail's answers (404s, drafts, routable pages, view restrictions)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from govopen_wagtail.models import DisclosureColumnPage, DisclosureItemPage
from govopen_wagtail.restrictions import private_q
from tests.factories import count_queries, draft, make_catalog, make_document, make_library, publish


def nest(parent, depth):
    """``depth`` columns one inside another, each a plain govopen page."""
    pages = []
    for i in range(depth):
        parent = publish(parent, DisclosureColumnPage(title=f"栏目{i}", slug=f"c{i}", column="other"))
        pages.append(parent)
    return pages


def page_queries(client, url) -> tuple[int, int]:
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    pages = [q for q in ctx.captured_queries if '"wagtailcore_page"' in q["sql"].split("WHERE")[0]
             and "pageviewrestriction" not in q["sql"]]
    return response.status_code, len(pages)


def test_a_deep_page_costs_the_same_page_queries_as_a_shallow_one(client, platform):
    shallow = publish(platform.index, DisclosureItemPage(title="浅", slug="shallow"))
    chain = nest(platform.index, 4)
    deep = publish(chain[-1], DisclosureItemPage(title="深", slug="deep"))
    assert deep.depth - shallow.depth == 4
    status_shallow, shallow_count = page_queries(client, shallow.url)
    status_deep, deep_count = page_queries(client, deep.url)
    assert status_shallow == status_deep == 200
    # Wagtail alone reads two queries per level: eight more for the deep page.
    assert deep_count <= shallow_count + 1, (shallow_count, deep_count)
    assert "深" in client.get(deep.url).content.decode()


def test_routing_answers_as_wagtail_does(client, platform):
    chain = nest(platform.index, 3)
    live = publish(chain[-1], DisclosureItemPage(title="公开的", slug="live"))
    hidden = draft(chain[-1], DisclosureItemPage(title="草稿", slug="hidden"))
    assert client.get(live.url).status_code == 200
    assert client.get(chain[-1].url + "hidden/").status_code == 404  # a draft
    assert client.get(chain[-1].url + "missing/").status_code == 404
    assert client.get(chain[0].url + "missing/c2/live/").status_code == 404  # a gap in the middle
    # A page two levels down is not reachable one level down.
    assert client.get(chain[0].url + "c2/").status_code == 404
    # Wagtail serves a live page below an unpublished one: so do we.
    chain[1].unpublish()
    assert client.get(live.url).status_code == 200
    assert hidden.pk and not hidden.live


def test_a_routable_page_on_the_way_gets_the_rest_of_the_address(client, platform):
    library = make_library(platform.index)
    document = make_document(library, "泉教〔2026〕1号", written=dt.date(2026, 3, 1))
    assert client.get(library.url + "register/").status_code == 200  # the library's own route
    assert client.get(document.url).status_code == 200
    assert client.get(library.url + "register/more/").status_code == 404
    # On the way to a document the library's own fields are never read: no
    # address of its own takes the rest, so it goes on to its children.
    client.get(document.url)
    with CaptureQueriesContext(connection) as ctx:
        assert "泉教〔2026〕1号" in client.get(document.url).content.decode()
    library_table = library.specific_class._meta.db_table
    assert not [q for q in ctx.captured_queries if f'FROM "{library_table}"' in q["sql"]
                or f'JOIN "{library_table}"' in q["sql"]]


def test_view_restrictions_still_apply_to_pages_routed_in_one_query(client, platform):
    chain = nest(platform.index, 3)
    secret = publish(chain[-1], DisclosureItemPage(title="内部", slug="secret"))
    PageViewRestriction.objects.create(page=chain[0], restriction_type="password", password="pw")
    response = client.get(secret.url)
    assert response.status_code == 200 and "内部" not in response.content.decode()
    assert 'name="password"' in response.content.decode()
    routed = Page.find_for_request(client.get(secret.url).wsgi_request, secret.url)
    assert set(routed.get_view_restrictions()) == set(Page.objects.get(pk=secret.pk).get_view_restrictions())


def test_private_sections_are_left_out_without_joining_every_page(platform):
    chain = nest(platform.index, 2)
    inside = publish(chain[1], DisclosureItemPage(title="内部", slug="inside"))
    outside = publish(chain[0], DisclosureItemPage(title="外部", slug="outside"))
    with CaptureQueriesContext(connection) as ctx:
        public = set(Page.objects.exclude(private_q()).values_list("pk", flat=True))
    assert {inside.pk, outside.pk} <= public
    # The stamp, the restrictions (none) and then the pages: no join of the two.
    assert len(ctx) == 3 and not any("JOIN" in q["sql"] for q in ctx.captured_queries)
    # Until anything changes, the restricted sections come from the cache
    # (and with none, the filter matches nothing without asking).
    assert count_queries(lambda: list(Page.objects.filter(private_q()))) == 1
    PageViewRestriction.objects.create(page=chain[1], restriction_type="password", password="pw")
    public = set(Page.objects.exclude(private_q()).values_list("pk", flat=True))
    assert inside.pk not in public and chain[1].pk not in public and outside.pk in public
    assert set(Page.objects.public().values_list("pk", flat=True)) == public  # Wagtail's answer
    # A restriction removed in code (Wagtail logs nothing) is seen at once too.
    PageViewRestriction.objects.all().delete()
    assert set(Page.objects.exclude(private_q()).values_list("pk", flat=True)) >= {inside.pk, chain[1].pk}


def stamp_and_restriction_queries(ctx) -> tuple[int, int]:
    sqls = [q["sql"] for q in ctx.captured_queries]
    stamps = sum('MAX("id") FROM "wagtailcore_pagelogentry"' in sql for sql in sqls)
    restrictions = sum('"wagtailcore_pageviewrestriction"' in sql.split(" WHERE ")[0]
                       and "wagtailcore_pagelogentry" not in sql for sql in sqls)
    return stamps, restrictions


def test_a_page_reads_the_change_stamp_once_and_no_restrictions_when_there_are_none(client, platform):
    elsewhere = publish(platform.index, DisclosureItemPage(title="别处", slug="elsewhere"))
    library = make_library(platform.index)
    document = make_document(library, "泉教〔2026〕3号", written=dt.date(2026, 3, 3))
    for url in (platform.index.url, library.url, document.url):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        # The platform's columns and newest items, the library's listing, the
        # view check, the HTTP-cache check and the "report an error" link all
        # asked for these before.
        assert stamp_and_restriction_queries(ctx) == (1, 0), url
    PageViewRestriction.objects.create(page=library, restriction_type="password", password="pw")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(document.url)
    assert 'name="password"' in response.content.decode()
    assert stamp_and_restriction_queries(ctx)[0] == 1
    # Elsewhere on the site nothing is restricted: no restriction read there.
    client.get(elsewhere.url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(elsewhere.url).status_code == 200
    assert stamp_and_restriction_queries(ctx) == (1, 0)


def test_the_site_and_the_stamp_are_read_in_one_statement_unless_sites_come_from_elsewhere(
        client, platform, monkeypatch):
    page = publish(platform.index, DisclosureItemPage(title="一处", slug="one"))
    client.get(page.url)

    def statements(method):
        with CaptureQueriesContext(connection) as ctx:
            assert getattr(client, method)(page.url).status_code in (200, 405)
        sqls = [q["sql"] for q in ctx.captured_queries]
        site = [sql for sql in sqls if '"wagtailcore_site"."hostname"' in sql]
        alone = [sql for sql in sqls if sql.startswith("SELECT (SELECT MAX(")]
        return len(site), sum("MAX(" in sql for sql in site), len(alone)

    assert statements("get") == (1, 1, 0)
    # A POST reads the stamp afresh, with the site (a page that takes no
    # POST reads it again to render itself, outside the routing).
    assert statements("post")[:2] == (1, 1)
    # Sites read from another database (a replica behind the primary): the
    # stamp is read on its own, from where it always is.
    monkeypatch.setattr("django.db.DEFAULT_DB_ALIAS", "primary")
    assert statements("get") == (1, 0, 1)
    assert statements("post")[:2] == (1, 0)


def test_the_stamp_is_kept_for_one_safe_request_only(db):
    from govopen_wagtail.services import library_cache

    def reads() -> int:
        with CaptureQueriesContext(connection) as ctx:
            library_cache.stamp()
            library_cache.stamp()
        return len(ctx)

    assert reads() == 2  # outside a request: read every time
    library_cache.request_started(environ={"REQUEST_METHOD": "GET"})
    try:
        assert reads() == 1
        assert reads() == 0
    finally:
        library_cache.request_finished()
    assert reads() == 2
    # A POST may write and then read: it sees its own change.
    library_cache.request_started(environ={"REQUEST_METHOD": "POST"})
    try:
        assert reads() == 2
    finally:
        library_cache.request_finished()


def test_a_page_below_a_routable_page_keeps_its_ancestors_restrictions(client, platform):
    column = publish(platform.index, DisclosureColumnPage(title="内部栏目", slug="internal", column="other"))
    library = make_library(column)
    document = make_document(library, "泉教〔2026〕2号", written=dt.date(2026, 3, 2))
    assert client.get(document.url).status_code == 200
    PageViewRestriction.objects.create(page=column, restriction_type="password", password="pw")
    response = client.get(document.url)
    assert 'name="password"' in response.content.decode()
    PageViewRestriction.objects.all().delete()
    assert client.get(document.url).status_code == 200


def test_a_page_object_kept_longer_than_a_request_sees_a_restriction_added_later(platform):
    # Indexing and other code outside a request hold on to page objects: a
    # restriction added afterwards must still hide the page.
    page = publish(platform.index, DisclosureItemPage(title="稍后受限", slug="later"))
    assert not page.get_view_restrictions().exists()
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="pw")
    assert page.get_view_restrictions().exists()


def routing_reads(client, url, method="get"):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url)
    return response.status_code, [q for q in ctx.captured_queries if '"wagtailcore_page"."slug" IN' in q["sql"]]


def test_a_pages_route_is_kept_until_a_page_on_it_changes(client, platform):
    chain = nest(platform.index, 3)
    leaf = publish(chain[-1], DisclosureItemPage(title="叶", slug="leaf"))
    assert routing_reads(client, leaf.url)[0] == 200
    status, reads = routing_reads(client, leaf.url)
    assert status == 200 and reads == []  # kept: the route reads no page
    # A POST reads the stamp afresh (no memo outside a GET), then takes the
    # kept route under it, and checks restrictions against that same reading.
    with CaptureQueriesContext(connection) as ctx:
        client.post(leaf.url)
    assert [q for q in ctx.captured_queries if '"wagtailcore_page"."slug" IN' in q["sql"]] == []
    assert [q for q in ctx.captured_queries if "MAX(" in q["sql"]]
    # Renamed on the way: the old address is gone, the new one answers.
    chain[1].slug = "renamed"
    chain[1].save_revision().publish()
    assert client.get(leaf.url).status_code == 404
    leaf.refresh_from_db()
    assert "/renamed/" in leaf.url and client.get(leaf.url).status_code == 200
    leaf.unpublish()
    assert client.get(leaf.url).status_code == 404


def test_a_post_after_a_restriction_is_added_meets_it(client, platform):
    chain = nest(platform.index, 2)
    leaf = publish(chain[-1], DisclosureItemPage(title="叶", slug="leaf"))
    assert client.get(leaf.url).status_code == 200
    assert client.post(leaf.url).status_code == 200  # the route is kept
    PageViewRestriction.objects.create(page=chain[0], restriction_type=PageViewRestriction.LOGIN)
    for method in ("get", "post"):
        response = getattr(client, method)(leaf.url)
        assert response.status_code == 302 and "login" in response["Location"], method


def test_only_addresses_that_lead_somewhere_are_kept(client, platform):
    from django.core.cache import cache

    from govopen_wagtail.models.mixins import route_key

    chain = nest(platform.index, 2)
    leaf = publish(chain[-1], DisclosureItemPage(title="叶", slug="leaf"))
    assert client.get(leaf.url).status_code == 200
    assert client.get(chain[0].url + "made/up/address/").status_code == 404
    # Routed from the site's root (RoutingMiddleware), through the platform.
    root = platform.site.root_page
    kept = lambda *components: cache.get(route_key(Page, root, [platform.index.slug, *components])) is not None
    assert kept("c0", "c1", "leaf")
    assert not kept("c0", "made", "up", "address")
    # One made-up step below a real page: a 404 that is not kept either,
    # since a column answers no address of its own.
    assert client.get(leaf.url + "made-up/").status_code == 404
    assert not kept("c0", "c1", "leaf", "made-up")
    # A routable page's own address one step below it is kept; one its
    # class does not know is not.
    catalog = make_catalog(platform.index, imported=False)
    assert client.get(catalog.url + "table/").status_code == 200
    assert kept(catalog.slug, "table")
    assert client.get(catalog.url + "made-up/").status_code == 404
    assert not kept(catalog.slug, "made-up")


# Routing from the site's root (RoutingMiddleware, services/site_routing.py).

ROUTING = "govopen_wagtail.middleware.RoutingMiddleware"


def test_a_govopen_page_is_routed_from_the_root_in_one_query_with_wagtails_answers(client, platform, settings):
    from wagtail.models import Page

    chain = nest(platform.index, 2)
    leaf = publish(chain[-1], DisclosureItemPage(title="叶", slug="leaf"))
    hidden = draft(chain[-1], DisclosureItemPage(title="草稿", slug="hidden"))
    plain = platform.site.root_page.add_child(instance=Page(title="普通页面", slug="plain-page"))
    catalog = make_catalog(platform.index, imported=False)
    addresses = [leaf.url, chain[0].url, platform.index.url, chain[-1].url + "hidden/", chain[-1].url + "missing/",
                 leaf.url + "made-up/", catalog.url + "table/", catalog.url + "made-up/", plain.url, "/", "/nowhere/"]

    def answers(client):
        out = {}
        for url in addresses:
            client.get(url)  # warm the caches
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            body = response.content.decode() if response.status_code == 200 else ""
            # The CSRF token differs per request; the page otherwise the same.
            out[url] = (response.status_code, len(body) > 0, leaf.title in body, len(ctx.captured_queries))
        return out

    from django.test import Client

    routed = answers(client)
    assert ROUTING in settings.MIDDLEWARE
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != ROUTING]
    wagtails = answers(Client())  # a client loads the middleware once
    assert hidden.pk and not hidden.live
    for url in addresses:
        assert routed[url][:3] == wagtails[url][:3], url
    assert routed[leaf.url][0] == 200 and routed[chain[-1].url + "hidden/"][0] == 404
    # The root page made specific, the platform and its specific type: three
    # queries Wagtail reads before the platform's routing takes over (two
    # for the platform itself, whose specific type is read either way).
    for url, saved in ((leaf.url, 3), (chain[0].url, 3), (catalog.url + "table/", 3), (platform.index.url, 2)):
        assert routed[url][3] <= wagtails[url][3] - saved, (url, routed[url], wagtails[url])
    # A draft, an address a govopen page's class does not know, or one no
    # page takes is answered 404 from the same walk, not routed again by Wagtail.
    for url in (chain[-1].url + "hidden/", catalog.url + "made-up/", chain[-1].url + "missing/"):
        assert routed[url][3] < wagtails[url][3], (url, routed[url], wagtails[url])
    assert routed["/nowhere/"][3] <= wagtails["/nowhere/"][3]
    # A page that is not govopen's is Wagtail's to route, at Wagtail's cost.
    assert routed[plain.url] == wagtails[plain.url]


def test_a_root_that_routes_itself_is_left_to_wagtail(client, platform, monkeypatch):
    from wagtail.models import Page

    from demo.models import HomePage

    asked = []

    def route(self, request, path_components):
        asked.append(list(path_components))
        return Page.route(self, request, path_components)

    leaf = publish(platform.index, DisclosureItemPage(title="叶", slug="leaf"))
    monkeypatch.setattr(HomePage, "route", route)
    assert client.get(leaf.url).status_code == 200
    assert asked == [[platform.index.slug, "leaf"]]


def test_a_changed_site_or_root_is_followed(client, platform):
    from wagtail.models import Site

    leaf = publish(platform.index, DisclosureItemPage(title="叶", slug="leaf"))
    assert client.get(leaf.url).status_code == 200
    site = platform.site
    # Another host is added to the install: its own root answers it at once.
    from tests.factories import make_platform, make_site

    other = make_site("school.example", default=False)
    other_leaf = publish(make_platform(other).index, DisclosureItemPage(title="学校的叶", slug="leaf"))
    response = client.get(other_leaf.url, HTTP_HOST="school.example")
    assert response.status_code == 200 and "学校的叶" in response.content.decode()
    # The site's hostname changes (even behind Django's back, as Wagtail's
    # lookup is asked): the old host falls to the default site.
    Site.objects.filter(pk=other.pk).update(hostname="school2.example")
    assert client.get(other_leaf.url, HTTP_HOST="school.example").status_code == 404
    assert "学校的叶" in client.get(other_leaf.url, HTTP_HOST="school2.example").content.decode()
    # The root page is renamed: its pages move with it and are still found.
    root = site.root_page.specific
    root.slug = "home-renamed"
    root.save_revision().publish()
    # (Wagtail's own site root paths, behind page.url, are not renewed by it.)
    assert client.get(f"/{platform.index.slug}/leaf/").status_code == 200


def test_the_site_is_found_as_wagtail_finds_it(db):
    """``find_site`` reads the sites in SQL of its own; for every kind of
    host Wagtail's rules know, it answers with Wagtail's site and root."""
    from django.test import RequestFactory
    from wagtail.models import Site

    from govopen_wagtail.services.site_routing import find_site
    from tests.factories import make_site

    def fields(obj):
        return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields} if obj else None

    hosts = ["bureau.example", "bureau.example:8000", "BUREAU.example", "school.example", "school.example:8080",
             "school.example:9999", "kindergarten.example", "kindergarten.example:81", "unknown.example",
             "unknown.example:8080"]
    factory = RequestFactory()

    def compare():
        for host in hosts:
            hostname, _, port = host.partition(":")
            extra = {"HTTP_HOST": host, "SERVER_PORT": port or "80"}
            wagtails = Site._find_for_request(factory.get("/a/", **extra))
            request = factory.get("/a/", **extra)
            ours = find_site(request)
            assert fields(ours) == fields(wagtails), host
            if ours is not None:
                assert fields(ours.root_page) == fields(wagtails.root_page), host
                assert type(ours.root_page) is type(wagtails.root_page)
                assert not ours._state.adding and not ours.root_page._state.adding
            assert request._wagtail_site is ours and find_site(request) is ours

    Site.objects.all().delete()
    make_site("bureau.example")  # the default
    make_site("school.example", default=False)
    make_site("school.example", 8080, default=False)
    make_site("kindergarten.example", 8000, default=False)
    compare()
    # No default site: a host that is nobody's, or one with two ports and
    # neither asked for, finds no site.
    Site.objects.filter(is_default_site=True).update(is_default_site=False)
    compare()
    assert find_site(factory.get("/", HTTP_HOST="unknown.example")) is None
    # The default site's own host, on another port.
    Site.objects.filter(hostname="school.example", port=80).update(is_default_site=True)
    compare()


def test_addresses_another_apps_page_answers_itself_are_left_to_wagtail_at_wagtails_cost(client, platform, settings):
    from django.test import Client

    from tests.testapp.models import ArchivePage

    archive = platform.site.root_page.add_child(instance=ArchivePage(title="归档", slug="archive"))

    def get(client, url):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        return response.status_code, response.content.decode(), ctx.captured_queries

    first = get(client, "/archive/2024/")
    assert first[:2] == (200, f"archive {archive.pk} 2024")
    # Known now (in this process): the archive answers every address below
    # it, so another year is Wagtail's at once, at Wagtail's cost: no routing
    # rows looked for, no query of the stamp's own (it comes with the site).
    routed = {url: get(client, url) for url in ("/archive/2024/", "/archive/2025/", "/archive/")}
    assert not any(q["sql"].startswith("SELECT (SELECT MAX(") for url in ("/archive/2024/", "/archive/2025/")
                   for q in routed[url][2])
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != ROUTING]
    plain = Client()
    for url, (status, body, queries) in routed.items():
        wagtails = get(plain, url)
        assert (status, body) == wagtails[:2], url
        if url != "/archive/":  # the page's own address was not known to be another app's yet
            assert len(queries) == len(wagtails[2]), url
    assert routed["/archive/2025/"][:2] == (200, f"archive {archive.pk} 2025")


def test_a_routed_page_is_read_as_wagtail_reads_it(platform):
    from django.core.exceptions import ObjectDoesNotExist

    from govopen_wagtail.models import ConsultationPage, NormativeDocumentPage
    from govopen_wagtail.services import compiled_reads
    from tests.factories import make_consultation, make_consultation_index

    consultation = make_consultation(make_consultation_index(platform.index), title="课后服务方案（征求意见稿）",
                                     sections=("第一条", "第二条"))
    document = make_document(make_library(platform.index), "泉教〔2026〕7号", written=dt.date(2026, 3, 2))
    item = publish(platform.index, DisclosureItemPage(title="一条信息", slug="one"))
    for page in (consultation, document, item, platform.index):
        model = type(page)
        expected = model.objects.get(pk=page.pk)
        got = compiled_reads.get_by_pk(model, page.pk)
        assert type(got) is model and got._state.db == expected._state.db and not got._state.adding
        for field in model._meta.concrete_fields:
            mine, theirs = field.value_from_object(got), field.value_from_object(expected)
            if hasattr(field, "stream_block"):
                mine, theirs = field.get_prep_value(mine), field.get_prep_value(theirs)
            assert mine == theirs and type(mine) is type(theirs), (model.__name__, field.name)
        assert compiled_reads.get_by_pk(model, page.pk).pk == page.pk  # the statement is run again
        # Wagtail's ``specific``: the base page's other attributes carried over, kept once read.
        base = Page.objects.get(pk=page.pk)
        base._cached_parent_obj = "parent"
        specific = compiled_reads.specific(base)
        assert type(specific) is model and specific._cached_parent_obj == "parent"
        assert base.specific is specific and compiled_reads.specific(base) is specific
        assert compiled_reads.specific(specific) is specific  # already specific: itself
    assert isinstance(compiled_reads.get_by_pk(ConsultationPage, consultation.pk).draft[0].value["heading"], str)
    with pytest.raises(NormativeDocumentPage.DoesNotExist):
        compiled_reads.get_by_pk(NormativeDocumentPage, consultation.pk)  # another type's page
    with pytest.raises(ObjectDoesNotExist):
        compiled_reads.get_by_pk(DisclosureItemPage, 10**9)


def test_a_page_on_the_requests_own_site_has_wagtails_address(platform):
    """``get_url`` of a govopen page below the root of the site a request was
    routed on is found from that site's row, and is Wagtail's answer, for
    every site a page is below (nested roots included) and every host."""
    from django.test import RequestFactory
    from wagtail.models import Site

    from govopen_wagtail.services.site_routing import find_site
    from tests.factories import make_platform, make_site

    school = make_site("school.example", default=False)
    school_item = publish(make_platform(school).index, DisclosureItemPage(title="学校的", slug="item"))
    # A site whose root is the bureau's platform: its pages are below two roots.
    nested = Site.objects.create(hostname="gk.example", port=80, root_page=platform.index, is_default_site=False)
    leaf = publish(platform.active, DisclosureItemPage(title="叶", slug="leaf"))
    pages = [leaf, platform.index, platform.guide, school_item]
    factory = RequestFactory()
    seen = set()
    for host in ("localhost", "school.example", "gk.example", "unknown.example"):
        request = factory.get("/", HTTP_HOST=host)
        site = find_site(request)
        for page in pages:
            page = page.specific
            ours = page.get_url(request)
            wagtails = Page.get_url(page, request=factory.get("/", HTTP_HOST=host))
            assert ours == wagtails, (host, page.title)
            seen.add(ours.startswith("/"))
            # Another current site than the request's: Wagtail's answer.
            assert page.get_url(request, current_site=school) == Page.get_url(
                page, request=factory.get("/", HTTP_HOST=host), current_site=school)
        assert site is not None
    assert seen == {True, False}  # relative on its own site, absolute on another
    # A request no site was found for yet: Wagtail's answer, as Wagtail finds it.
    ours = leaf.specific.get_url(factory.get("/", HTTP_HOST="gk.example"))
    assert ours == Page.get_url(leaf.specific, request=factory.get("/", HTTP_HOST="gk.example"))
    assert ours == f"/{platform.active.slug}/leaf/"
    assert nested.root_page_id == platform.index.pk


def test_a_consultation_and_its_comment_ask_for_no_sites_root_paths(client, platform, monkeypatch):
    """Wagtail's every-site root paths (a shared-cache round trip on each
    request that asks) are not needed for the page's own address."""
    from wagtail.models import Site

    from tests.comment_helpers import post_comment
    from tests.factories import make_consultation, make_consultation_index, make_message_page

    consultation = make_consultation(make_consultation_index(platform.index), title="方案（征求意见稿）")
    board = make_message_page(platform.index)  # every page links to it ("report an error")
    url, board_url = consultation.url, board.url
    post_comment(client, consultation)  # warm
    asked = []
    original = Site.get_site_root_paths

    def counting():
        asked.append(1)
        return original()

    monkeypatch.setattr(Site, "get_site_root_paths", staticmethod(counting))
    response = post_comment(client, consultation, body="建议把第一条的时间提前到早上八点。")
    assert response.status_code in (302, 303)
    assert response["Location"].startswith(url + "comment/") or response["Location"].startswith(url)
    assert client.get(response["Location"]).status_code == 200
    html = client.get(url).content.decode()
    assert f'href="{board_url}?about={consultation.pk}#write"' in html
    assert asked == []


def test_a_routed_pages_row_is_kept_under_the_stamp_with_objects_of_each_requests_own(client, platform):
    """The routed page's own row is read once per state of the content (the
    change stamp) in a process; a new revision is shown at once, and no
    request gets another's objects."""
    from govopen_wagtail.models import ConsultationPage
    from govopen_wagtail.services import compiled_reads, library_cache
    from tests.factories import make_consultation, make_consultation_index

    consultation = make_consultation(make_consultation_index(platform.index), title="课后服务方案（征求意见稿）",
                                     sections=("第一条", "第二条"))
    table = ConsultationPage._meta.db_table

    def row_reads(url, method="get") -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            response = getattr(client, method)(url)
        reads = [q for q in ctx.captured_queries if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
                 and f'"{table}"."page_ptr_id" =' in q["sql"]]
        return len(reads), response.content.decode()

    assert row_reads(consultation.url)[0] == 1
    count, html = row_reads(consultation.url)
    assert count == 0 and "课后服务方案（征求意见稿）" in html
    # A new revision published: the stamp changes, the row is read afresh.
    page = ConsultationPage.objects.get(pk=consultation.pk)
    page.title = "课后服务方案（修改后的征求意见稿）"
    page.save_revision().publish()
    count, html = row_reads(consultation.url)
    assert count == 1 and "课后服务方案（修改后的征求意见稿）" in html
    # Each reader its own objects, the stream's values too.
    stamp = library_cache.stamp()
    first = compiled_reads.get_by_pk(ConsultationPage, consultation.pk, stamp=stamp)
    second = compiled_reads.get_by_pk(ConsultationPage, consultation.pk, stamp=stamp)
    assert first is not second and first.title == second.title == page.title
    first.title = "改了"
    first.draft[0].value["heading"] = "改了"
    third = compiled_reads.get_by_pk(ConsultationPage, consultation.pk, stamp=stamp)
    assert third.title == page.title and third.draft[0].value["heading"] == "第一条"
    # Nothing kept when local copies are off.
    library_cache.local_copies.clear()
    from django.test import override_settings

    with override_settings(GOVOPEN_LOCAL_CACHE_SECONDS=0):
        assert row_reads(consultation.url)[0] == 1
        assert row_reads(consultation.url)[0] == 1
