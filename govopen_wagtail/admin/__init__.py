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
