"""Benchmark: one public comment POST, in-process.

Builds a consultation five levels below the site root with N comments
already received (default 2,000, a fifth of them one campaign's near
copies), then sends M more through the Django test client the way a phone
does (GET the page for its token and captcha, then POST), and prints the
POST's latency percentiles and its queries: for a comment joining a
campaign and for one unlike any other. The GETs are not timed.

    .venv/bin/python bench/comment_post.py [--before 2000] [--posts 200]
    DATABASE_URL=postgres://root@127.0.0.1:5432/govopen bench/comment_post.py

Figures, not assertions: the query count is tested in tests/test_comments.py.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import time

from common import fresh_database


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=200)
    args = parser.parse_args()
    engine = fresh_database()

    from captcha.models import CaptchaStore
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from govopen_wagtail.models import DisclosureColumnPage
    from govopen_wagtail.services import comments as service
    from tests.factories import comment_input, make_consultation, make_consultation_index, make_platform, make_site, publish

    site = make_site("testserver")
    platform = make_platform(site)
    column = publish(platform.index, DisclosureColumnPage(title="互动交流", slug="hdjl", column="other"))
    page = make_consultation(make_consultation_index(column))
    rng = random.Random(7)
    words = "课后服务 收费 家长 学校 作业 体育 阅读 安全 食堂 校车 托管 教师 考试 招生 学位".split()
    campaign = "坚决反对延长在校时间，孩子需要休息，请充分听取家长意见。"
    started = time.perf_counter()
    for i in range(args.before):
        body = campaign + "！" * (i % 3) if i % 5 == 0 else "、".join(rng.sample(words, 6)) + f"，建议{i}。"
        service.submit_comment(page, comment_input(body))
    print(f"{engine}; consultation at depth {page.depth} with {args.before} comments "
          f"(built in {time.perf_counter() - started:.0f} s); {args.posts} POSTs per kind")

    client = Client()
    url = page.url + page.reverse_subpage("comment")

    sent = [0]

    def post(body):
        sent[0] += 1  # each from its own address, as a consultation's readers are: no rate limit
        address = f"10.{sent[0] // 65536 % 256}.{sent[0] // 256 % 256}.{sent[0] % 256}"
        html = client.get(page.url).content.decode()
        token = re.search(r'name="token" value="([^"]+)"', html).group(1)
        key = re.search(r'name="captcha_0" value="([^"]+)"', html).group(1)
        data = {"body": body, "commenter_category": "individual", "section": "", "token": token,
                "captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.post(url, data, REMOTE_ADDR=address)
            elapsed = (time.perf_counter() - t0) * 1000
        assert response.status_code == 302, response.status_code
        if os.environ.get("SHOW_QUERIES"):
            print("\n".join(q["sql"][:120] for q in ctx.captured_queries))
        # Transaction control (BEGIN, COMMIT, savepoints) is not counted.
        control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")
        return elapsed, len([q for q in ctx.captured_queries if not q["sql"].startswith(control)])

    post("热身")
    for label, make in (("joins the campaign", lambda i: campaign + "。" * (i % 4)),
                        ("unlike any other", lambda i: "、".join(rng.sample(words, 8)) + f"，另有看法{i}号。")):
        times, counts = [], []
        for i in range(args.posts):
            ms, queries = post(make(i))
            times.append(ms)
            counts.append(queries)
        print(f"{label:20} p50 {percentile(times, 50):6.1f} ms  p95 {percentile(times, 95):6.1f} ms  "
              f"mean {statistics.mean(times):6.1f} ms  queries {min(counts)}–{max(counts)}")


if __name__ == "__main__":
    main()
