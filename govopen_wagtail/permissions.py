"""Which site's records a staff user may see and change: the one place that decides.

A bureau and its schools share one install, one Wagtail ``Site`` each. Staff are
confined by the Wagtail page permissions they already have:

* a record that belongs to a page (a comment through its consultation, a
  validity event through its document, a catalog entry through its catalog) is
  in a user's scope when the user holds a page permission (add, change or
  publish) on that page or one of its ancestors;
* a record that belongs to a whole site (the organisation profile, the
  index-number ledger) is in scope when the user holds one on the site's root
  page or above it;
* a group that holds any *site* permission (Wagtail's ``GroupSitePermission``,
  the "Site permissions" panel of a group) works on that whole site: this is
  how a moderators' group, without page permissions, gets its site.

A model says how it belongs through a class attribute: ``govopen_scope_page``
(the name of its page foreign key, ``""`` for a page itself) or
``govopen_scope_site`` (the name of its site foreign key). Superusers see every
site. Model permissions (``change_consultationcomment`` …) are still required
on top: the scope says *where*, the model permission *what*.

Admin views, choosers, exports, reports, dashboard panels and tasks call
:func:`scope_for` (or the helpers below it) and never filter by site on their
own. Cross-site links between pages (a repeal, an interpretation, a catalog
filing) are refused by :func:`same_site`.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet
from .restrictions import private_q

#: Page permissions that put a page's records in a user's scope.
PAGE_ACTIONS = ("add", "change", "publish")
_CACHE_ATTR = "_govopen_scope"


@dataclass(frozen=True)
class Scope:
    """The page paths a user acts under (``everything`` for superusers)."""

    everything: bool = False
    paths: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.everything and not self.paths

    def covers_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.paths)

    def page_q(self, prefix: str = "") -> Q:
        """A filter on pages (``prefix`` leads to a page: ``"consultation__"``)."""
        if self.everything:
            return Q()
        if not self.paths:
            return Q(pk__in=[])
        return functools.reduce(operator.or_, (Q(**{f"{prefix}path__startswith": p}) for p in self.paths))

    def site_q(self, prefix: str = "") -> Q:
        """A filter on sites: the site's root page lies at or below a path."""
        return self.page_q(prefix + "root_page__")


