"""Abstract bases shared by the disclosure page types."""

from __future__ import annotations

from django.db import models, transaction
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from wagtail.models import Site

from ..conf import govopen_settings
from .identifiers import IndexNumberRecord


class GovopenPageMixin:
    """Gives every govopen template the base template it should extend."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["govopen_base_template"] = govopen_settings.BASE_TEMPLATE
        context["govopen_breadcrumbs"] = govopen_settings.BREADCRUMBS
        return context

    def route(self, request, path_components):
        """Wagtail's routing, in one query for the whole rest of the path.

        Wagtail looks each step of an address up on its own (two queries a
        level: the child, then its specific type); a document five levels
        below the platform cost ten. Here the pages along the rest of the path
        and the ancestors (for the view-restriction check) are read at once, by
        slug, and only the page that answers is made specific. A page on the
        way that routes for itself (a routable page, a site's own ``route``) is
        handed the rest of the path as Wagtail would.
        """
        if not path_components:
            return super().route(request, path_components)
        return fast_route(self, request, path_components)

    def get_view_restrictions(self):
        # Asked by Wagtail's check, then by the HTTP cache headers: a page
        # routed for this request keeps the answer (a page object that lives
        # longer, as in indexing, asks again). When no restricted page is this
        # page or above it (the restricted pages are known from the stamp's
        # cache, read once a request), there is nothing to read at all.
        restrictions = getattr(self, "_govopen_restrictions", None)
        if restrictions is not None:
            return restrictions
        from wagtail.models import PageViewRestriction

        from ..restrictions import restricted_pages

        # A page routed for a POST checks against the stamp its routing read.
        restricted = restricted_pages(getattr(self, "_govopen_stamp", None))
        chain = getattr(self, "_govopen_ancestor_ids", None)
        if not restricted or (chain is not None and not self.alias_of_id
                              and not restricted.keys() & {*chain, self.pk}):
            # An alias takes its source's restrictions (Wagtail): an alias
            # above this page is in the routing chain as its source's id.
            restrictions = PageViewRestriction.objects.none()
        elif chain is None or self.alias_of_id:
            restrictions = super().get_view_restrictions()
        else:
            restrictions = PageViewRestriction.objects.filter(page_id__in={*chain, self.pk})
        if chain is not None:
            self._govopen_restrictions = restrictions
        return restrictions

    def get_url(self, request=None, current_site=None):
        # Wagtail's answer needs every site's root path (a shared-cache round
        # trip on each request that asks first: a consultation's GET and its
        # comment's redirect did). A page below the root of the site the
        # request was routed on has that site's relative address, which the
        # site row already read for the request gives (see same_site_url).
        url = same_site_url(self, request, current_site)
        return url if url is not None else super().get_url(request=request, current_site=current_site)

    def absolute_url(self, request=None) -> str:
        """The page's address as the visitor reached the site (host and scheme
        of the request), not the Site record's hostname, which is often
        ``localhost`` or the default site catching every host."""
        if request is None:
            return self.get_full_url() or ""
        url = self.get_url(request)
        return request.build_absolute_uri(url) if url else ""


class IndexNumberMixin(models.Model):
    """A page that is a piece of government information and so has a 索引号.

    The number is assigned the first time the page goes live, inside the same
    transaction as the publish, and then never changes: publishing an older
    revision keeps it, copying a page does not copy it, and deleting the page
    leaves the number taken in the ledger (:class:`IndexNumberRecord`).
    """

    index_number = models.CharField(
        _("index number"),
        max_length=100,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("Assigned automatically when the page is first published."),
    )

    exclude_fields_in_copy = ["index_number"]

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not (self.live and not self.index_number and not self.alias_of_id):
            return super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "index_number"}
        with transaction.atomic():
            record = self._allocate_index_number()
            if record is not None:
                self.index_number = record.number
            result = super().save(*args, **kwargs)
            if record is not None:
                IndexNumberRecord.objects.filter(pk=record.pk).update(page_id=self.pk)
        return result

    def _allocate_index_number(self) -> IndexNumberRecord | None:
        site = self.get_site() if self.url_path else None
        if site is None:
            site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            # Not reachable from any site: nothing public to number yet.
            return None
        year = timezone.localtime(self.first_published_at or timezone.now()).year
        return IndexNumberRecord.allocate(site=site, year=year, title=self.title)

    def metadata_rows(self) -> list[tuple[str, str]]:
        """(label, value) pairs shown in the page's metadata table."""
        return [(gettext("Index number"), self.index_number)] if self.index_number else []

    def with_content_json(self, content):
        # Revisions saved before the first publish carry an empty number;
        # the number belongs to the page, not to a revision.
        obj = super().with_content_json(content)
        obj.index_number = self.index_number
        return obj


