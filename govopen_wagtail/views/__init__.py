"""Public views beyond a page's own template (exports, feeds, JSON), and
the steps every public form shares."""

from __future__ import annotations


def render_page(page, request, status: int, template: str | None = None, **context):
    """``page`` rendered (with its own or another template) with a status."""
    if template:
        response = page.render(request, template=template, context_overrides=context)
    else:
        response = page.render(request, context_overrides=context)
    response.status_code = status
    return response


def before_validation(page, request, form, scope: str, too_many: str, **context):
    """What a public form does before checking its fields: a new captcha
    picture asked for without JavaScript (the same form, what was typed kept,
    no errors yet), or the rate limit of ``scope`` (429 with the text kept and
    ``too_many`` saying how long to wait). A response, or None to go on."""
    from .. import ratelimit

    if request.POST.get("new_captcha"):
        form.is_valid()
        form.errors.clear()
        form.refresh_token()
        return render_page(page, request, 200, form=form, **context)
    limit = ratelimit.check_request(request, scope)
    if limit.allowed:
        return None
    form.is_valid()
    form.errors.clear()
    form.add_error(None, too_many % {"minutes": max(1, limit.retry_after // 60)})
    form.refresh_token()
    response = render_page(page, request, 429, form=form, **context)
    response["Retry-After"] = str(limit.retry_after)
    return response


def lookup_refused(request, form) -> int | None:
    """The rate limit of receipt look-ups: when it is reached, the form gets
    the error and the seconds to wait are returned (for Retry-After)."""
    from django.utils.translation import gettext

    from .. import ratelimit

    limit = ratelimit.check_request(request, "lookup")
    if limit.allowed:
        return None
    form.is_valid()
    form.errors.clear()
    form.add_error(None, gettext("Too many look-ups from your connection. Please wait %(minutes)d minutes.")
                   % {"minutes": max(1, limit.retry_after // 60)})
    return limit.retry_after
