"""The reviewer's form of the privacy and confidentiality review task."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy as _, ngettext

CONFIRMATION = _(
    "I have reviewed this page and its files: what is published involves no state secrets, work secrets, trade "
    "secrets or personal privacy (不涉及国家秘密、工作秘密、商业秘密和个人隐私)."
)


REVIEW_SALT = "govopen_wagtail.privacy_review"
REVIEW_MAX_AGE = 7 * 24 * 3600


def sign_review(task_state_id: int) -> str:
    from django.core import signing

    return signing.dumps(task_state_id, salt=REVIEW_SALT)


class PrivacyReviewForm(forms.Form):
    # The task state under review, signed by the modal's template (a reviewer
    # cannot point the form at another site's review); the task also checks
    # it against the state it acts on.
    review_of = forms.CharField(widget=forms.HiddenInput, max_length=200)
    confirmed = forms.BooleanField(label=CONFIRMATION, required=True, error_messages={
        "required": _("Confirm the confidentiality review to approve."),
    })
    reviewer_name = forms.CharField(label=_("Reviewer's name"), max_length=100, error_messages={
        "required": _("Enter the reviewer's name: it goes on the review record."),
    })
    justification = forms.CharField(
        label=_("Justification for publishing what the screening found"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when the screening found personal data that must be published (e.g. a list the rules "
                    "require to name people): why, and under which rule. Otherwise fix the page first."),
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def clean_review_of(self):
        from django.core import signing

        try:
            return int(signing.loads(self.cleaned_data["review_of"], salt=REVIEW_SALT, max_age=REVIEW_MAX_AGE))
        except (signing.BadSignature, TypeError, ValueError):
            raise ValidationError(gettext("This review form is out of date: close it and open it again.")) from None

    def clean_reviewer_name(self):
        name = " ".join(self.cleaned_data["reviewer_name"].split())
        if not name:
            raise ValidationError(gettext("Enter the reviewer's name: it goes on the review record."))
        return name

    def clean(self):
        cleaned = super().clean()
        review_of = cleaned.get("review_of")
        if not review_of:
            return cleaned
        from .services.privacy_review import review_task_state

        result = review_task_state(review_of)
        if result is None:
            raise ValidationError(gettext("This review is not in progress any more."))
        blocking = result.blocking
        if blocking and not (cleaned.get("justification") or "").strip():
            raise ValidationError(ngettext(
                "The screening found %(n)d piece of personal data of high confidence (listed above). Fix the "
                "page or its file and review again, or give the justification for publishing it.",
                "The screening found %(n)d pieces of personal data of high confidence (listed above). Fix the "
                "page or its files and review again, or give the justification for publishing them.",
                len(blocking)) % {"n": len(blocking)})
        return cleaned