class AttachmentBase(Orderable):
    """A file attached to a page (add ``page = ParentalKey(...)``)."""

    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("file"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        abstract = True


def same_site_url(page, request, current_site=None) -> str | None:
    """``page.get_url(request)`` as Wagtail gives it for a page below the
    root of the request's own site: the relative address, found from the
    site row read for the request (with its root page, by the routing or
    ``find_site``), without every site's root paths. ``None`` where Wagtail
    must answer: no such row on the request, another ``current_site``, a
    translated site (its language decides the address), a page type with
    its own ``get_url_parts``, or a page outside that site's root.

    Wagtail prefers the request's site for a page below several site roots,
    and gives the address relative to that site's root, so the answer is
    the same."""
    from django.conf import settings
    from django.urls import NoReverseMatch, reverse
    from wagtail.models import Page

    if request is None or getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return None
    site = getattr(request, "_wagtail_site", None)
    if site is None or (current_site is not None and current_site.pk != site.pk):
        return None
    # Only a root page already read with the site (no query for it here).
    root = type(site)._meta.get_field("root_page").get_cached_value(site, None)
    url_path = page.url_path
    if root is None or not url_path or not root.url_path or not url_path.startswith(root.url_path):
        return None
    if type(page).get_url_parts is not Page.get_url_parts:
        return None
    try:
        path = reverse("wagtail_serve", args=(url_path[len(root.url_path):],))
    except NoReverseMatch:
        return None
    if not getattr(settings, "WAGTAIL_APPEND_SLASH", True) and path != "/":
        path = path.rstrip("/")
    return path


def _routes_itself(cls, remaining: list[str]) -> bool:
    """Whether a page of type ``cls`` must answer ``remaining`` itself
    rather than pass it to its children."""
    from django.http import Http404
    from wagtail.contrib.routable_page.models import RoutablePageMixin
    from wagtail.models import Page

    route = getattr(cls, "route", None)
    if route is Page.route or route is GovopenPageMixin.route:
        return False
    if route is RoutablePageMixin.route:
        # A routable page's own addresses are its class's: an address none
        # of them takes goes on to its children, as Wagtail would pass it,
        # and the page's own fields are never read (a library on the way to
        # a document cost a query).
        try:
            cls.get_resolver().resolve("/" + "/".join(remaining) + "/")
        except Http404:
            return False
    return True


def route_key(base, parent, components, current_stamp: tuple | None = None) -> str:
    from ..services import library_cache

    return library_cache.key(None, "route", base._meta.label_lower, parent.pk, parent.path, *components,
                             current_stamp=current_stamp)


def _route_rows(base, parent, components: list[str], wanted: list[str], read,
                read_stamp: tuple | None = None) -> tuple[list, tuple | None]:
    """``read()``: the pages along an address and above it, kept under the
    change stamp (publishing, unpublishing, moving, renaming or deleting a
    page changes it), so a page's routing reads nothing; only addresses that
    lead to a page, or to a route one step below a page whose class answers
    that step itself, are kept, so made-up addresses cannot fill the cache.

    Also returns the stamp read for an unsafe request (a POST reads it
    afresh, outside the once-a-request memo), for the view-restriction check
    to use the same reading; ``None`` in a GET. ``read_stamp``: a stamp the
    caller has just read (with the site)."""
    from ..services import library_cache

    if library_cache.memo_active():
        current_stamp = None
    else:
        current_stamp = read_stamp if read_stamp is not None else library_cache.stamp()
    key = route_key(base, parent, components, current_stamp)
    rows = library_cache.fetch(key)
    if rows is None:
        rows = read()
        by_url = {row.url_path: row for row in rows}
        matched = next((i for i, url_path in enumerate(wanted) if url_path not in by_url), len(wanted))
        last = by_url[wanted[matched - 1]].specific_class if matched else None
        if matched == len(wanted) or (
            last is not None and matched == len(wanted) - 1 and _routes_itself(last, components[matched:])
        ):
            library_cache.store(key, rows, library_cache.TIMEOUT)
    return rows, current_stamp


def _pages_along(base, parent, components: list[str], *, with_ancestors: bool = False) -> list:
    """The pages an address could pass through below ``parent`` (each
    component's slug at its own depth, in one query), and with
    ``with_ancestors`` ``parent`` and its ancestors (for the view-restriction
    check) in the same query."""
    from django.db.models import Q

    rows = Q(slug__in=set(components), depth__gt=parent.depth, depth__lte=parent.depth + len(components),
             path__startswith=parent.path)
    if with_ancestors:
        steplen = base.steplen
        rows |= Q(path__in=[parent.path[:k] for k in range(steplen, len(parent.path) + 1, steplen)])
    return list(base.objects.filter(rows))


def fast_route(parent, request, path_components):
    """Route ``path_components`` below ``parent`` (see ``GovopenPageMixin.route``)."""
    from django.http import Http404
    from wagtail.models import Page

    from ..services import compiled_reads, library_cache

    base = getattr(type(parent), "base_page_model", None) or Page
    components = list(path_components)
    wanted = [parent.url_path + "/".join(components[: i + 1]) + "/" for i in range(len(components))]
    known = getattr(parent, "_govopen_ancestor_ids", None)
    handed = getattr(parent, "_govopen_handed", None)
    current_stamp = getattr(parent, "_govopen_stamp", None)
    if handed is not None and known is not None and handed[0] == tuple(components):
        # A routable page handing on the rest of the address it was given:
        # those pages were read with it.
        rows = handed[1]
        ancestors = [*known, parent.alias_of_id or parent.pk]
    elif known is None:
        rows, current_stamp = _route_rows(base, parent, components, wanted,
                                          lambda: _pages_along(base, parent, components, with_ancestors=True))
        ancestors = [row.alias_of_id or row.pk for row in rows if row.depth <= parent.depth]
    else:
        # Routed here in one query already (a routable page handing on the rest).
        rows = _pages_along(base, parent, components)
        ancestors = [*known, parent.alias_of_id or parent.pk]
    by_url = {row.url_path: row for row in rows if row.depth > parent.depth}
    current = parent
    for i, url_path in enumerate(wanted):
        child = by_url.get(url_path)
        if child is None or child.depth != current.depth + 1 or not child.path.startswith(current.path):
            raise Http404
        child._cached_parent_obj = current
        remaining = components[i + 1:]
        cls = child.specific_class
        if remaining and cls is not None and not _routes_itself(cls, remaining):
            ancestors.append(child.alias_of_id or child.pk)
            current = child
            continue
        # Its row is kept under the stamp this request routed with.
        page = compiled_reads.specific(
            child, stamp=current_stamp if current_stamp is not None else library_cache.memo_stamp())
        page._cached_parent_obj = current
        page._govopen_ancestor_ids = ancestors
        if current_stamp is not None:
            page._govopen_stamp = current_stamp
        if remaining:
            page._govopen_handed = (tuple(remaining), rows)
        return page.route(request, remaining)
    raise Http404  # not reached: the last component always answers above
