"""The public application form (条例 art. 29) and the status lookup.

Every check happens on the server; each bad input gets its own translated
message next to its field, and nothing is saved until everything is right.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from . import docnumber, textcheck
from .conf import govopen_settings
from .forms import captcha_field, contact_phone_validator, new_token, read_token
from .identifiers import CreditCodeError, IdNumberError, validate_credit_code, validate_id_card
from .models.applications import InformationApplication as App
from .params import parse_id

DESCRIPTION_MAX_CHARS = 2000
ORGANISATION_TYPES = {t for t in App.ApplicantType.values if t != App.ApplicantType.NATURAL}


class ApplicationFields(forms.Form):
    """The fields of an application, shared by the public form and staff entry."""

    applicant_type = forms.ChoiceField(
        label=_("You apply as"), choices=App.ApplicantType.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you apply as a citizen or an organisation."),
                        "invalid_choice": _("Choose whether you apply as a citizen or an organisation.")},
    )
    name = forms.CharField(
        label=_("Name (a citizen's name, or the organisation's full name)"), max_length=100,
        error_messages={"required": _("Give your name, or the organisation's full name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_type = forms.ChoiceField(
        label=_("Identity document"), choices=App.IdType.choices, initial=App.IdType.ID_CARD,
        help_text=_("Organisations give their unified social credit code."),
        error_messages={"invalid_choice": _("Choose the kind of identity document from the list.")},
    )
    id_number = forms.CharField(
        label=_("Document number"), max_length=40,
        error_messages={"required": _("Give the number of your identity document or the credit code.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=40, validators=[contact_phone_validator],
        error_messages={"required": _("Give a phone number where the office can reach you.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    contact_email = forms.EmailField(
        label=_("E-mail"), required=False, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an e-mail address like name@example.com.")},
    )
    postal_address = forms.CharField(
        label=_("Postal address"), required=False, max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"), required=False, max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    description = forms.CharField(
        label=_("Information you ask for"), strip=False,
        help_text=_("The name of the document or information, and anything that helps to find it "
                    "(who made it, when, what it is about)."),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Describe the information you ask for: the description is empty.")},
    )
    document_number = forms.CharField(
        label=_("Document number (文号), if you know it"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "泉教办〔2026〕1号"}),
    )
    purpose = forms.CharField(label=_("Other features of the information (optional)"), required=False,
                              max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    delivery = forms.ChoiceField(
        label=_("How you want to receive it"), choices=App.Delivery.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you want to receive the information."),
                        "invalid_choice": _("Choose how you want to receive the information.")},
    )

    def _text(self, value: str, *, required: bool, max_chars: int) -> str:
        value = textcheck.normalise_newlines(value or "")
        problems = textcheck.text_problems(value, max_chars=max_chars, max_unbroken=max_chars, required=required)
        if problems:
            raise forms.ValidationError([forms.ValidationError(p.message, code=p.code) for p in problems])
        return value.strip()

    def clean_name(self) -> str:
        return self._text(self.cleaned_data.get("name", ""), required=True, max_chars=100)

    def clean_description(self) -> str:
        return self._text(self.cleaned_data.get("description", ""), required=True, max_chars=DESCRIPTION_MAX_CHARS)

    def clean_purpose(self) -> str:
        return self._text(self.cleaned_data.get("purpose", ""), required=False, max_chars=1000)

    def clean_postal_address(self) -> str:
        return self._text(self.cleaned_data.get("postal_address", ""), required=False, max_chars=255)

    def clean_postcode(self) -> str:
        value = (self.cleaned_data.get("postcode") or "").strip()
        if value and not re.fullmatch(r"[0-9]{6}", value):
            raise forms.ValidationError(_("A postcode is six digits, e.g. 362000."), code="postcode")
        return value

    def clean_document_number(self) -> str:
        value = (self.cleaned_data.get("document_number") or "").strip()
        if not value:
            return ""
        try:
            return docnumber.normalise(value)
        except docnumber.DocumentNumberError as exc:
            raise forms.ValidationError(
                _("%(reason)s Leave the field empty if you are not sure; the description is enough.")
                % {"reason": exc.message}, code="document_number",
            ) from exc

    def clean(self):
        cleaned = super().clean()
        kind, id_type, number = cleaned.get("applicant_type"), cleaned.get("id_type"), cleaned.get("id_number")
        if kind in ORGANISATION_TYPES:
            if id_type and id_type != App.IdType.CREDIT_CODE:
                self.add_error("id_type", forms.ValidationError(
                    _("An organisation applies with its unified social credit code."), code="org_id"))
            elif number:
                try:
                    cleaned["id_number"] = validate_credit_code(number)
                except CreditCodeError as exc:
                    self.add_error("id_number", forms.ValidationError(exc.message, code=exc.code))
        elif kind:
            if id_type == App.IdType.CREDIT_CODE:
                self.add_error("id_type", forms.ValidationError(
                    _("A citizen applies with an identity document, not a credit code."), code="person_id"))
            elif id_type == App.IdType.ID_CARD and number:
                try:
                    cleaned["id_number"] = validate_id_card(number)
                except IdNumberError as exc:
                    self.add_error("id_number", forms.ValidationError(exc.message, code=exc.code))
            elif number and not re.fullmatch(r"[0-9A-Za-z\-()（） ]{4,40}", number.strip()):
                self.add_error("id_number", forms.ValidationError(
                    _("A document number has letters, digits and hyphens only."), code="id_chars"))
        delivery = cleaned.get("delivery")
        if delivery in (App.Delivery.EMAIL, App.Delivery.ELECTRONIC) and not cleaned.get("contact_email"):
            if "contact_email" not in self.errors:
                self.add_error("contact_email", forms.ValidationError(
                    _("Give an e-mail address: you chose to receive the information electronically."),
                    code="delivery_email"))
        if delivery == App.Delivery.PAPER and not cleaned.get("postal_address"):
            if "postal_address" not in self.errors:
                self.add_error("postal_address", forms.ValidationError(
                    _("Give a postal address: you chose to receive the information on paper by post."),
                    code="delivery_address"))
        return cleaned


class ApplicationForm(ApplicationFields):
    attachment = forms.FileField(
        label=_("Copy of your identity document (optional; PDF, PNG or JPEG)"), required=False,
        help_text=_("Seen only by the office that handles your application; never published."),
    )
    requestable = forms.CharField(widget=forms.HiddenInput, required=False)
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(
        label=_("The information I give is true, and I understand the office uses it only to handle this application."),
        error_messages={"required": _("Tick the box to confirm the information you give.")},
    )

    def __init__(self, *args, page, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.fields["description"].widget.attrs["maxlength"] = DESCRIPTION_MAX_CHARS
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["attachment"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg"
        if not self.is_bound:
            self.initial["token"] = new_token(page.pk)
        captcha = captcha_field()
        if captcha is not None:
            self.fields["captcha"] = captcha

    @staticmethod
    def initial_for(page, request) -> dict:
        """“Apply for this” from the list fills in the document."""
        from .models.applications import RequestableDocument

        pk = parse_id(request.GET.get("document"))
        if pk is None:
            return {}
        entry = RequestableDocument.objects.filter(page=page, pk=pk).first()
        if entry is None:
            return {}
        return {"description": entry.name, "document_number": entry.document_number, "requestable": entry.pk}

    def clean_requestable(self):
        from .models.applications import RequestableDocument

        pk = parse_id(self.cleaned_data.get("requestable"))
        if pk is None or not RequestableDocument.objects.filter(page=self.page, pk=pk).exists():
            return None
        return pk

    def clean_attachment(self):
        from .services.applications import CaseError, UploadedFile, check_upload

        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        data = upload.read(govopen_settings.APPLICATION_MAX_UPLOAD_MB * 1024 * 1024 + 1)
        try:
            check_upload(UploadedFile(upload.name, data))
        except CaseError as exc:
            raise forms.ValidationError(exc.message, code="attachment") from exc
        return UploadedFile(upload.name, data)

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(
                _("Your application could not be accepted. If you are a person, leave the last field empty."),
                code="honeypot",
            )
        return ""

    def clean_token(self) -> str:
        nonce = read_token(self.cleaned_data.get("token", ""), self.page.pk)
        if nonce is None:
            raise forms.ValidationError(
                _("This form has expired. What you typed is kept: check it and send it again."), code="token"
            )
        return nonce

    def refresh_token(self) -> None:
        if "token" in self.errors:
            self.data = self.data.copy()
            self.data["token"] = new_token(self.page.pk)


class LookupForm(forms.Form):
    receipt_number = forms.CharField(
        label=_("Receipt number"), max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "依申〔2026〕1号", "autocomplete": "off"}),
        error_messages={"required": _("Give the receipt number of your application.")},
    )
    code = forms.CharField(
        label=_("Query code"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
        error_messages={"required": _("Give the query code shown with your receipt.")},
    )
