"""The editor's privacy check when publishing (发布前隐私筛查).

When an editor publishes a page whose submitted text holds personal data of
high confidence, the publish becomes a draft save (nothing typed is lost) and
the editor is told what was found. Clicking Publish again with the same
findings publishes as it is: the editor has seen them. Pages that go through
the review workflow task get the full screening there, files included.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from .. import privacy
from ..conf import govopen_settings

SESSION_KEY = "govopen_privacy_seen"
# Form fields that are not content.
_SKIPPED = ("csrfmiddlewaretoken", "next", "slug", "go_live_at", "expire_at", "action-", "workflow-",
            "comments-", "seo_title")


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in ("key", "type", "id", "entityMap") for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def submitted_texts(post) -> list[str]:
    """Text in a page form's POST: plain fields, rich text (Draftail's JSON)
    and StreamField values (tables are JSON too)."""
    texts = []
    for key, values in post.lists():
        if key.startswith(_SKIPPED) or key.endswith(("-id", "-type", "-order", "-deleted", "-TOTAL_FORMS",
                                                      "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")):
            continue
        for value in values:
            stripped = value.strip()
            if stripped[:1] in "[{":
                try:
                    texts += _strings(json.loads(stripped))
                    continue
                except ValueError:
                    pass
            texts.append(value)
    return texts


def check(request, page, key: str):
    """Called by the before_create_page / before_edit_page hooks; ``key`` is
    the site (a new page's draft is published from its edit view)."""
    if request.method != "POST" or not request.POST.get("action-publish"):
        return None
    if not govopen_settings.PRIVACY_PUBLISH_CHECK:
        return None
    from ..services.privacy_audit import allow_for_site

    site = page.get_site() if page is not None and page.pk else None
    allow = allow_for_site(site) if site else ()
    found = [f for text in submitted_texts(request.POST) for f in privacy.screen(text, allow)
             if f.confidence == privacy.HIGH]
    if not found:
        return None
    # Keyed: the session should not hold a reversible hash of an ID number.
    token = salted_hmac("govopen_wagtail.publish_check", key + "|" + "|".join(
        sorted(f"{f.kind}:{f.value}" for f in found)), algorithm="sha256").hexdigest()[:32]
    seen = list(request.session.get(SESSION_KEY, []))
    if token in seen:
        # Shown once already and published as it is: the editor's decision.
        seen.remove(token)
        request.session[SESSION_KEY] = seen
        return None
    request.session[SESSION_KEY] = (seen + [token])[-20:]
    post = request.POST.copy()
    for name in [k for k in post if k.startswith("action-")]:
        del post[name]
    request.POST = post  # the view saves a draft instead of publishing
    listing = "、".join(f"{privacy.mask_value(f.kind, f.value)}" for f in found[:5])
    messages.warning(request, ngettext(
        "Not published yet: the page shows %(n)d piece of personal data (%(list)s). Your changes are saved as "
        "a draft. Mask it and publish, or click Publish again to publish it as it is.",
        "Not published yet: the page shows %(n)d pieces of personal data (%(list)s). Your changes are saved as "
        "a draft. Mask them and publish, or click Publish again to publish it as it is.",
        len(found)) % {"n": len(found), "list": listing})
    return None
