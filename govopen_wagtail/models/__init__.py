"""Models of govopen_wagtail, split by domain and re-exported here."""

from .applications import (
    ApplicationCounter,
    ApplicationFile,
    ApplicationLetter,
    ApplicationNote,
    ApplicationPage,
    ApplicationPause,
    InformationApplication,
    LetterKind,
    LetterTemplate,
    RequestableDocument,
    RequestableListRelease,
)
from .calendar import HolidayOverride, HolidayYear
from .catalog import CatalogCategory, CatalogPage, DisclosureItemAttachment, DisclosureItemPage
from .consultations import (
    CommentGroup,
    ConsultationAttachment,
    ConsultationComment,
    ConsultationIndexPage,
    ConsultationPage,
    ConsultationState,
    ConsultationWindowRecord,
)
from .documents import (
    BINDING,
    DocumentAttachment,
    DocumentChangeNote,
    DocumentEffect,
    FileProblem,
    InterpretationPage,
    Issuer,
    NormativeDocumentIndexPage,
    NormativeDocumentPage,
    PublishedFile,
    SubjectCategory,
    Validity,
    ValidityEvent,
    ValidityState,
)
from .identifiers import IndexNumberCounter, IndexNumberRecord
from .mixins import GovopenPageMixin, IndexNumberMixin
from .platform import (
    DisclosureColumnPage,
    DisclosureGuidePage,
    DisclosureIndexPage,
    DisclosurePage,
    DisclosureRulesPage,
    OfficeContact,
    OrganisationProfile,
    column_labels,
)
from .messages import MessagePage, MessageRouting, OfficeUnit, PublicConcern, PublicMessage
from .notifications import Notification
from .oversight import OversightRecord
from .plans import PlanTask, PlanTaskSite, PlanTaskUnit, ProgressStatus, TaskProgress, WorkPlanPage
from .privacy import PrivacyFinding, PrivacyReviewRecord, PrivacyReviewTask, PrivacyScan
from .registry import information_models
from .reports import AnnualReportFile, AnnualReportOverride, AnnualReportPage
from .search import DisclosureSearchPage, SearchEntry

__all__ = [
    "AnnualReportFile",
    "AnnualReportOverride",
    "AnnualReportPage",
    "ApplicationCounter",
    "ApplicationFile",
    "ApplicationLetter",
    "ApplicationNote",
    "ApplicationPage",
    "ApplicationPause",
    "InformationApplication",
    "LetterKind",
    "LetterTemplate",
    "RequestableDocument",
    "RequestableListRelease",
    "DisclosureSearchPage",
    "SearchEntry",
    "CatalogCategory",
    "CatalogPage",
    "DisclosureItemAttachment",
    "CommentGroup",
    "ConsultationAttachment",
    "ConsultationComment",
    "ConsultationIndexPage",
    "ConsultationPage",
    "ConsultationState",
    "ConsultationWindowRecord",
    "BINDING",
    "DocumentAttachment",
    "DocumentChangeNote",
    "DocumentEffect",
    "FileProblem",
    "InterpretationPage",
    "Issuer",
    "NormativeDocumentIndexPage",
    "NormativeDocumentPage",
    "PublishedFile",
    "SubjectCategory",
    "Validity",
    "ValidityEvent",
    "ValidityState",
    "DisclosureColumnPage",
    "DisclosureGuidePage",
    "DisclosureIndexPage",
    "DisclosureItemPage",
    "DisclosurePage",
    "DisclosureRulesPage",
    "GovopenPageMixin",
    "HolidayOverride",
    "HolidayYear",
    "IndexNumberCounter",
    "IndexNumberMixin",
    "IndexNumberRecord",
    "Notification",
    "OfficeContact",
    "PrivacyFinding",
    "PublicConcern",
    "MessagePage",
    "MessageRouting",
    "OfficeUnit",
    "PublicMessage",
    "PlanTask",
    "PlanTaskUnit",
    "WorkPlanPage",
    "PlanTaskSite",
    "OversightRecord",
    "ProgressStatus",
    "TaskProgress",
    "PrivacyReviewRecord",
    "PrivacyReviewTask",
    "PrivacyScan",
    "OrganisationProfile",
    "column_labels",
    "information_models",
]



#: Records that point at pages but are not content: Wagtail's reference
#: index ("usage") would gain a row, and each save two queries, for every
#: comment, application, search row or history entry. Models that content
#: refers to (issuers, categories, files, templates) stay indexed.
RECORD_MODELS = (
    "ConsultationComment", "CommentGroup", "ConsultationWindowRecord", "InformationApplication",
    "ApplicationPause", "ApplicationNote", "ApplicationFile", "ApplicationLetter", "ApplicationCounter",
    "Notification", "SearchEntry", "IndexNumberRecord", "IndexNumberCounter", "ValidityEvent", "ValidityState",
    "FileProblem", "AnnualReportFile", "RequestableListRelease", "PrivacyFinding", "PrivacyScan", "PrivacyReviewRecord",
)


def _keep_records_out_of_the_reference_index() -> None:
    from django.apps import apps

    for model in apps.all_models["govopen_wagtail"].values():
        if model.__name__ in RECORD_MODELS or model.__name__.startswith("Historical"):
            model.wagtail_reference_index_ignore = True


_keep_records_out_of_the_reference_index()