def scope_for(user) -> Scope:
    """The user's scope, computed once per user object (so once per request)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    try:
        setattr(user, _CACHE_ATTR, scope)
    except AttributeError:  # AnonymousUser-like objects without a __dict__
        pass
    return scope


def _compute_scope(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True)
    from wagtail.models import GroupPagePermission, GroupSitePermission

    regex = r"^(%s)_" % "|".join(PAGE_ACTIONS)
    page_paths = GroupPagePermission.objects.filter(
        group__user=user, permission__codename__regex=regex
    ).values_list("page__path", flat=True)
    # A group granted anything for a site (the "Site permissions" panel of a
    # group, e.g. a moderators' group) works on that whole site.
    site_paths = GroupSitePermission.objects.filter(group__user=user).values_list(
        "site__root_page__path", flat=True
    )
    paths = sorted(set(page_paths) | set(site_paths))
    # A path under another one adds nothing: keep the filters short.
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return Scope(paths=tuple(kept))


def forget(user) -> None:
    """Drop a cached scope (after changing a user's groups in the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


# Records --------------------------------------------------------------------


def _scope_q(model: type[Model], scope: Scope) -> Q:
    page_field = getattr(model, "govopen_scope_page", None)
    if page_field is not None:
        return scope.page_q(f"{page_field}__" if page_field else "")
    site_field = getattr(model, "govopen_scope_site", None)
    if site_field is not None:
        return scope.site_q(f"{site_field}__")
    raise TypeError(f"{model.__name__} declares neither govopen_scope_page nor govopen_scope_site")


def filter_for_user(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` narrowed to the records of the user's sites."""
    scope = scope_for(user)
    if scope.everything:
        return queryset
    return queryset.filter(_scope_q(queryset.model, scope))


def user_can_act_on(user, obj: Model) -> bool:
    """May ``user`` act on ``obj`` at all (model permissions aside)?"""
    scope = scope_for(user)
    if scope.everything:
        return True
    if scope.empty or obj.pk is None:
        return False
    return type(obj)._default_manager.filter(pk=obj.pk).filter(_scope_q(type(obj), scope)).exists()


def pages_for_user(queryset: QuerySet, user) -> QuerySet:
    """Pages (any page queryset) narrowed to the user's scope."""
    scope = scope_for(user)
    return queryset if scope.everything else queryset.filter(scope.page_q())


def sites_for_user(user) -> QuerySet:
    from wagtail.models import Site

    scope = scope_for(user)
    return Site.objects.all() if scope.everything else Site.objects.filter(scope.site_q())


def user_can_act_on_site(user, site) -> bool:
    scope = scope_for(user)
    return scope.everything or (site is not None and scope.covers_path(site.root_page.path))


# Sites of pages ---------------------------------------------------------------


def site_root_path(path: str) -> str | None:
    """The root path of the site a page path belongs to (the deepest match)."""
    from wagtail.models import Site

    roots = Site.objects.values_list("root_page__path", flat=True)
    matches = [root for root in roots if path.startswith(root)]
    return max(matches, key=len) if matches else None


def same_site(path_a: str, path_b: str) -> bool:
    """Do two page paths belong to the same site? (Pages outside every site
    belong together only with each other.)"""
    return site_root_path(path_a) == site_root_path(path_b)


def pages_of_site_q(path: str, prefix: str = "") -> Q:
    """A filter for pages of the site that ``path`` belongs to."""
    from wagtail.models import Site

    roots = list(Site.objects.values_list("root_page__path", flat=True))
    root = site_root_path(path)
    if root is None:
        return Q(pk__in=[])
    q = Q(**{f"{prefix}path__startswith": root})
    # A site whose root lies inside this one's tree is another site.
    for other in roots:
        if other != root and other.startswith(root):
            q &= ~Q(**{f"{prefix}path__startswith": other})
    return q


# Site settings ------------------------------------------------------------------


def site_setting_policy(model):
    """Permission policy for a per-site setting (the organisation profile).

    Wagtail grants a setting either for one site (``GroupSitePermission``,
    the "Site permissions" panel of a group) or, through the plain model
    permission, for every site. The second would let a school edit the
    bureau's profile: here a plain model permission counts only for the sites
    in the user's scope; per-site grants work as in Wagtail.
    """
    from wagtail.models import Site
    from wagtail.permission_policies.sites import SitePermissionPolicy

    class ScopedSitePermissionPolicy(SitePermissionPolicy):
        def _granted_sites(self, user, actions):
            return Site.objects.filter(
                group_permissions__permission__in=self._get_permission_objects_for_actions(actions),
                group_permissions__group__in=user.groups.all(),
            )

        def sites_user_has_any_permission_for(self, user, actions):
            sites = super().sites_user_has_any_permission_for(user, actions)
            if user.is_active and not user.is_superuser and self._user_has_global_permission(user, actions):
                granted = self._granted_sites(user, actions).values("pk")
                sites = Site.objects.filter(Q(pk__in=granted) | scope_for(user).site_q())
            return sites

        def user_has_any_permission_for_instance(self, user, actions, instance):
            if not super().user_has_any_permission_for_instance(user, actions, instance):
                return False
            if user.is_superuser or not self._user_has_global_permission(user, actions):
                return True
            site = instance if isinstance(instance, Site) else getattr(instance, self.site_field_name)
            return (
                self._granted_sites(user, actions).filter(pk=site.pk).exists()
                or user_can_act_on_site(user, site)
            )

    return ScopedSitePermissionPolicy(model)


def chooser_pages(pages: QuerySet, user) -> QuerySet:
    """What a page chooser offers: the user's own pages (drafts included) and,
    of other sites, only what the public can see anyway."""
    scope = scope_for(user)
    if scope.everything:
        return pages
    from wagtail.models import Page

    public = Page.objects.live().exclude(private_q()).values("pk")
    return pages.filter(scope.page_q() | Q(pk__in=public) | Q(depth=1))
