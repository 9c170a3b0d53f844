"""Public comments: the window at the instant of saving, safety, privacy,
grouping, moderation setting, notifications and every kind of bad input."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from govopen_wagtail.models import CommentGroup, ConsultationComment
from govopen_wagtail.services import comments as service
from tests.comment_helpers import comment_url, form_fields, post_comment
from tests.factories import comment_input, make_consultation, make_consultation_index

pytestmark = pytest.mark.django_db
Status = ConsultationComment.Status


@pytest.fixture
def index(platform):
    return make_consultation_index(platform.index)


@pytest.fixture
def page(index):
    return make_consultation(index)


# The happy path ------------------------------------------------------------


def test_comment_is_saved_with_a_receipt_and_shown_after_review(client, page):
    response = post_comment(client, page, body="建议第三条增加对农村学校的支持。", display_name="一位家长")
    assert response.status_code == 302
    comment = ConsultationComment.objects.get()
    assert comment.receipt_number.startswith("YJ") and comment.receipt_number in response["Location"]
    assert comment.status == Status.PENDING and comment.channel == "online"
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    assert comment.receipt_number in receipt.content.decode()
    # Held for review: not on the public page yet.
    assert "农村学校" not in client.get(page.url).content.decode()
    service.moderate([comment.pk], "publish", None)
    html = client.get(page.url).content.decode()
    assert "农村学校" in html and "一位家长" in html


def test_comment_on_a_section_keeps_its_label(client, page):
    section = page.sections()[2]
    post_comment(client, page, section=section["id"])
    comment = ConsultationComment.objects.get()
    assert (comment.section_id, comment.section_label) == (section["id"], "第三条")


@override_settings(GOVOPEN_COMMENT_MODERATION=False)
def test_publish_immediately_by_setting(client, page):
    post_comment(client, page)
    assert ConsultationComment.objects.get().status == Status.PUBLISHED


@override_settings(GOVOPEN_COMMENT_MODERATION=False, GOVOPEN_SENSITIVE_WORDS=["违禁词"])
def test_sensitive_words_hold_a_comment_even_when_publishing_immediately(client, page):
    post_comment(client, page, body="这里有 违 禁·词 的内容")
    comment = ConsultationComment.objects.get()
    assert comment.status == Status.PENDING and comment.held_words == "违禁词"


def test_sensitive_words_from_a_file(tmp_path, page):
    words = tmp_path / "words.txt"
    words.write_text("第一个词\n文件里的词\n", encoding="utf-8")
    with override_settings(GOVOPEN_SENSITIVE_WORDS_FILE=str(words), GOVOPEN_COMMENT_MODERATION=False):
        comment, _ = service.submit_comment(page.pk, comment_input("提到文件里的词了"))
    assert comment.status == Status.PENDING and comment.held_words == "文件里的词"


# The window at the instant of saving ----------------------------------------


def test_one_second_before_closing_is_accepted_one_second_after_is_refused(page):
    with mock.patch("govopen_wagtail.services.comments._now", return_value=page.closes_at - dt.timedelta(seconds=1)):
        comment, created = service.submit_comment(page.pk, comment_input("最后一秒"))
    assert created and comment.received_at < page.closes_at
    with mock.patch("govopen_wagtail.services.comments._now", return_value=page.closes_at):
        with pytest.raises(service.CommentRefused) as exc:
            service.submit_comment(page.pk, comment_input("正好截止"))
    assert exc.value.code == "closed"
    with mock.patch("govopen_wagtail.services.comments._now", return_value=page.closes_at + dt.timedelta(seconds=1)):
        with pytest.raises(service.CommentRefused):
            service.submit_comment(page.pk, comment_input("晚了一秒"))
    assert ConsultationComment.objects.count() == 1


def test_form_sent_after_closing_is_refused_with_the_text_kept(client, page):
    html = client.get(page.url).content.decode()
    data = {"body": "截止后才提交的意见", "commenter_category": "individual", **form_fields(html)}
    with mock.patch("govopen_wagtail.services.comments._now", return_value=page.closes_at + dt.timedelta(seconds=1)):
        response = client.post(comment_url(page), data)
    assert response.status_code == 403
    body = response.content.decode()
    assert page.closes_label() in body and "截止后才提交的意见" in body
    assert ConsultationComment.objects.count() == 0


def test_a_refused_comment_uses_its_captcha_up(client, page):
    from captcha.models import CaptchaStore

    html = client.get(page.url).content.decode()
    data = {"body": "截止后才提交的意见", "commenter_category": "individual", **form_fields(html)}
    with mock.patch("govopen_wagtail.services.comments._now", return_value=page.closes_at + dt.timedelta(seconds=1)):
        assert client.post(comment_url(page), data).status_code == 403
    assert not CaptchaStore.objects.filter(hashkey=data["captcha_0"]).exists()
    # The same answer cannot be sent again once the window would take it.
    response = client.post(comment_url(page), data)
    assert response.status_code == 400 and ConsultationComment.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_comment_and_its_used_captcha_are_written_in_one_commit(client, platform):
    """Each commit is a flush to disk on PostgreSQL: one per comment."""
    from captcha.models import CaptchaStore
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = make_consultation(make_consultation_index(platform.index))
    html = client.get(page.url).content.decode()
    data = {"body": "建议将课后服务结束时间调整为18:00。", "commenter_category": "individual", "section": "",
            **form_fields(html)}
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(comment_url(page), data).status_code == 302
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].split()[0] in ("COMMIT", "INSERT", "DELETE")]
    assert [w.split()[0] for w in writes].count("COMMIT") == 1, writes
    assert writes[-1] == "COMMIT"  # the captcha's DELETE and the comment's INSERTs before it
    assert ConsultationComment.objects.count() == 1
    assert not CaptchaStore.objects.filter(hashkey=data["captcha_0"]).exists()


def test_not_yet_open_is_refused(index):
    page = make_consultation(index, opens=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(service.CommentRefused) as exc:
        service.submit_comment(page.pk, comment_input())
    assert exc.value.code == "not_open"


def test_a_draft_page_takes_no_comments(client, index):
    page = make_consultation(index, live=False)
    with pytest.raises(service.CommentRefused) as exc:
        service.submit_comment(page.pk, comment_input())
    assert exc.value.code == "not_live"
    response = client.post(comment_url(page), {"body": "x"})
    assert response.status_code == 404
    assert ConsultationComment.objects.count() == 0


def test_unpublished_after_the_form_was_loaded(client, page):
    html = client.get(page.url).content.decode()
    data = {"body": "意见", "commenter_category": "individual", **form_fields(html)}
    page.unpublish()
    assert client.post(comment_url(page), data).status_code == 404
    assert ConsultationComment.objects.count() == 0


# Resubmission, CSRF, rate limits, captcha, honeypot ---------------------------


def test_same_form_sent_twice_gives_one_comment_and_the_same_receipt(client, page):
    html = client.get(page.url).content.decode()
    data = {"body": "只应保存一次", "commenter_category": "individual", **form_fields(html)}
    first = client.post(comment_url(page), data)
    # The browser resends the same form (double tap, retry after a timeout):
    # the captcha answer is used up, yet the writer gets the same receipt.
    second = client.post(comment_url(page), data)
    comment = ConsultationComment.objects.get()
    assert first["Location"].endswith(f"/receipt/{comment.receipt_number}/")
    assert second.status_code == 302 and second["Location"] == first["Location"]
    again, created = service.submit_comment(page.pk, comment_input("只应保存一次"), token=comment.submission_token)
    assert not created and again.pk == comment.pk
    assert ConsultationComment.objects.count() == 1


def test_a_form_racing_its_twin_to_the_save_leaves_nothing_of_its_own(page):
    # The twin got past the token check first and saved while this one was
    # on its way: the insert collides on the token, and this request gets the
    # twin's comment. The new text's group is written in the same savepoint
    # as the comment, so none is left without a comment.
    first, _ = service.submit_comment(page.pk, comment_input("同时到达的两份"), token="twin-token")
    groups = CommentGroup.objects.count()
    with transaction.atomic():  # the comment view's own transaction
        again, created = service.submit_comment(
            page.pk, comment_input("同时到达的两份，文字不同，另成一组"), token="twin-token", token_checked=True)
        assert ConsultationComment.objects.count() == 1  # the transaction goes on, usable
    assert (again.pk, created) == (first.pk, False)
    assert CommentGroup.objects.count() == groups


def test_a_comment_whose_receipt_numbers_all_collide_is_refused_and_leaves_nothing(page):
    taken, _ = service.submit_comment(page.pk, comment_input("先到的意见"))
    groups = CommentGroup.objects.count()
    with mock.patch.object(service, "new_receipt_number", return_value=taken.receipt_number):
        with transaction.atomic():
            with pytest.raises(service.CommentRefused) as refused:
                service.submit_comment(page.pk, comment_input("另一条完全不同的意见，本应另成一组"))
            assert ConsultationComment.objects.count() == 1
    assert refused.value.code == "busy"
    assert CommentGroup.objects.count() == groups


def test_csrf_is_required(page):
    client = Client(enforce_csrf_checks=True)
    html = client.get(page.url).content.decode()
    data = {"body": "没有令牌", "commenter_category": "individual", **form_fields(html)}
    assert client.post(comment_url(page), data).status_code == 403
    assert ConsultationComment.objects.count() == 0


@override_settings(GOVOPEN_RATE_LIMITS={"comment": "2/h"})
def test_too_many_comments_from_one_source(client, page):
    assert post_comment(client, page, body="第一条意见").status_code == 302
    assert post_comment(client, page, body="第二条意见").status_code == 302
    response = post_comment(client, page, body="第三条意见")
    assert response.status_code == 429 and "Retry-After" in response
    assert "第三条意见" in response.content.decode()  # kept for the writer
    assert ConsultationComment.objects.count() == 2


def test_missing_and_wrong_captcha(client, page):
    html = client.get(page.url).content.decode()
    fields = form_fields(html)
    response = client.post(comment_url(page), {"body": "意见", "commenter_category": "individual",
                                                "token": fields["token"], "captcha_0": fields["captcha_0"]})
    assert response.status_code == 400
    assert "验证码" in response.content.decode()
    html = client.get(page.url).content.decode()
    fields = {**form_fields(html), "captcha_1": "WRONG"}
    response = client.post(comment_url(page), {"body": "意见", "commenter_category": "individual", **fields})
    assert response.status_code == 400
    assert ConsultationComment.objects.count() == 0


def test_honeypot(client, page):
    response = post_comment(client, page, website="http://spam.example")
    assert response.status_code == 400
    assert ConsultationComment.objects.count() == 0


def test_forged_or_foreign_token(client, page, index):
    other = make_consultation(index, title="另一个")
    foreign = form_fields(client.get(other.url).content.decode())["token"]
    for token in ("forged", foreign):
        response = post_comment(client, page, token=token)
        assert response.status_code == 400
        # The re-rendered form carries a fresh, valid token.
        html = response.content.decode()
        assert f'value="{token}"' not in html
    assert ConsultationComment.objects.count() == 0


# Bad input -------------------------------------------------------------------


@pytest.mark.parametrize(
    "body,message",
    [
        ("", "内容为空"),
        ("   \n ", "内容为空"),
        ("长" * 5001, "5000"),
        ("正常\x01\x02二进制", "不是文字"),
        ("正常\x00空字符", "空字符"),  # Django's own check, also translated
        ("<script>alert('x')</script>", "HTML"),
        ("<b>加粗</b>", "HTML"),
        ("a" * 301, "标点"),
    ],
)
def test_bad_comment_text_is_refused_with_a_clear_message(client, page, body, message):
    response = post_comment(client, page, body=body)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ConsultationComment.objects.count() == 0
    assert CommentGroup.objects.count() == 0


def test_forged_section_reference(client, page):
    response = post_comment(client, page, section="not-a-section")
    assert response.status_code == 400
    assert "不属于" in response.content.decode()
    with pytest.raises(service.CommentRefused):
        service.submit_comment(page.pk, comment_input(section_id="not-a-section"))
    assert ConsultationComment.objects.count() == 0


def test_unknown_category_bad_email_and_phone(client, page):
    response = post_comment(client, page, commenter_category="robot", contact_email="not-an-email",
                            contact_phone="call me")
    assert response.status_code == 400
    html = response.content.decode()
    assert "name@example.com" in html and "电话" in html
    assert ConsultationComment.objects.count() == 0


def test_notify_needs_an_email(client, page):
    response = post_comment(client, page, notify="on")
    assert response.status_code == 400
    assert ConsultationComment.objects.count() == 0


def test_script_in_a_display_name_is_refused_and_text_is_escaped(client, page):
    assert post_comment(client, page, display_name="<img src=x>").status_code == 400
    comment, _ = service.submit_comment(page.pk, comment_input("a < b && c > d \"引号\""))
    service.moderate([comment.pk], "publish", None)
    html = client.get(page.url).content.decode()
    assert "a &lt; b &amp;&amp; c &gt; d" in html


# Privacy ---------------------------------------------------------------------


def test_contact_details_never_appear_and_personal_data_in_text_is_masked(client, page):
    post_comment(client, page, body="我的电话13800138000，身份证11010519491231002X，邮箱 zs@example.com",
                 display_name="张三 13912345678", contact_email="private@example.com", contact_phone="13700000000")
    comment = ConsultationComment.objects.get()
    assert "13800138000" in comment.body  # the office keeps what was written
    service.moderate([comment.pk], "publish", None)
    html = client.get(page.url).content.decode()
    for secret in ("13800138000", "11010519491231002X", "zs@example.com", "13912345678",
                   "private@example.com", "13700000000"):
        assert secret not in html, secret
    assert "138******00" in html
    receipt = client.get(page.url + page.reverse_subpage("receipt", args=[comment.receipt_number])).content.decode()
    assert "13800138000" not in receipt and "private@example.com" not in receipt


def test_unknown_receipt_is_404(client, page):
    assert client.get(page.url + page.reverse_subpage("receipt", args=["YJ20000101-XXXXXX"])).status_code == 404


# Offline channels --------------------------------------------------------------


def test_letters_count_by_postmark(page):
    late_arrival = page.closes_at + dt.timedelta(days=3)
    posted_in_time = timezone.localdate(page.closes_at - dt.timedelta(hours=1))
    comment, _ = service.submit_comment(page.pk, comment_input(
        "来信意见", channel="letter", received_at=late_arrival, postmark_date=posted_in_time))
    assert comment.channel == "letter"
    with pytest.raises(service.CommentRefused) as exc:
        service.submit_comment(page.pk, comment_input(
            "邮戳太晚", channel="letter", received_at=late_arrival,
            postmark_date=timezone.localdate(page.closes_at) + dt.timedelta(days=1)))
    assert exc.value.code == "late"


def test_email_received_after_closing_is_refused(page):
    with pytest.raises(service.CommentRefused):
        service.submit_comment(page.pk, comment_input(
            "邮件意见", channel="email", received_at=page.closes_at + dt.timedelta(minutes=1)))


# Campaigns -----------------------------------------------------------------------


CAMPAIGN = "我们强烈建议取消第五条关于课后服务收费的规定，减轻家长负担，保障学生权益。"


def test_identical_and_near_identical_comments_share_a_group(page):
    a, _ = service.submit_comment(page.pk, comment_input(CAMPAIGN))
    b, _ = service.submit_comment(page.pk, comment_input(CAMPAIGN + "！"))
    c, _ = service.submit_comment(page.pk, comment_input(CAMPAIGN.replace("强烈", "非常")))
    d, _ = service.submit_comment(page.pk, comment_input("建议在第二条中增加对随迁子女入学的保障措施。"))
    assert a.group_id == b.group_id == c.group_id
    assert d.group_id != a.group_id


def test_earlier_comments_are_not_split_into_shingles_again_for_each_new_one(page):
    from govopen_wagtail import textcheck

    variants = [CAMPAIGN.replace("强烈", word) for word in ("非常", "坚决", "一致", "郑重")]
    service.submit_comment(page.pk, comment_input(CAMPAIGN))
    with mock.patch.object(textcheck, "shingles", wraps=textcheck.shingles) as split:
        groups = {service.submit_comment(page.pk, comment_input(body))[0].group_id for body in variants}
    # Each new comment once for itself, each earlier one once in all.
    assert split.call_count <= 2 * len(variants), split.call_args_list
    assert len(groups) == 1
    # A long comment's pairs are not kept: they would hold too much memory.
    long_body = CAMPAIGN * (service.KEPT_SHINGLES_MAX_CHARS // len(CAMPAIGN) + 1)
    service._kept_shingles.cache_clear()
    assert service._known_shingles(long_body) == textcheck.shingles(long_body)
    assert service._known_shingles(CAMPAIGN) == textcheck.shingles(CAMPAIGN)
    assert service._kept_shingles.cache_info().currsize == 1


def test_a_comment_joins_the_group_of_its_exact_copy_first_then_its_nearest_copy(page, index):
    near, _ = service.submit_comment(page.pk, comment_input(CAMPAIGN))
    copy = CAMPAIGN.replace("强烈", "非常")
    exact, _ = service.submit_comment(page.pk, comment_input(copy))
    assert exact.group_id == near.group_id
    # Staff split the second text into a group of its own: its copies
    # follow it there, not the older comment they are also near to.
    own = CommentGroup.objects.create(consultation=page)
    ConsultationComment.objects.filter(pk=exact.pk).update(group=own)
    again, _ = service.submit_comment(page.pk, comment_input(copy + "！"))
    assert again.group_id == own.pk
    # Without an exact copy, as near to both: the older group.
    variant, _ = service.submit_comment(page.pk, comment_input(CAMPAIGN.replace("强烈", "郑重")))
    assert variant.group_id == near.group_id


def test_spam_and_other_consultations_comments_are_never_a_comments_group(page, index):
    spam, _ = service.submit_comment(page.pk, comment_input(CAMPAIGN))
    ConsultationComment.objects.filter(pk=spam.pk).update(status=ConsultationComment.Status.SPAM)
    other_page = make_consultation(index, slug="other-draft")
    elsewhere, _ = service.submit_comment(other_page.pk, comment_input(CAMPAIGN))
    first, _ = service.submit_comment(page.pk, comment_input(CAMPAIGN))
    near, _ = service.submit_comment(page.pk, comment_input(CAMPAIGN.replace("强烈", "非常")))
    assert first.group_id not in (spam.group_id, elsewhere.group_id)
    assert near.group_id == first.group_id
    assert elsewhere.group_id != spam.group_id


def test_the_candidates_are_the_oldest_two_hundred_sharing_a_value_after_the_exact_copies(page, index):
    from govopen_wagtail import textcheck

    other_page = make_consultation(index, slug="other-draft")
    variants = [f"{CAMPAIGN}第{i}条意见" for i in range(230)] + ["建议在第二条中增加对随迁子女入学的保障措施。"] * 3
    for i, body in enumerate(variants):
        service.submit_comment(other_page.pk if i % 23 == 5 else page.pk, comment_input(body))
    ids = list(ConsultationComment.objects.filter(consultation=page).order_by("pk").values_list("pk", flat=True))
    ConsultationComment.objects.filter(pk__in=ids[3:40:4]).update(status="spam")
    # The campaign's values, and the fingerprint of the three identical texts.
    bands, fingerprint = textcheck.minhash_bands(textcheck.shingles(CAMPAIGN)), textcheck.fingerprint(variants[-1])

    def expected(bands, limit):
        rows = []
        for c in ConsultationComment.objects.filter(consultation=page, group__isnull=False).exclude(
                status="spam").order_by("pk"):
            if c.fingerprint == fingerprint:
                rows.append((0, c.pk, c.body, c.group_id))
            elif bands is not None and any(getattr(c, f"band{i}") == band for i, band in enumerate(bands)):
                rows.append((1, c.pk, c.body, c.group_id))
        return [(same, body, group) for same, _pk, body, group in sorted(rows)[:limit]]

    found = service._group_candidates(page.pk, fingerprint, bands)
    assert len(found) == 200 and found[0][0] == 0
    assert found == expected(bands, 200)
    assert service._group_candidates(page.pk, fingerprint, None) == expected(None, 1)


@override_settings(GOVOPEN_CAMPAIGN_SIMILARITY=0)
def test_near_duplicate_grouping_can_be_turned_off(page):
    a, _ = service.submit_comment(page.pk, comment_input(CAMPAIGN))
    b, _ = service.submit_comment(page.pk, comment_input(CAMPAIGN + "！"))
    c, _ = service.submit_comment(page.pk, comment_input(CAMPAIGN.replace("强烈", "非常")))
    assert a.group_id == b.group_id != c.group_id


def test_short_comments_group_only_when_identical(page):
    a, _ = service.submit_comment(page.pk, comment_input("同意"))
    b, _ = service.submit_comment(page.pk, comment_input("同意。"))
    c, _ = service.submit_comment(page.pk, comment_input("不同意"))
    assert a.group_id == b.group_id != c.group_id


# Notifications -----------------------------------------------------------------


@override_settings(GOVOPEN_COMMENT_MODERATION=False)
def test_a_comment_published_at_once_is_announced_after_its_commit(client, page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert post_comment(client, page, contact_email="parent@example.com", notify="on").status_code == 302
    assert mail.outbox == [] and callbacks  # not while the comment may still be rolled back
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["parent@example.com"]]


def test_opted_in_commenters_are_told_once_when_published(client, page, django_capture_on_commit_callbacks):
    post_comment(client, page, contact_email="parent@example.com", notify="on")
    post_comment(client, page, body="另一条意见，不要通知", contact_email="quiet@example.com")
    ids = list(ConsultationComment.objects.values_list("pk", flat=True))
    assert len(mail.outbox) == 0
    with django_capture_on_commit_callbacks(execute=True):
        service.moderate(ids, "publish", None)
    assert [m.to for m in mail.outbox] == [["parent@example.com"]]
    assert page.title in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        service.moderate(ids, "pending", None)
        service.moderate(ids, "publish", None)
    assert len(mail.outbox) == 1


def test_a_comment_post_costs_the_same_few_queries_however_many_came_before(client, platform):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = make_consultation(make_consultation_index(platform.index))
    counts, tables = [], set()
    for i in range(12):
        html = client.get(page.url).content.decode()
        data = {"body": f"第{i}条：建议将课后服务结束时间调整为18:00，家长下班较晚，接送困难。", "commenter_category": "individual",
                "section": "", **form_fields(html)}
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(comment_url(page), data).status_code == 302
        counts.append(len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]))
        tables |= {word for q in ctx.captured_queries for word in q["sql"].split() if "referenceindex" in word}
    assert ConsultationComment.objects.filter(consultation=page).count() == 12
    assert not tables  # comments are records, not content: no reference index work
    # Routed from the site's root in one go (RoutingMiddleware): 10 before.
    # The site and the stamp in one; the page's own row kept under the stamp.
    assert counts[-1] == counts[1] and counts[-1] <= 5, counts


def test_a_comment_unlike_any_other_costs_no_more_than_six_queries(client, platform):
    """Each in a group of its own (one more insert), routed five levels down."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = make_consultation(make_consultation_index(platform.index))
    bodies = ["建议延长课后服务时间，方便双职工家庭接送孩子。", "收费标准应当公开，并接受家长委员会监督检查。",
              "第三条中的“原则上”表述过于模糊，建议删除。", "希望增加体育锻炼和阅读活动，减少书面作业量。"]
    counts, savepoints = [], []
    for body in bodies:
        html = client.get(page.url).content.decode()
        data = {"body": body, "commenter_category": "individual", "section": "", **form_fields(html)}
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(comment_url(page), data).status_code == 302
        counts.append(len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]))
        savepoints.append([q["sql"].split()[0] for q in ctx.captured_queries if "SAVEPOINT" in q["sql"]])
    assert CommentGroup.objects.filter(consultation=page).count() == len(bodies)
    # 11 before RoutingMiddleware, 8 before the stamp came with the site, 7
    # before the page's row was kept under it.
    assert max(counts[1:]) <= 6, counts
    # The view's transaction (a savepoint here, inside the test's) and one
    # savepoint around the group and the comment; one more around both before.
    assert all(names.count("SAVEPOINT") == 2 for names in savepoints), savepoints


def test_the_comments_history_manager_is_made_once_and_bound_to_its_comment(page):
    one, _ = service.submit_comment(page.pk, comment_input("第一条意见的历史"))
    two, _ = service.submit_comment(page.pk, comment_input("第二条意见，另有历史"))
    service.moderate([one.pk], "publish", None)
    # simple_history made a new manager class on every access, for every
    # history row it wrote; the class is now made once, the manager still
    # bound to the comment it is read from.
    assert type(one.history) is type(two.history) is type(ConsultationComment.history)
    assert [h.history_type for h in one.history.order_by("history_id")] == ["+", "~"]
    assert [h.history_type for h in two.history.all()] == ["+"]
    assert ConsultationComment.history.count() == 3
    assert one.history.first().instance.status == Status.PUBLISHED
