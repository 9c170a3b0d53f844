"""Public forms. Every check happens on the server; the browser's own
checks (``maxlength``, ``required``) are only a convenience."""

from __future__ import annotations

import secrets

from django import forms
from django.core import signing
from django.core.validators import RegexValidator
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from . import textcheck
from .conf import govopen_settings
from .models.consultations import ConsultationComment

TOKEN_SALT = "govopen.comment"
#: How long a rendered comment form stays valid.
TOKEN_MAX_AGE = 2 * 24 * 3600

contact_phone_validator = RegexValidator(
    r"^[0-9+()（）\- ]{5,40}$",
    _("Enter a phone number with digits only, e.g. 13800000000 or 0595-22180000."),
    code="phone",
)


def new_token(consultation_id: int) -> str:
    """A signed, single-use form token: it names the consultation and makes
    a resubmission of the same form return the first receipt, not a copy."""
    return signing.dumps({"c": consultation_id, "n": secrets.token_urlsafe(16)}, salt=TOKEN_SALT)


def read_token(token: str, consultation_id: int) -> str | None:
    """The token's nonce if it is genuine, recent and for this consultation."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("c") != consultation_id or not isinstance(data.get("n"), str):
        return None
    return data["n"][:64]


def captcha_field() -> forms.Field | None:
    spec = govopen_settings.COMMENT_CAPTCHA
    if not spec:
        return None
    options = {
        "label": _("Verification code"),
        "help_text": _("Type the characters shown in the picture (capitals or small letters both work)."),
        "error_messages": {
            "required": _("Type the verification code shown in the picture."),
            "invalid": _("The verification code does not match the picture. Try the new picture."),
        },
        **spec.get("OPTIONS", {}),
    }
    path = spec["CLASS"]
    if path == "captcha.fields.CaptchaField":
        # The same field, used up in one query instead of three.
        path = "govopen_wagtail.captcha_fields.CaptchaField"
        if "widget" not in options:
            options["widget"] = _captcha_widget()
    return import_string(path)(**options)


def _captcha_widget():
    from .captcha_fields import CaptchaInput

    return CaptchaInput()


class CommentForm(forms.Form):
    section = forms.ChoiceField(
        label=_("Which part of the draft is your comment about?"),
        required=False,
        error_messages={"invalid_choice": _("The section you refer to is not part of this draft. Choose one from the list.")},
    )
    body = forms.CharField(
        label=_("Your comment"),
        strip=False,
        error_messages={"required": _("Please write something: the text is empty.")},
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    display_name = forms.CharField(
        label=_("Name or organisation (optional, shown with your comment)"), required=False, max_length=100
    )
    commenter_category = forms.ChoiceField(
        label=_("You comment as"), choices=ConsultationComment.Category.choices, initial=ConsultationComment.Category.INDIVIDUAL,
        error_messages={"invalid_choice": _("Choose who you comment as from the list.")},
    )
    contact_email = forms.EmailField(
        label=_("E-mail (optional, never shown)"), required=False, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an e-mail address like name@example.com.")},
    )
    contact_phone = forms.CharField(
        label=_("Phone (optional, never shown)"), required=False, max_length=40, validators=[contact_phone_validator],
        # A phone's number pad, and the browser's saved number.
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    notify = forms.BooleanField(
        label=_("E-mail me when my comment is published and when the feedback is out"), required=False
    )
    # Honeypot: hidden from people (CSS, aria-hidden), filled in by robots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.fields["section"].choices = [("", _("The draft as a whole"))] + [
            (s["id"], s["label"]) for s in consultation.sections()
        ]
        self.fields["body"].widget.attrs["maxlength"] = govopen_settings.COMMENT_MAX_CHARS
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        if not self.is_bound:
            self.initial["token"] = new_token(consultation.pk)
        captcha = captcha_field()
        if captcha is not None:
            self.fields["captcha"] = captcha

    def _text(self, value: str, *, required: bool, max_chars: int, max_unbroken: int) -> str:
        value = textcheck.normalise_newlines(value or "")
        problems = textcheck.text_problems(value, max_chars=max_chars, max_unbroken=max_unbroken, required=required)
        if problems:
            raise forms.ValidationError([forms.ValidationError(p.message, code=p.code) for p in problems])
        return value.strip()

    def clean_body(self) -> str:
        return self._text(
            self.cleaned_data.get("body", ""),
            required=True,
            max_chars=govopen_settings.COMMENT_MAX_CHARS,
            max_unbroken=govopen_settings.COMMENT_MAX_UNBROKEN,
        )

    def clean_display_name(self) -> str:
        return self._text(self.cleaned_data.get("display_name", ""), required=False, max_chars=100, max_unbroken=100)

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(
                _("Your comment could not be accepted. If you are a person, leave the last field empty."),
                code="honeypot",
            )
        return ""

    def clean_token(self) -> str:
        nonce = read_token(self.cleaned_data.get("token", ""), self.consultation.pk)
        if nonce is None:
            raise forms.ValidationError(
                _("This form has expired or does not belong to this consultation. "
                  "Your text is kept: check it and send it again."),
                code="token",
            )
        return nonce

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("notify") and not cleaned.get("contact_email"):
            self.add_error("contact_email", forms.ValidationError(
                _("Give an e-mail address to be told when your comment is published."), code="notify_email"
            ))
        return cleaned

    def refresh_token(self) -> None:
        """Give a re-rendered form a valid token if its own was refused."""
        if "token" in self.errors:
            self.data = self.data.copy()
            self.data["token"] = new_token(self.consultation.pk)
