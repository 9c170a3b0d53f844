"""Base form of the plugin's page types: links between pages stay inside one site.

A school's document cannot repeal a bureau's, a school's interpretation cannot
explain a bureau's document, and a school's item cannot be filed in the
bureau's catalog: the editor is told so on the field, and choice lists
(catalog entries …) only offer the page's own site.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from .. import permissions

CROSS_SITE_MESSAGE = _(
    "“%(title)s” belongs to another website of this installation. Pages can only link "
    "to pages of their own website here."
)


class SameSitePageForm(WagtailAdminPageForm):
    #: Page foreign keys of the page that must stay in its site.
    same_site_fields: tuple[str, ...] = ()
    #: The same for inline children: {formset name: (field, ...)}.
    same_site_child_fields: dict[str, tuple[str, ...]] = {}
    #: Foreign keys to site-bound records, offered from the page's site only:
    #: {field: lookup from the record to its page, e.g. "catalog__"}.
    site_choice_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        path = self._site_path()
        for name, prefix in self.site_choice_fields.items():
            field = self.fields.get(name)
            if field is not None and path:
                field.queryset = field.queryset.filter(permissions.pages_of_site_q(path, prefix))

    def _site_path(self) -> str | None:
        if self.instance.pk and self.instance.path:
            return self.instance.path
        parent = getattr(self, "parent_page", None)
        return parent.path if parent is not None else None

    def _check(self, form, name: str, path: str) -> None:
        target = form.cleaned_data.get(name)
        if target is not None and not permissions.same_site(target.path, path):
            form.add_error(name, CROSS_SITE_MESSAGE % {"title": target.title})

    def clean(self):
        cleaned = super().clean()
        path = self._site_path()
        if path is None:
            return cleaned
        for name in self.same_site_fields:
            if name in self.fields:
                self._check(self, name, path)
        for formset_name, names in self.same_site_child_fields.items():
            formset = self.formsets.get(formset_name)
            for child in getattr(formset, "forms", []):
                # Child forms are validated after the parent's clean(): do it now.
                child.is_valid()
                if not hasattr(child, "cleaned_data") or child.cleaned_data.get("DELETE"):
                    continue
                for name in names:
                    self._check(child, name, path)
        return cleaned
