"""Load test: thousands of public comments racing a consultation's closing.

Builds the example site on PostgreSQL (a fresh database, demo content and
one consultation), serves it with gunicorn, and submits N comments
(default 2,000) from C concurrent clients the way a phone does: GET the page
(CSRF cookie, form token, captcha), then POST. The consultation closes while
the load runs, so some submissions race the closing instant; a share of the
forms is sent twice (a double tap) to check that nothing is duplicated.

Then it checks, against the database:
  * every accepted submission (303/302 to a receipt) has its receipt row;
  * no comment was received at or after the closing instant;
  * refused submissions were refused because the window had closed;
  * a form sent twice produced one comment and the same receipt;
and prints throughput and latency percentiles. Figures, not assertions in
the test suite; the same rules are tested in tests/test_comments*.py.

    bash scripts/venv.sh bench
    .venv/bin/python bench/consultation_load.py [--comments 2000] [--clients 32] [--workers 4]

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/govopen_load)
and uses Redis (REDIS_URL, default redis://127.0.0.1:6379/14) for the shared
rate-limit cache when it answers. The captcha is real: the client reads the
answer of each challenge from the database, as a person reads the picture.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "example_site"
PYTHON = ROOT / ".venv" / "bin" / "python"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


@dataclass
class Outcome:
    status: int = 0
    receipt: str = ""
    get_ms: float = 0.0
    post_ms: float = 0.0
    sent_at: float = 0.0
    repeat_receipt: str | None = None
    error: str = ""
    refusal: str = ""


@dataclass
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _ticks(pid: int) -> int:
    """User + system CPU of one process, in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _machine_ticks() -> int:
    """CPU busy on the whole machine (all cores), in clock ticks."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4]  # all but idle and iowait


class CpuSplit:
    """Where the machine's CPU went during the run: the gunicorn workers,
    this client (threads building and parsing requests, reading captcha
    answers), and the rest (mostly PostgreSQL). Linux only; silent elsewhere."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.available = Path("/proc/stat").exists()

    def _read(self) -> tuple[int, int, float]:
        server = sum(_ticks(p) for p in [self.server_pid, *_children(self.server_pid)])
        usage = os.times()
        return _machine_ticks(), server, usage.user + usage.system

    def start(self) -> None:
        if self.available:
            self.before = self._read()

    def stop(self) -> None:
        if self.available:
            self.after = self._read()

    def report(self, count: int) -> str:
        if not self.available or not count:
            return ""
        hz = os.sysconf("SC_CLK_TCK")
        machine = (self.after[0] - self.before[0]) / hz
        server = (self.after[1] - self.before[1]) / hz
        client = self.after[2] - self.before[2]
        rest = max(0.0, machine - server - client)
        per = lambda seconds: seconds * 1000 / count
        return (f"CPU per submission {per(machine):.1f} ms on {os.cpu_count()} cores: gunicorn {per(server):.1f} ms, "
                f"this client {per(client):.1f} ms, the rest (PostgreSQL, Redis) {per(rest):.1f} ms")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def setup(env: dict, db_url: str) -> None:
    name = urllib.parse.urlparse(db_url).path.lstrip("/")
    admin = db_url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    run = lambda *args: subprocess.run([str(PYTHON), "manage.py", *args], cwd=SITE, env=env, check=True,
                                       stdout=subprocess.DEVNULL)
    run("migrate", "-v0")
    run("load_demo", "--no-superuser")


def make_consultation(env: dict, close_after: float) -> tuple[str, str]:
    """A fresh consultation closing ``close_after`` seconds from now."""
    code = f"""
import datetime as dt
from django.utils import timezone
from govopen_wagtail.models import ConsultationIndexPage, ConsultationPage
listing = ConsultationIndexPage.objects.get(slug="yjzj")
now = timezone.now()
page = ConsultationPage(title="压力测试征求意见稿", slug="load-" + str(int(now.timestamp())), summary="压力测试",
    draft=[("section", {{"heading": "第一条", "text": "<p>内容</p>"}})], responsible_unit="测试科",
    opens_at=now - dt.timedelta(days=30), closes_at=now + dt.timedelta(seconds={close_after}))
page.live = False
listing.add_child(instance=page)
page.save_revision(clean=False).publish()
page.refresh_from_db()
print("CREATED", page.url_path.split("/", 2)[2], page.closes_at.isoformat(), page.pk)
"""
    result = subprocess.run([str(PYTHON), "manage.py", "shell", "-c", code], cwd=SITE, env=env, check=True,
                            capture_output=True, text=True)
    line = next((l for l in result.stdout.splitlines() if l.startswith("CREATED ")), None)
    if line is None:
        sys.exit("could not create the consultation:\n" + result.stdout + result.stderr)
    _, path, closes, pk = line.split()
    return "/" + path, closes, int(pk)


