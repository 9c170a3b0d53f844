"""Which page types count as disclosure information (have index numbers)."""

from wagtail.models import get_page_models

from .mixins import IndexNumberMixin


def information_models() -> list[type]:
    return [m for m in get_page_models() if issubclass(m, IndexNumberMixin)]
