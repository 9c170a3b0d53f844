"""Models of govopen_wagtail, split by domain and re-exported here."""

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
from .notifications import Notification
from .registry import information_models
from .search import DisclosureSearchPage, SearchEntry

__all__ = [
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
    "OrganisationProfile",
    "column_labels",
    "information_models",
]