_client = threading.local()


def _answers(db_url: str):
    """Each client thread's own connection for reading captcha answers (a
    new PostgreSQL connection per submission cost the machine more CPU than
    the server's work on it)."""
    import psycopg

    if getattr(_client, "conn", None) is None:
        _client.conn = psycopg.connect(db_url, autocommit=True)
    return _client.conn


def submit(base: str, path: str, n: int, db_url: str, run: Run, repeat: bool) -> None:
    outcome = Outcome()
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    try:
        t0 = time.perf_counter()
        html = opener.open(base + path, timeout=60).read().decode()
        outcome.get_ms = (time.perf_counter() - t0) * 1000
        found = re.search(r'name="token" value="([^"]+)"', html)
        if found is None:  # the page no longer offers the form: closed (and sets no CSRF cookie)
            outcome.status, outcome.refusal = 403, "closed (no form)"
            with run.lock:
                run.outcomes.append(outcome)
            return
        csrf = next(c.value for c in jar if c.name == "csrftoken")
        token = found.group(1)
        key = re.search(r'name="captcha_0" value="([^"]+)"', html).group(1)
        answer = _answers(db_url).execute("select response from captcha_captchastore where hashkey=%s",
                                          (key,)).fetchone()[0]
        body = urllib.parse.urlencode({
            "csrfmiddlewaretoken": csrf, "token": token, "captcha_0": key, "captcha_1": answer,
            "body": f"第{n}号压力测试意见：建议对第一条作出修改，理由见附件说明{random.randint(0, 10**9)}。",
            "commenter_category": "individual", "section": "",
        }).encode()

        def post() -> tuple[int, str, str]:
            request = urllib.request.Request(base + path + "comment/", data=body,
                                             headers={"Referer": base + path})
            try:
                response = opener.open(request, timeout=60)
                return response.status, "", response.read().decode()[:0]
            except urllib.error.HTTPError as exc:
                location = exc.headers.get("Location", "")
                text = exc.read().decode(errors="replace") if exc.code >= 400 else ""
                return exc.code, location, text

        outcome.sent_at = time.time()
        t0 = time.perf_counter()
        status, location, text = post()
        outcome.post_ms = (time.perf_counter() - t0) * 1000
        outcome.status = status
        outcome.receipt = location.rstrip("/").rsplit("/", 1)[-1] if location else ""
        if status == 403:
            outcome.refusal = "closed" if "截止" in text or "closed" in text else "other"
        if repeat and status in (302, 303):
            # A double tap: the same form again (the captcha is single-use,
            # so the resend is answered from the form token alone).
            status2, location2, _ = post()
            outcome.repeat_receipt = location2.rstrip("/").rsplit("/", 1)[-1] if location2 else f"status {status2}"
    except Exception as exc:  # reported in the summary
        outcome.error = f"{type(exc).__name__}: {exc}"
    with run.lock:
        run.outcomes.append(outcome)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--repeat-share", type=float, default=0.05, help="share of forms sent twice")
    parser.add_argument("--closing-share", type=float, default=0.9,
                        help="the window closes after about this share of the comments")
    args = parser.parse_args()

    db_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/govopen_load")
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_DEBUG": "0",
           "GOVOPEN_RATE_LIMITS": json.dumps({"comment": "1000000/h"}),
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
    try:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        env["REDIS_URL"] = redis_url
    except Exception:
        env.pop("REDIS_URL", None)
        print("Redis not reachable: rate limits use each worker's local memory")

    print(f"Setting up {db_url} …")
    setup(env, db_url)
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "example_site.wsgi:application", "-w", str(args.workers),
         "-b", f"127.0.0.1:{args.port}", "--log-level", "warning"],
        cwd=SITE, env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except Exception:
                time.sleep(0.2)
        # Warm up on a long-open consultation to estimate the rate.
        warm_path, _, _ = make_consultation(env, 3600)
        # Only the second round is timed: the first pays for the workers'
        # imports, connections and caches, and made the rate look so low
        # that every comment came in before the close.
        for timed in (False, True):
            warm = Run()
            t0 = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                for i in range(min(200, args.comments // 5)):
                    pool.submit(submit, base, warm_path, i + 1000 * timed, db_url, warm, False)
        rate = len(warm.outcomes) / (time.perf_counter() - t0)
        close_after = args.comments / rate * args.closing_share
        path, closes_iso, page_id = make_consultation(env, close_after)
        print(f"Warm-up: {rate:.0f} comments/s; the test consultation closes in {close_after:.1f} s ({closes_iso})")

        run = Run()
        cpu = CpuSplit(server.pid)
        cpu.start()
        start, started_at = time.perf_counter(), time.time()
        with ThreadPoolExecutor(args.clients) as pool:
            for i in range(args.comments):
                pool.submit(submit, base, path, i, db_url, run, random.random() < args.repeat_share)
        elapsed = time.perf_counter() - start
        cpu.stop()
    finally:
        server.terminate()
        server.wait(10)

    import psycopg

    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select receipt_number, received_at from govopen_wagtail_consultationcomment where consultation_id=%s",
            (page_id,),
        ).fetchall()
        closes_at = conn.execute(
            "select closes_at from govopen_wagtail_consultationpage where page_ptr_id=%s", (page_id,)
        ).fetchone()[0]
    saved = {r[0]: r[1] for r in rows}
    outcomes = run.outcomes
    accepted = [o for o in outcomes if o.status in (302, 303)]
    refused = [o for o in outcomes if o.status == 403]
    errors = [o for o in outcomes if o.error or o.status not in (302, 303, 403)]
    repeats = [o for o in accepted if o.repeat_receipt is not None]
    missing = [o.receipt for o in accepted if o.receipt not in saved]
    late = [r for r, at in saved.items() if at >= closes_at]
    dup_ok = all(o.repeat_receipt == o.receipt for o in repeats)

    print()
    print(f"Submissions       {len(outcomes)} in {elapsed:.1f} s = {len(outcomes) / elapsed:.0f}/s "
          f"({args.clients} clients, gunicorn {args.workers} workers, PostgreSQL)")
    print(f"Accepted          {len(accepted)} (receipts), refused after closing {len(refused)}, "
          f"other/errors {len(errors)}")
    # Accepted submissions per second of the window the run had: after the
    # close only refusals are left to answer (cheaper: the page has no form).
    open_for = min(elapsed, max(0.001, closes_at.timestamp() - started_at))
    print(f"While open        {len(accepted)} accepted in the {open_for:.1f} s the window was open = "
          f"{len(accepted) / open_for:.0f}/s")
    print(f"In the database   {len(saved)} comments; accepted without a row: {len(missing)}; "
          f"rows not accepted: {len(set(saved) - {o.receipt for o in accepted})}")
    print(f"Received late     {len(late)} (at or after {closes_at.isoformat()})")
    print(f"Refusal reasons   {sorted({o.refusal for o in refused})} "
          f"({sum(1 for o in refused if o.post_ms)} at the POST, the rest found the form gone)")
    print(f"Sent twice        {len(repeats)}; same receipt both times: {dup_ok}")
    split = cpu.report(len(outcomes))
    if split:
        print(split)
    gets = [o.get_ms for o in outcomes if o.get_ms]
    posts = [o.post_ms for o in outcomes if o.post_ms]
    closing_ts = closes_at.timestamp()
    racing = [o for o in outcomes if o.sent_at and abs(o.sent_at - closing_ts) < 1.0]
    print(f"Racing the close  {len(racing)} POSTs sent within 1 s of the closing instant: "
          f"{sum(1 for o in racing if o.status in (302, 303))} accepted, {sum(1 for o in racing if o.status == 403)} refused")
    for label, values in (("GET page", gets), ("POST comment", posts)):
        print(f"{label:<17} p50 {percentile(values, 50):6.0f} ms  p90 {percentile(values, 90):6.0f} ms  "
              f"p99 {percentile(values, 99):6.0f} ms  max {max(values):6.0f} ms  mean {statistics.mean(values):6.0f} ms")
    for o in errors[:5]:
        print("  error:", o.status, o.error)
    ok = not missing and not late and dup_ok and not errors and len(saved) == len(accepted)
    print("RESULT", "OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
