"""Admin pieces; ``wagtail_hooks`` registers them."""

from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.options import ModelAdminGroup

from .applications import ApplicationAdmin, LetterTemplateAdmin, RequestableDocumentAdmin
from .catalog import CatalogCategoryAdmin
from .consultations import CommentGroupAdmin, ConsultationCommentAdmin
from .documents import IssuerAdmin, SubjectCategoryAdmin, ValidityEventAdmin
from .holidays import HolidayOverrideAdmin, HolidayYearAdmin, IndexNumberRecordAdmin
from .messages import OfficeUnitAdmin, PublicConcernAdmin, PublicMessageAdmin
from .notifications import NotificationAdmin


class GovopenAdminGroup(ModelAdminGroup):
    menu_label = _("Disclosure")
    menu_icon = "folder-open-inverse"
    menu_order = 250
    items = (
        ApplicationAdmin,
        PublicMessageAdmin,
        PublicConcernAdmin,
        OfficeUnitAdmin,
        RequestableDocumentAdmin,
        LetterTemplateAdmin,
        CatalogCategoryAdmin,
        ConsultationCommentAdmin,
        CommentGroupAdmin,
        NotificationAdmin,
        ValidityEventAdmin,
        IssuerAdmin,
        SubjectCategoryAdmin,
        HolidayOverrideAdmin,
        HolidayYearAdmin,
        IndexNumberRecordAdmin,
    )

    def get_submenu_items(self):
        from django.urls import reverse
        from wagtail.admin.menu import MenuItem

        class PermittedItem(MenuItem):
            def is_shown(self, request):
                return request.user.has_perm("govopen_wagtail.view_plantask")

        items = super().get_submenu_items()
        items.insert(3, PermittedItem(_("Work plans"), reverse("govopen_plans"), name="govopen-plans",
                                      icon_name="list-ol", order=4))
        return items
