"""Groups for a bureau's or a school's own staff, confined to its site.

``create_site_groups(site)`` makes (or brings up to date) three groups:

* **editors** (编辑): page permissions on the site's tree, the catalog and
  validity-ledger tools, the site's own document collection, and the site's
  organisation profile (a per-site grant);
* **moderators** (意见审核): the consultation comment queue, dispositions and
  notification e-mails, for this site only (a per-site grant makes the site
  theirs; they edit no pages).

* **application handlers** (依申请公开): the applications of this site, their
  letters and files, the letter templates and the list of documents
  available on application (applications are private: editors and
  moderators do not see them unless they are handlers too).

None sees anything of other sites' staff data: see :mod:`govopen_wagtail.permissions`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _

MODERATOR_MODEL_PERMISSIONS = (
    "wagtailadmin.access_admin",
    "govopen_wagtail.add_consultationcomment",
    "govopen_wagtail.change_consultationcomment",
    "govopen_wagtail.view_consultationcomment",
    "govopen_wagtail.change_commentgroup",
    "govopen_wagtail.view_commentgroup",
    "govopen_wagtail.view_notification",
)
#: Public messages are answered by editors (in a school, the teacher who runs
#: the site) and by the office's handlers of applications (in a bureau).
MESSAGE_MODEL_PERMISSIONS = (
    "govopen_wagtail.view_publicmessage",
    "govopen_wagtail.change_publicmessage",
    "govopen_wagtail.add_officeunit",
    "govopen_wagtail.change_officeunit",
    "govopen_wagtail.view_officeunit",
    "govopen_wagtail.add_plantask",
    "govopen_wagtail.change_plantask",
    "govopen_wagtail.view_plantask",
    "govopen_wagtail.add_taskprogress",
    "govopen_wagtail.change_taskprogress",
    "govopen_wagtail.view_taskprogress",
)
#: Editors moderate too (in a school one teacher often does everything).
EDITOR_MODEL_PERMISSIONS = MODERATOR_MODEL_PERMISSIONS + (
    "govopen_wagtail.add_catalogcategory",
    "govopen_wagtail.change_catalogcategory",
    "govopen_wagtail.view_catalogcategory",
    "govopen_wagtail.add_validityevent",
    "govopen_wagtail.view_validityevent",
    "govopen_wagtail.view_indexnumberrecord",
    "govopen_wagtail.view_privacyfinding",
    "govopen_wagtail.change_privacyfinding",
    "govopen_wagtail.add_publicconcern",
    "govopen_wagtail.change_publicconcern",
    "govopen_wagtail.view_publicconcern",
) + MESSAGE_MODEL_PERMISSIONS
HANDLER_MODEL_PERMISSIONS = MESSAGE_MODEL_PERMISSIONS + (
    "wagtailadmin.access_admin",
    "govopen_wagtail.add_informationapplication",
    "govopen_wagtail.change_informationapplication",
    "govopen_wagtail.view_informationapplication",
    "govopen_wagtail.add_lettertemplate",
    "govopen_wagtail.change_lettertemplate",
    "govopen_wagtail.view_lettertemplate",
    "govopen_wagtail.add_requestabledocument",
    "govopen_wagtail.change_requestabledocument",
    "govopen_wagtail.delete_requestabledocument",
    "govopen_wagtail.view_requestabledocument",
)
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
DOCUMENT_PERMISSIONS = ("add_document", "change_document", "choose_document")


@dataclass(frozen=True)
class SiteGroups:
    editors: Group
    moderators: Group
    handlers: Group


def _permissions(names) -> list[Permission]:
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def site_label(site) -> str:
    from ..models import OrganisationProfile

    profile = OrganisationProfile.objects.filter(site=site).first()
    return (profile.name if profile and profile.name else "") or site.site_name or site.hostname


@transaction.atomic
def create_site_groups(site) -> SiteGroups:
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, GroupSitePermission

    label = site_label(site)
    editors, _created = Group.objects.get_or_create(name=_("%(site)s editors") % {"site": label})
    moderators, _created = Group.objects.get_or_create(name=_("%(site)s moderators") % {"site": label})
    editors.permissions.add(*_permissions(EDITOR_MODEL_PERMISSIONS))
    moderators.permissions.add(*_permissions(MODERATOR_MODEL_PERMISSIONS))
    handlers, _created = Group.objects.get_or_create(
        name=_("%(site)s application handlers") % {"site": label})
    handlers.permissions.add(*_permissions(HANDLER_MODEL_PERMISSIONS))

    for codename in PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=editors, page=site.root_page, permission=permission)

    profile_change = Permission.objects.get(content_type__app_label="govopen_wagtail",
                                            codename="change_organisationprofile")
    profile_view = Permission.objects.get(content_type__app_label="govopen_wagtail",
                                          codename="view_organisationprofile")
    GroupSitePermission.objects.get_or_create(group=editors, site=site, permission=profile_change)
    GroupSitePermission.objects.get_or_create(group=moderators, site=site, permission=profile_view)
    GroupSitePermission.objects.get_or_create(group=handlers, site=site, permission=profile_view)

    # The site's own document collection: its files are not offered to others.
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=label).first() or root.add_child(name=label)
    for codename in DOCUMENT_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtaildocs", codename=codename)
        GroupCollectionPermission.objects.get_or_create(group=editors, collection=collection, permission=permission)
    return SiteGroups(editors=editors, moderators=moderators, handlers=handlers)
