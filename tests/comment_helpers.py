"""Filling in the public comment form as a browser would."""

import re

from captcha.models import CaptchaStore


def form_fields(html: str) -> dict:
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    key = re.search(r'name="captcha_0" value="([^"]+)"', html).group(1)
    return {"token": token, "captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def comment_url(page) -> str:
    return page.url + page.reverse_subpage("comment")


def post_comment(client, page, body="建议将课后服务结束时间调整为18:00。", fresh=True, **fields):
    """GET the page (for the token and captcha) and POST a comment."""
    html = client.get(page.url).content.decode()
    data = {"body": body, "commenter_category": "individual", "section": "", **form_fields(html), **fields}
    return client.post(comment_url(page), data)
