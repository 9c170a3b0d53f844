"""The blank comment form, kept as HTML with each visitor's values put in.

Building a comment form (its fields copied, a captcha field, a signed token)
cost about half a millisecond of an open consultation's page, more than the
rest of what the page adds to a plain Wagtail page. A blank form is the same
for every visitor but for three values: the CSRF token, the form's
single-use token and the captcha challenge's key. So it is rendered once
with placeholders (per consultation, section, language and site, under the
change stamp, as the page's other parts) and each visitor gets their own
values put in: a new CSRF token (and cookie), a new form token and a new
challenge, exactly as when the form is built.

Only the plugin's own ``CommentForm`` with the default captcha field (or no
captcha) is kept: a site's subclass or another captcha may show something
else that is each visitor's own, so it is built for every visitor.
"""

from __future__ import annotations

from typing import Callable

from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe

from ..conf import govopen_settings
from . import fragments

#: Placeholders: letters only, so no template filter or escaping changes them.
CSRF_MARK = "govopenCsrfPlaceholderQz"
TOKEN_MARK = "govopenTokenPlaceholderQz"
KEY_MARK = "govopenCaptchaKeyPlaceholderQz"


def keepable(form_class) -> bool:
    """Whether a blank ``form_class`` holds nothing of a visitor's own but
    the three values put in (see the module's docstring)."""
    from ..forms import CommentForm

    if form_class is not CommentForm:
        return False
    spec = govopen_settings.COMMENT_CAPTCHA
    if not spec:
        return True
    from captcha.conf import settings as captcha_settings

    return (spec.get("CLASS") == "captcha.fields.CaptchaField" and "widget" not in spec.get("OPTIONS", {})
            and not captcha_settings.CAPTCHA_GET_FROM_POOL)


def blank_form_html(request, page, form_class, section: str,
                    render: Callable[[object, dict], str]) -> SafeString | None:
    """The blank form's HTML for this visitor. ``render(form, extra_context)``
    renders a form (once, with the placeholders, when not kept yet).

    ``None`` when the rendering lacks a placeholder (a site's template
    without the CSRF token or the form token, or a captcha whose key was not
    found): kept, it would hand every visitor the same values, so the
    caller builds the form for each visitor instead."""

    def render_marked() -> str:
        form = form_class(consultation=page, initial={"section": section})
        form.initial["token"] = TOKEN_MARK
        html = str(render(form, {"csrf_token": CSRF_MARK}))
        captcha = form.fields.get("captcha")
        key = getattr(getattr(captcha, "widget", None), "_key", None)
        # The challenge written for this rendering is never shown.
        return html.replace(key, KEY_MARK) if key else html

    spec = govopen_settings.COMMENT_CAPTCHA
    kept = fragments.cached_html(request, page, "comment-form", render_marked, form_class.__qualname__, section,
                                 govopen_settings.COMMENT_MAX_CHARS, repr(spec))
    needed = (CSRF_MARK, TOKEN_MARK, KEY_MARK) if spec else (CSRF_MARK, TOKEN_MARK)
    if not all(mark in kept for mark in needed):
        return None
    from ..forms import new_token

    html = kept.replace(CSRF_MARK, get_token(request)).replace(TOKEN_MARK, new_token(page.pk))
    if KEY_MARK in html:
        from ..captcha_fields import issue_key

        html = html.replace(KEY_MARK, issue_key())
    return mark_safe(html)
