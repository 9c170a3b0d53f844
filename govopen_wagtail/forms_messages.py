"""The public message form and its lookup.

Every check happens on the server; each bad input gets its own translated
message next to its field, and nothing is saved until everything is right.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import message_rules, textcheck
from .conf import govopen_settings
from .forms import captcha_field, contact_phone_validator, new_token, read_token
from .forms_applications import LookupForm
from .params import parse_id
from .restrictions import private_q

SUBJECT_MAX_CHARS = 100


def kind_choices() -> list[tuple[str, str]]:
    return [(code, message_rules.kind_label(code)) for code in govopen_settings.MESSAGE_KINDS]


def about_page(page, value) -> "tuple[object | None, bool]":
    """The live, public page of ``page``'s site that ``value`` names:
    (page, True), (None, True) when nothing is named, (None, False) when the
    named page does not exist, is not live, not public or of another site."""
    from wagtail.models import Page

    pk = parse_id(value)
    if value in (None, ""):
        return None, True
    if pk is None:
        return None, False
    site = page.get_site()
    target = (Page.objects.live().exclude(private_q()).filter(pk=pk, path__startswith=site.root_page.path)
              .only("pk", "title", "path", "url_path", "depth").first())
    return (target, True) if target is not None else (None, False)


class MessageForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of message is it?"), widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of message."),
                        "invalid_choice": _("Choose the kind of message from the list.")},
    )
    subject = forms.CharField(
        label=_("Subject"), max_length=SUBJECT_MAX_CHARS, strip=False,
        error_messages={"required": _("Give your message a subject."),
                        "max_length": _("Keep the subject to %(limit_value)d characters.")},
    )
    body = forms.CharField(
        label=_("Your message"), strip=False, widget=forms.Textarea(attrs={"rows": 7}),
        error_messages={"required": _("Please write something: the text is empty.")},
    )
    about = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name (optional, never shown)"), required=False, max_length=50,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact_email = forms.EmailField(
        label=_("E-mail (never shown)"), required=False, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an e-mail address like name@example.com.")},
    )
    contact_phone = forms.CharField(
        label=_("Phone (never shown)"), required=False, max_length=40, validators=[contact_phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    wants_reply = forms.BooleanField(label=_("I would like a reply"), required=False, initial=True)
    consent_publish = forms.BooleanField(
        label=_("The office may publish my message and its answer on this site (your name and contacts never)"),
        required=False,
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, page, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.about_page = None
        self.fields["kind"].choices = kind_choices()
        self.fields["body"].widget.attrs["maxlength"] = govopen_settings.MESSAGE_MAX_CHARS
        self.fields["subject"].widget.attrs["maxlength"] = SUBJECT_MAX_CHARS
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        if not self.is_bound:
            self.initial["token"] = new_token(page.pk)
        captcha = captcha_field()
        if captcha is not None:
            self.fields["captcha"] = captcha

    @classmethod
    def initial_for(cls, page, request) -> dict:
        """“Report an error on this page” fills in the kind and the page."""
        initial: dict = {"wants_reply": True}
        kind = request.GET.get("kind", "")
        if kind in govopen_settings.MESSAGE_KINDS:
            initial["kind"] = kind
        target, _ok = about_page(page, request.GET.get("about", ""))
        if target is not None:
            initial["about"] = target.pk
            initial.setdefault("kind", "error" if "error" in govopen_settings.MESSAGE_KINDS else None)
            initial["subject"] = str(_("Error on the page “%(title)s”") % {"title": target.title})[:SUBJECT_MAX_CHARS]
        return initial

    def about_target(self):
        """The page the form says the message is about (bound or initial)."""
        if self.is_bound and hasattr(self, "cleaned_data"):
            return self.about_page
        target, _ok = about_page(self.page, self.initial.get("about", ""))
        return target

    def _text(self, value: str, *, required: bool, max_chars: int) -> str:
        value = textcheck.normalise_newlines(value or "")
        problems = textcheck.text_problems(value, max_chars=max_chars,
                                           max_unbroken=min(max_chars, govopen_settings.COMMENT_MAX_UNBROKEN),
                                           required=required)
        if problems:
            raise forms.ValidationError([forms.ValidationError(p.message, code=p.code) for p in problems])
        return value.strip()

    def clean_subject(self) -> str:
        value = self._text(self.cleaned_data.get("subject", ""), required=True, max_chars=SUBJECT_MAX_CHARS)
        if "\n" in value:
            raise forms.ValidationError(_("Write the subject on one line."), code="subject_lines")
        return value

    def clean_body(self) -> str:
        return self._text(self.cleaned_data.get("body", ""), required=True,
                          max_chars=govopen_settings.MESSAGE_MAX_CHARS)

    def clean_name(self) -> str:
        return self._text(self.cleaned_data.get("name", ""), required=False, max_chars=50)

    def clean_about(self):
        target, ok = about_page(self.page, self.cleaned_data.get("about", ""))
        if not ok:
            raise forms.ValidationError(
                _("The page this message is about cannot be found or is not public. Say in the message "
                  "which page you mean."), code="about")
        self.about_page = target
        return target.pk if target else None

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(
                _("Your message could not be accepted. If you are a person, leave the last field empty."),
                code="honeypot",
            )
        return ""

    def clean_token(self) -> str:
        nonce = read_token(self.cleaned_data.get("token", ""), self.page.pk)
        if nonce is None:
            raise forms.ValidationError(
                _("This form has expired. What you typed is kept: check it and send it again."), code="token")
        return nonce

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("wants_reply") and not (cleaned.get("contact_email") or cleaned.get("contact_phone")):
            if "contact_email" not in self.errors and "contact_phone" not in self.errors:
                self.add_error("contact_email", forms.ValidationError(
                    _("Give an e-mail address or a phone number so that the office can reply, or untick "
                      "“I would like a reply”."), code="contact"))
        return cleaned

    def refresh_token(self) -> None:
        if "token" in self.errors:
            self.data = self.data.copy()
            self.data["token"] = new_token(self.page.pk)


class MessageLookupForm(LookupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["receipt_number"]
        field.widget.attrs["placeholder"] = "留言〔2026〕1号"
        field.error_messages["required"] = _("Give the receipt number of your message.")


class AnsweredFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds"))] + kind_choices()
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]
