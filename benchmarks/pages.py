"""Page benchmark: the staff pages at city scale, each against a bare admin page in the same run.

How to run (from the project folder), after `make bench-data` (benchmarks/generate.py):

    make bench-pages
    # which runs:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/elevator_bench .venv/bin/python benchmarks/pages.py \
        --small-database elevator_bench_small

Options: --requests N (timed requests per page, default 30), --max-seconds S (stop a page
after S seconds of timing once it has 5 requests, default 60), --only KEY (pages whose key
contains KEY), --no-readme (print the table only), --readme-block NAME (the README markers to
write between: bench-pages by default, bench-pages-before for the numbers before the fixes).

What it does:
1. for each database — the small one (seed_demo only: 6 cases) and the big one (DATABASE_URL,
   e.g. 20,000 cases), each migrated first so it follows the code being measured — picks
   the pages to open (`--resolve`, a subprocess with Django set up on that database: a case
   number, an address, a compound and a two-character owner name to search for, the case
   page, the vote page of the largest unit with a vote) and signs the users in by writing
   session rows (no password, no login throttle);
2. starts gunicorn with 2 workers on a free loopback port with `benchmarks.settings`
   (DEBUG off, whitenoise, the portal's middleware plus a query counter that answers in
   `X-Query-Count`, and the bare page at /bench/bare/: the admin's base template with the
   admin's context, behind the same sign-in);
3. on the small database, opens each page six times and keeps its fewest queries; on the
   big one, after a warm-up, times N requests of each page interleaved with N of the bare
   page (bare, page, bare, page …) as the same user, wall-clock from the request to the
   last byte of the body;
4. prints a Markdown table — median and p95 in ms, each as a ratio to the bare page's
   median and p95 of the same run, the query counts at both sizes, the target — and
   writes it into README.md between <!-- bench-pages:start --> and <!-- bench-pages:end -->,
   with the load average at the start and the end and the commit the server ran.
   A target is met when the median ratio is within it and the two query counts are equal;
   a missed target is marked, never hidden. Exit status 1 when any page answered other
   than 200.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
BARE = "/bench/bare/"
DEMO_CASES = 6  # seed_demo's cases: the first six of either database

# key, label, target ratio (None: measured, no target)
PAGES = (
    ("list", "案件列表 case list", 2),
    ("list_step", "案件列表·按程序筛选 filtered by step (?current_step=2)", 2),
    ("list_status", "案件列表·按状态筛选 filtered by status (?status=open)", 2),
    # The deadline filters and order (issue 16 §1): the list, filtered or not, ≤ 2×.
    ("list_waiting", "案件列表·待谁办理 waiting for planning (?waiting=planning)", 2),
    ("list_due", "案件列表·已超期 overdue (?due=overdue)", 2),
    ("list_order_due", "案件列表·按办理时限排序 by due date (?o=due)", 2),
    ("search_number", "搜索·案件编号 search by case number", 3),
    ("search_address", "搜索·楼栋地址 search by address", 3),
    ("search_compound", "搜索·小区名称 search by compound (刺桐)", 3),
    ("search_owner", "搜索·业主姓名 search by owner name (2 characters)", 3),
    ("queue", "我的待办 my queue", 2),
    ("case_page", "案件页 case page", 5),
    ("vote_page", "表决页 vote page", 3),
    ("audit", "审计日志 audit log", None),
    # The dashboard (oversight, issue 16 §3): every figure an aggregate over the user's offices.
    ("dashboard", "监督看板 dashboard", 5),
)
USERS = ("admin", "fz_zhujian")
# "My queue ≤ 2× for every user": the other demo users open their queue only.
QUEUE_ONLY_USERS = ("fz_zigui", "fz_chengguan", "fz_shijian", "fz_gongjijin", "fz_daijian", "city_dudao")
# … and the city supervisor its home page, the dashboard over every office.
DASHBOARD_USERS = ("city_dudao",)


# --- inside Django (python benchmarks/pages.py --resolve, with DATABASE_URL) -----------------------


def resolve() -> dict:
    """The pages to open and a session per user, on the database of DATABASE_URL."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()
    from django.core.management import call_command

    # The benchmark's databases follow the code being measured (a fix may add an index or a
    # table the services fill; its migration fills it for the rows already there).
    call_command("migrate", verbosity=0)
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count
    from django.db.models.functions import Length
    from django.urls import reverse

    from cases import selectors
    from cases.models import Building, Case, Flat, User
    from voting.models import Ballot

    def session_for(user) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    def middle(qs):
        count = qs.count()
        return qs[count // 2] if count else None

    def pick(cases):
        # The case page: the open case furthest along with the most flats (a full timeline).
        case = (
            cases.filter(status="open")
            .annotate(flats=Count("unit__flats"))
            .order_by("-current_step", "-flats", "number")
            .first()
        )
        # The vote page: the largest unit (33 flats at most) with a vote, the most ballots first.
        vote_case = (
            cases.filter(votes__isnull=False)
            .annotate(flats=Count("unit__flats", distinct=True), ballots=Count("votes__ballots", distinct=True))
            .filter(flats__lte=33)
            .order_by("-flats", "-ballots", "number")
            .first()
        )
        return case, vote_case

    changelist = reverse("admin:cases_case_changelist")
    demo_pks = list(Case.objects.order_by("pk").values_list("pk", flat=True)[:DEMO_CASES])
    pages, sessions = [], {}
    for username in USERS + QUEUE_ONLY_USERS:
        user = User.objects.get(username=username)
        sessions[username] = session_for(user)
        queue = reverse("admin:cases_case_queue")
        if username not in USERS:
            pages.append({"key": "queue", "user": username, "url": queue, "note": ""})
            if username in DASHBOARD_USERS:
                pages.append({"key": "dashboard", "user": username, "url": reverse("oversight:dashboard"), "note": ""})
            continue
        cases = selectors.case_list_visible_to(user=user)
        number = middle(cases.order_by("number").values_list("number", flat=True))
        address = middle(
            selectors.building_list_visible_to(user=user)
            .filter(units__cases__isnull=False)
            .distinct()
            .order_by("address")
            .values_list("address", flat=True)
        )
        owner_name = middle(
            selectors.owner_list_visible_to(user=user)
            .annotate(length=Length("name"))
            .filter(length=2)
            .order_by("name", "pk")
            .values_list("name", flat=True)
        )
        case, vote_case = pick(cases)
        # The same choice among the demo's six cases, which both databases hold: the query
        # counts compare the same case at both sizes.
        twin_case, twin_vote_case = pick(cases.filter(pk__in=demo_pks))
        found = {
            "list": (changelist, ""),
            "list_step": (f"{changelist}?current_step__exact=2", ""),
            "list_status": (f"{changelist}?status__exact=open", ""),
            "list_waiting": (f"{changelist}?waiting=planning", ""),
            "list_due": (f"{changelist}?due=overdue", ""),
            "list_order_due": (f"{changelist}?o=due", ""),
            "search_number": (f"{changelist}?q={quote(number)}", number),
            "search_address": (f"{changelist}?q={quote(address)}", address),
            "search_compound": (f"{changelist}?q={quote('刺桐')}", "刺桐"),
            "search_owner": (f"{changelist}?q={quote(owner_name)}", owner_name),
            "queue": (queue, ""),
            "case_page": (
                reverse("admin:cases_case_change", args=[case.pk]),
                f"{case.number}, step {case.current_step}, {case.flats} flats",
            ),
            "vote_page": (
                reverse("admin:voting_case_vote", args=[vote_case.pk]),
                f"{vote_case.number}, {vote_case.flats} flats, {vote_case.ballots} ballots",
            ),
            "audit": (reverse("admin:audit_auditevent_changelist"), ""),
            "dashboard": (reverse("oversight:dashboard"), ""),
        }
        twins = {
            "case_page": (reverse("admin:cases_case_change", args=[twin_case.pk]), twin_case.number),
            "vote_page": (reverse("admin:voting_case_vote", args=[twin_vote_case.pk]), twin_vote_case.number),
        }
        pages += [
            {
                "key": key,
                "user": username,
                "url": found[key][0],
                "note": found[key][1],
                "twin": twins.get(key, (None, ""))[0],
                "twin_note": twins.get(key, (None, ""))[1],
            }
            for key, _label, _t in PAGES
        ]
    return {
        "cases": Case.objects.count(),
        "buildings": Building.objects.count(),
        "flats": Flat.objects.count(),
        "ballots": Ballot.objects.count(),
        "sessions": sessions,
        "pages": pages,
    }


# --- the driver -----------------------------------------------------------------------------------


def database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def run_resolve(url: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--resolve"],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"无法在 {url} 上选取页面：\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn, 2 sync workers, on a loopback port, against one database."""

    def __init__(self, url: str):
        self.url, self.port = url, free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115

    def __enter__(self) -> Server:
        env = {**os.environ, "DATABASE_URL": self.url, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "300",
                "--chdir",
                str(ROOT),
            ],
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, *_ = self.get(BARE, "")
                if status in (200, 302):
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit(f"gunicorn 未能启动，见 {self.log.name}")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def get(self, path: str, session: str) -> tuple[int, float, int | None]:
        """(status, seconds to the last byte, query count)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        headers = {"Cookie": f"sessionid={session}"} if session else {}
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - start
        conn.close()
        count = response.getheader("X-Query-Count")
        return response.status, elapsed, int(count) if count else None


def revision() -> str:
    """The commit the server ran, and whether the working tree differed from it."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git(
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        "cases",
        "voting",
        "documents",
        "config",
        "templates",
        "oversight",
    )
    return f"commit {head}" + (" with uncommitted changes in the app code" if changed else "")


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def query_counts(url: str) -> tuple[dict, dict]:
    """{(key, user): queries} on a database, each page opened six times (the fewest counts)."""
    resolved = run_resolve(url)
    counts = {}
    with Server(url) as server:
        for page in resolved["pages"]:
            session = resolved["sessions"][page["user"]]
            statuses, queries = set(), []
            for _ in range(6):
                status, _seconds, count = server.get(page["url"], session)
                statuses.add(status)
                queries.append(count)
            counts[(page["key"], page["user"])] = min(queries) if statuses == {200} else f"HTTP {sorted(statuses)}"
            if page["key"] in ("case_page", "vote_page"):  # not the same case as in the big database
                counts[(page["key"], page["user"])] = f"{counts[(page['key'], page['user'])]} ({page['note']})"
    return counts, resolved


def measure(url: str, *, requests: int, max_seconds: float, only: str) -> tuple[list[dict], dict]:
    resolved = run_resolve(url)
    rows = []
    with Server(url) as server:
        for page in resolved["pages"]:
            if only and only not in page["key"]:
                continue
            session = resolved["sessions"][page["user"]]
            for _ in range(3):  # warm-up: both workers, their caches and connections
                server.get(BARE, session)
                status, _seconds, _queries = server.get(page["url"], session)
            bare, times, queries, statuses = [], [], [], set()
            started = time.monotonic()
            for done in range(requests):
                bare.append(server.get(BARE, session)[1])
                status, seconds, count = server.get(page["url"], session)
                times.append(seconds)
                queries.append(count)
                statuses.add(status)
                if done >= 4 and time.monotonic() - started > max_seconds:
                    break
            row = {
                **page,
                "n": len(times),
                "median": statistics.median(times),
                "p95": p95(times),
                "bare_median": statistics.median(bare),
                "bare_p95": p95(bare),
                "bare_times": bare,
                # The fewest: a worker's first requests fill per-process caches (content types).
                "queries": min(q for q in queries if q is not None) if any(queries) else None,
                "statuses": sorted(statuses),
            }
            row["twin_queries"] = row["queries"]
            if page.get("twin") and page["twin"] != page["url"]:
                twin = [server.get(page["twin"], session) for _ in range(6)]
                ok = all(status == 200 for status, _seconds, _count in twin)
                row["twin_queries"] = min(count for _s, _t, count in twin) if ok else "HTTP error"
            row["ratio_median"] = row["median"] / row["bare_median"]
            row["ratio_p95"] = row["p95"] / row["bare_p95"]
            rows.append(row)
            print(
                f"  {page['user']:<13} {page['key']:<16} n={row['n']:<3} median {row['median'] * 1000:7.0f} ms "
                f"({row['ratio_median']:6.1f}×)  p95 {row['p95'] * 1000:7.0f} ms  queries {row['queries']}  "
                f"{'' if statuses == {200} else 'HTTP ' + str(sorted(statuses))}",
                flush=True,
            )
    return rows, resolved


def table(rows: list[dict], small_counts: dict, big: dict, small: dict, requests: int, load: str) -> str:
    labels = {key: (label, target) for key, label, target in PAGES}
    bare: dict[str, list[float]] = {}
    for r in rows:
        bare.setdefault(r["user"], []).extend(r["bare_times"])
    lines = [
        f"Measured by `make bench-pages` (`benchmarks/pages.py`) on {time.strftime('%Y-%m-%d')}: Python "
        f"{platform.python_version()}, PostgreSQL on 127.0.0.1, gunicorn with 2 sync workers on loopback, "
        f"{platform.machine()}, {os.cpu_count()} CPUs, load average {load}; code at {revision()}. Database: "
        f"{big['cases']:,} cases, {big['buildings']:,} buildings, {big['flats']:,} flats, {big['ballots']:,} ballots "
        f"(`benchmarks/generate.py`); the query counts at {small['cases']} cases are from the demo data alone. "
        f"Up to {requests} timed requests per page, each after a request of the bare page "
        "(the admin's base template with the admin's context, behind the same sign-in) by the same user; "
        "ratios are page ÷ bare page of the same run. Queries: the fewest of a page's requests (a worker's first "
        "requests also fill its caches). A target is met when the median ratio is within it and "
        "the query count is the same at both sizes.",
        "",
        "Bare page: "
        + "; ".join(
            f"{user} median {statistics.median(times) * 1000:.0f} ms, p95 {p95(times) * 1000:.0f} ms"
            for user, times in bare.items()
            if user in USERS
        )
        + ".",
        "",
        f"| page | user | n | median ms | p95 ms | ratio median | ratio p95 | queries at {small['cases']} | "
        f"queries at {big['cases']:,} | target |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for r in rows:
        label, target = labels[r["key"]]
        if r["note"]:
            label += f" — {r['note']}"
        at_small = small_counts.get((r["key"], r["user"]), "—")
        # The case and vote pages compare the same demo case at both sizes; the timed case's
        # count is shown beside it.
        equal = str(at_small).split(" ")[0] == str(r["twin_queries"])
        at_big = str(r["queries"])
        if r.get("twin_note"):
            at_big = f"{r['twin_queries']} ({r['twin_note']}); timed case: {r['queries']}"
        if r["statuses"] != [200]:
            verdict = f"❌ HTTP {r['statuses']}"
        elif target is None:
            verdict = f"— · queries {'✅' if equal else '❌'}"
        else:
            verdict = f"≤ {target}× {'✅' if r['ratio_median'] <= target else '❌'} · queries {'✅' if equal else '❌'}"
        lines.append(
            f"| {label} | {r['user']} | {r['n']} | {r['median'] * 1000:.0f} | {r['p95'] * 1000:.0f} | "
            f"{r['ratio_median']:.1f}× | {r['ratio_p95']:.1f}× | {at_small} | {at_big} | {verdict} |"
        )
    return "\n".join(lines)


def write_readme(text: str, block: str) -> None:
    start, end = f"<!-- {block}:start -->", f"<!-- {block}:end -->"
    content = README.read_text(encoding="utf-8")
    if start not in content or end not in content:
        raise SystemExit(f"README.md has no {start} … {end} markers")
    before, rest = content.split(start, 1)
    _, after = rest.split(end, 1)
    README.write_text(f"{before}{start}\n{text}\n{end}{after}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--max-seconds", type=float, default=60)
    parser.add_argument("--small-database", default="elevator_bench_small")
    parser.add_argument("--only", default="", help="only pages whose key contains this")
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument(
        "--readme-block",
        default="bench-pages",
        help="the README markers to write between (bench-pages-before holds the numbers before the fixes)",
    )
    parser.add_argument("--resolve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.resolve:
        print(json.dumps(resolve(), ensure_ascii=False))
        return 0
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("请用 DATABASE_URL=postgres://… 指定生成的大数据库（benchmarks/generate.py）。")

    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    small_url = database_url(args.small_database)
    print(f"查询次数（小库 {args.small_database}）…", flush=True)
    small_counts, small = query_counts(small_url)
    print(f"计时（{urlsplit(os.environ['DATABASE_URL']).path.lstrip('/')}）…", flush=True)
    rows, big = measure(
        os.environ["DATABASE_URL"], requests=args.requests, max_seconds=args.max_seconds, only=args.only
    )
    load += " at the start, " + "/".join(f"{x:.1f}" for x in os.getloadavg()) + " at the end"
    text = table(rows, small_counts, big, small, args.requests, load)
    print()
    print(text)
    if not args.no_readme and not args.only:
        write_readme(text, args.readme_block)
        print(f"\n→ written to {README.relative_to(ROOT)} between the {args.readme_block} markers")
    return 1 if any(r["statuses"] != [200] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
