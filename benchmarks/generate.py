"""Fill a PostgreSQL database with a city's worth of cases, for the page benchmark.

How to run (from the project folder):

    make bench-data
    # which runs, for the demo alone and for 20,000 cases more:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/elevator_bench_small \
        .venv/bin/python benchmarks/generate.py --cases 0 --recreate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/elevator_bench \
        .venv/bin/python benchmarks/generate.py --cases 20000 --recreate

What it does:
1. creates the database when it does not exist (and marks it as benchmark data with a
   COMMENT); `--recreate` drops and recreates a database it marked before. A database that
   already holds cases and is not marked is refused unless `--force`;
2. migrates and runs `seed_demo` (the demo users — admin, fz_zhujian, … — are the
   benchmark's users, and the demo's six cases are among the cases), and gives every
   office one officer and one reviewer per department (`<code>_zhujian`, `<code>_zigui`, …;
   the demo's own where they exist; generated ones cannot sign in);
3. adds `--cases` cases spread evenly over the 13 jurisdictions: compounds of buildings, one
   elevator unit (6–33 flats: 6–11 floors × 1–3 flats) per case, owners (each an office's
   record with its city-wide Person; co-owners, a two-flat owner in many units, a few
   people registered by two offices, developer-held flats), the eight steps in states the
   workflow table allows (earlier steps approved or not required, the current one in
   progress, submitted or returned; completed and rejected cases), step history, window
   submissions and attachments, votes with ballots (voters, their keys and names as the vote
   page and the printed ballots form them: `voting.voters.unit_voters`), corrections chained with
   `replaces`, witness records, generated documents, funding, coefficients, agreements,
   and the audit rows the services would have written. Case numbers follow the opening
   date per jurisdiction and year; the CaseSequence rows are set to match;
4. runs VACUUM ANALYZE, as autovacuum would after a bulk load, so plans are realistic.

Everything comes from one seeded random generator (`--seed`): the same arguments give the
same rows (dates are relative to the day it runs). Rows are written with the ORM's
bulk_create in large batches; file fields all point at one tiny placeholder file under
the benchmark settings' MEDIA_ROOT (var/bench-private).
"""

from __future__ import annotations

import argparse
import datetime
import functools
import hashlib
import io
import os
import random
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

MARK = "elevator-retrofit benchmark data (benchmarks/generate.py)"
DEMO_CASE_COUNT = 6  # what seed_demo opens
BATCH = 5000
CHUNK = 500  # cases written per transaction

SURNAMES = "陈林黄王李张吴刘郑蔡许洪苏庄杨曾施柯郭谢周叶何徐朱潘骆傅肖颜"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志文斌玉梅美玲晓东雅琴立新海燕春金龙少淑珍荣福清水"
COMPOUND_PREFIXES = (
    "刺桐 东湖 温陵 阳光 丰泽 金山 宝洲 清源 桂花 梅峰 笋江 云谷 涂山 田安 华侨 海滨 新华 泉秀 福园 丽景 "
    "锦绣 滨江 书香 龙宫 紫荆 玉霞 凤凰 洛阳 顺济 古榕 晋光 世纪 建设 电力 教师 文化 刺桐红 东源 南俊 西湖"
).split()
COMPOUND_SUFFIXES = "花园 小区 新村 公寓 家园 苑 大厦 山庄 雅居 广场".split()
STREETS = {
    "LC": "开元街道 鲤中街道 海滨街道 临江街道 浮桥街道 金龙街道 江南街道 常泰街道",
    "FZ": "东湖街道 丰泽街道 泉秀街道 清源街道 华大街道 城东街道 东海街道 北峰街道",
    "LJ": "万安街道 双阳街道 河市镇 马甲镇",
    "QG": "山腰街道 南埔镇 前黄镇 涂岭镇",
    "SS": "湖滨街道 凤里街道 灵秀镇 宝盖镇 蚶江镇",
    "JJ": "青阳街道 梅岭街道 西园街道 罗山街道 灵源街道 新塘街道 安海镇",
    "NA": "溪美街道 柳城街道 美林街道 水头镇 官桥镇",
    "HA": "螺城镇 螺阳镇 张坂镇 东岭镇",
    "AX": "凤城镇 城厢镇 参内镇 龙门镇",
    "YC": "桃城镇 五里街镇 石鼓镇",
    "DH": "浔中镇 龙浔镇 三班镇",
    "KF": "清濛街道 江南片区",
    "TZ": "洛阳镇 东园镇 张坂镇 百崎回族乡",
}
REGION_CODES = "350502 350503 350504 350505 350521 350524 350525 350526 350527 350581 350582 350583".split()
DEPARTMENT_USER = {
    "housing": "zhujian",
    "planning": "zigui",
    "urban": "chengguan",
    "market": "shijian",
    "fund": "gongjijin",
}
DEMO_COMPANY_CODE = "91350503MA2Y4K7Q3G"  # the demo's agent builder (fz_daijian's company)


def say(*parts) -> None:
    print(*parts, flush=True)


# --- the database ------------------------------------------------------------------------------


def _admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/postgres")), name


def prepare_database(url: str, *, recreate: bool, force: bool) -> bool:
    """Create (or with --recreate drop and create) the database; True when it carries our mark."""
    import psycopg
    from psycopg import sql

    admin_url, name = _admin_url(url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        ours = row is not None and row[0] == MARK
        if row is not None and recreate:
            if not ours and not force:
                raise SystemExit(f"拒绝删除数据库 {name}：它不是本脚本生成的（无标记）。确需删除请加 --force。")
            say(f"删除数据库 {name} …")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            row = None
        if row is None:
            say(f"创建数据库 {name} …")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(MARK)))
            ours = True
    return ours


# --- people ------------------------------------------------------------------------------------


class Identities:
    """Unique, valid ID numbers (GB 11643) and credit codes (GB 32100), names and phones."""

    def __init__(self, rng: random.Random, taken: set[str]):
        self.rng, self.taken = rng, taken

    def id_number(self) -> str:
        from cases.validators import id_number_check_char

        rng = self.rng
        while True:
            birth = datetime.date(1935, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 60))
            first17 = f"{rng.choice(REGION_CODES)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
            number = first17 + id_number_check_char(first17)
            if number not in self.taken:
                self.taken.add(number)
                return number

    def credit_code(self) -> str:
        from cases.validators import _USCC_ALPHABET, credit_code_check_char

        while True:
            body = "".join(self.rng.choice(_USCC_ALPHABET) for _ in range(9))
            first17 = f"91{self.rng.choice(REGION_CODES)}{body}"
            code = first17 + credit_code_check_char(first17)
            if code not in self.taken:
                self.taken.add(code)
                return code

    def name(self) -> str:
        rng = self.rng
        surname = SURNAMES[min(int(rng.expovariate(0.12)), len(SURNAMES) - 1)]
        return surname + "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.35 else 2))

    def phone(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"


# --- the plan of one case (dates as day offsets from its opening) ---------------------------------


@dataclass
class StepPlan:
    number: int
    department: str
    state: str = "not_started"
    started: float | None = None
    submitted: float | None = None
    decided: float | None = None
    notice: tuple[float, float] | None = None
    # (transition, from, to, day, note, channel, who): who is "system", "applicant" or "reviewer"
    history: list[tuple] = field(default_factory=list)
    submissions: list[tuple[float, str]] = field(default_factory=list)  # (day, channel)


@dataclass
class VotePlan:
    opened: float
    closed: float | None
    passed: bool | None
    turnout: float  # share of voters with a ballot


@dataclass
class CasePlan:
    index: int
    jurisdiction: object
    building_key: tuple
    unit_name: str
    floors: int
    per_floor: int
    status: str
    current: int
    steps: list[StepPlan]
    votes: list[VotePlan]
    agent: str  # "demo", "other", ""
    cur_state: str = ""
    opened_at: datetime.datetime | None = None
    last_day: float = 0.0
    number: str = ""
    seed: int = 0

    def at(self, day: float) -> datetime.datetime:
        return self.opened_at + datetime.timedelta(days=day)


RETURN_NOTES = (
    "材料不齐：请补充业主身份证明复印件后重新申报。",
    "设计方案图未加盖设计单位公章，请补正。",
    "资金筹集方案与工程预算不一致，请核对后重新申报。",
    "请补充低层住户意见及补偿协议。",
)
REJECT_NOTES = ("该楼栋列入旧城改造范围，不符合增设电梯条件。", "电梯占用消防通道，方案不可行。")


def plan_case(rng: random.Random, index: int, jurisdiction, building_key, unit_name, floors, per_floor, shaft):
    """Where the case stands (its step and that step's state) is drawn here; which state every
    step then has is `cases.workflow.step_states_at`, as for the demo's cases and the tests'
    CaseFactory(at_step=N). The dates and the detours (a step returned once, then approved)
    are drawn along the way."""
    from cases.workflow import PROCEDURES, StepState, step_states_at

    roll = rng.random()
    if roll < 0.12:
        status, current = "completed", 8
    elif roll < 0.14:
        status, current = "rejected", rng.choice([1, 1, 3, 5])
    else:
        status = "open"
        current = rng.choices(range(1, 9), weights=[24, 14, 10, 11, 11, 10, 10, 10])[0]
    if shaft and current == 3:
        current = 4 if status == "open" else 1
    cur_state = {"completed": "approved", "rejected": "rejected"}.get(status) or rng.choices(
        ["in_progress", "submitted", "returned"], weights=[40, 45, 15]
    )[0]
    targets = step_states_at(current, cur_state, has_reserved_shaft=shaft)
    steps = [StepPlan(p.number, str(p.department)) for p in PROCEDURES]
    votes: list[VotePlan] = []
    day = rng.uniform(0.01, 0.2)
    # The vote comes first: step 1 is submitted after it passed.
    vote_kind = "passed"
    if targets[1] == StepState.IN_PROGRESS:
        vote_kind = rng.choices(["none", "open", "passed"], weights=[30, 40, 30])[0]
    if vote_kind != "none":
        opened = day + rng.uniform(1, 10)
        if rng.random() < 0.05 and vote_kind == "passed":  # a failed vote, then a re-vote
            closed = opened + rng.uniform(7, 20)
            votes.append(VotePlan(opened, closed, False, rng.uniform(0.45, 0.65)))
            opened = closed + rng.uniform(10, 30)
        if vote_kind == "open":
            votes.append(VotePlan(opened, None, None, rng.uniform(0.3, 0.8)))
        else:
            votes.append(VotePlan(opened, opened + rng.uniform(7, 25), True, rng.uniform(0.85, 1.0)))
    prepared = votes[-1].closed if votes and votes[-1].closed else (votes[-1].opened if votes else day)

    def submit(step: StepPlan, when: float, channel: str, resubmit: bool = False) -> None:
        source = "returned" if resubmit else "in_progress"
        step.history.append(("submit", source, "submitted", when, "", channel, "applicant"))
        step.submissions.append((when, channel))
        step.submitted, step.state = when, "submitted"

    channel = "online" if rng.random() < 0.5 else "paper"
    for step in steps:
        n, target = step.number, targets[step.number]
        if target == StepState.NOT_STARTED:
            break
        if target == StepState.NOT_REQUIRED:
            step.state, step.decided = "not_required", day
            step.history.append(
                ("skip", "not_started", "not_required", day, "已预留电梯井，无需办理规划审查。", "system", "system")
            )
            continue
        step.started, step.state = day, "in_progress"
        step.history.append(("start", "not_started", "in_progress", day, "", "system", "system"))
        ready = (prepared if n == 1 else day) + rng.uniform(1, 5 if n == 1 else 25)
        if n == 2 and not (target == StepState.IN_PROGRESS and rng.random() < 0.4):
            start = day + rng.uniform(0.2, 3)
            step.notice = (start, start + 10)
            ready = max(ready, start + 11 + rng.uniform(0, 3))
        if target == StepState.IN_PROGRESS:
            break
        submit(step, ready, channel)
        day = ready
        if rng.random() < 0.15 or target == StepState.RETURNED:
            day += rng.uniform(1, 6)
            step.history.append(
                ("return", "submitted", "returned", day, rng.choice(RETURN_NOTES), "online", "reviewer")
            )
            step.state, step.decided = "returned", day
            if target == StepState.RETURNED:
                break
            day += rng.uniform(2, 15)
            submit(step, day, channel, resubmit=True)
            step.decided = None
        if target == StepState.SUBMITTED:
            break
        day += rng.uniform(1, 8)
        if target == StepState.REJECTED:
            step.history.append(
                ("reject", "submitted", "rejected", day, rng.choice(REJECT_NOTES), "online", "reviewer")
            )
            step.state, step.decided = "rejected", day
            break
        step.history.append(("approve", "submitted", "approved", day, "材料齐全，符合要求。", "online", "reviewer"))
        step.state, step.decided = "approved", day
    # An open vote has had a few days of ballots.
    events = [e[3] for s in steps for e in s.history] + [v.closed or v.opened + 3 for v in votes]
    notice_days = [s.notice[0] for s in steps if s.notice]
    plan = CasePlan(
        index=index,
        jurisdiction=jurisdiction,
        building_key=building_key,
        unit_name=unit_name,
        floors=floors,
        per_floor=per_floor,
        status=status,
        current=current,
        steps=steps,
        votes=votes,
        agent="",
        last_day=max(events + notice_days),
        cur_state=cur_state,
    )
    return plan


def anchor(plan: CasePlan, rng: random.Random, now: datetime.datetime) -> None:
    """Place the case in time: its last event a little before now (long before, if finished)."""
    if plan.status != "open":
        lag = rng.uniform(5, 500)
    elif plan.cur_state == "submitted":
        lag = rng.uniform(0.05, 12)  # some are overdue: 5 working days is about a week
    else:
        lag = rng.uniform(0.05, 45)
    plan.opened_at = now - datetime.timedelta(days=plan.last_day + lag)


# --- writing ------------------------------------------------------------------------------------


class Generator:
    def __init__(self, *, cases: int, seed: int):
        from django.utils import timezone

        self.cases, self.seed = cases, seed
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)
        self.counts: dict[str, int] = {}

    # -- set-up

    def load(self) -> None:
        from django.contrib.auth.models import Group
        from django.utils import translation

        from cases.models import AgentBuilder, Building, Jurisdiction, Owner, Person, User
        from cases.roles import SPEC_BY_ROLE, Role
        from cases.workflow import PROCEDURES

        self.jurisdictions = list(Jurisdiction.objects.order_by("sort_order"))
        self.people = Identities(random.Random(self.seed + 1), set(Person.objects.values_list("id_number", flat=True)))
        with translation.override("zh-hans"):
            self.procedure_names = {p.number: str(p.name) for p in PROCEDURES}
        roles = {
            "zhujian": Role.DISTRICT_OFFICER,
            "zigui": Role.PLANNING_REVIEWER,
            "chengguan": Role.URBAN_REVIEWER,
            "shijian": Role.MARKET_REVIEWER,
            "gongjijin": Role.FUND_REVIEWER,
        }
        self.users: dict[tuple[int, str], User] = {}
        for office in self.jurisdictions:
            for suffix, role in roles.items():
                username = f"{office.code.lower()}_{suffix}"
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = User(username=username, full_name=self.people.name(), jurisdiction=office, is_staff=True)
                    user.set_unusable_password()
                    user.save()
                    user.groups.set([Group.objects.get(name=SPEC_BY_ROLE[role].group_name)])
                self.users[(office.pk, suffix)] = user
        self.applicant_user = User.objects.filter(username="fz_daijian").first()
        self.existing_addresses = set(Building.objects.values_list("jurisdiction_id", "address"))
        # Agent builders: the demo company where the demo registered it, and three others per office.
        self.companies: dict[int, list[AgentBuilder]] = {}
        names = [
            "泉州市安居加梯工程服务有限公司",
            "福建闽南加装电梯工程有限公司",
            "泉州市宜居城市更新有限公司",
            "泉州市惠民电梯代建有限公司",
        ]
        codes = [DEMO_COMPANY_CODE, self.people.credit_code(), self.people.credit_code(), self.people.credit_code()]
        persons = {p.id_number: p for p in Person.objects.filter(id_number__in=codes)}
        for code in codes:
            if code not in persons:
                persons[code] = Person.objects.create(id_number=code, created_at=self.now)
        for office in self.jurisdictions:
            rows = []
            for name, code in zip(names, codes, strict=True):
                record = AgentBuilder.objects.filter(jurisdiction=office, credit_code=code).first()
                if record is None:
                    record = AgentBuilder.objects.create(
                        jurisdiction=office,
                        person=persons[code],
                        name=name,
                        credit_code=code,
                        contact_name=self.people.name(),
                        contact_phone=self.people.phone(),
                    )
                rows.append(record)
            self.companies[office.pk] = rows
        # Developers: organisations holding unsold flats, three per office (recorded as such
        # where the owner model says whether an owner is a person or an organisation).
        self.developers: dict[int, list[Owner]] = {}
        kinds = {f.name for f in Owner._meta.concrete_fields}
        organisation = {"kind": "organisation"} if "kind" in kinds else {}
        for office in self.jurisdictions:
            rows = []
            for k in range(3):
                code = self.people.credit_code()
                rows.append(
                    Owner.objects.create(
                        jurisdiction=office,
                        person=Person.objects.create(id_number=code, created_at=self.now),
                        name=f"泉州市{self.rng.choice(COMPOUND_PREFIXES)}房地产开发有限公司{'' if k == 0 else k + 1}",
                        id_number=code,
                        **organisation,
                    )
                )
            self.developers[office.pk] = rows

    # -- the plan of every case

    def plan(self) -> list[CasePlan]:
        rng = self.rng
        plans: list[CasePlan] = []
        per_office = [self.cases // len(self.jurisdictions)] * len(self.jurisdictions)
        for k in range(self.cases - sum(per_office)):
            per_office[k] += 1
        index = 0
        for office, count in zip(self.jurisdictions, per_office, strict=True):
            streets = STREETS.get(office.code, "中心街道").split()
            compounds = [p + s for p in COMPOUND_PREFIXES for s in COMPOUND_SUFFIXES]
            rng.shuffle(compounds)
            made, compound_no = 0, 0
            while made < count:
                compound = compounds[compound_no % len(compounds)]
                if compound_no >= len(compounds):
                    compound += "二期三期四期五期"[2 * (compound_no // len(compounds) - 1) :][:2]
                compound_no += 1
                street = rng.choice(streets)
                for number in range(1, rng.randint(2, 8) + 1):
                    address = f"{office.name}{street}{compound}{number}幢"
                    if (office.pk, address) in self.existing_addresses or made >= count:
                        continue
                    floors = rng.choices(range(6, 12), weights=[1, 2, 3, 3, 3, 3])[0]
                    flags = {
                        "shaft": rng.random() < 0.3,
                        "heritage": rng.random() < (0.12 if office.code == "LC" else 0.02),
                        "year": rng.randint(1985, 2006),
                        "compound": compound,
                        "address": address,
                    }
                    key = (office.pk, address)
                    self.building_facts[key] = flags
                    for unit_no in range(1, rng.choice([1, 1, 2, 2, 3]) + 1):
                        if made >= count:
                            break
                        per_floor = rng.choices([1, 2, 3], weights=[1, 2, 8])[0]
                        plan = plan_case(rng, index, office, key, f"{unit_no}单元", floors, per_floor, flags["shaft"])
                        roll = rng.random()
                        demo_share = 0.3 if office.code == "FZ" else 0.15
                        plan.agent = "demo" if roll < demo_share else ("other" if roll < 0.6 else "")
                        plan.seed = rng.randrange(2**32)
                        anchor(plan, rng, self.now)
                        plans.append(plan)
                        index += 1
                        made += 1
        self._number(plans)
        return plans

    def _number(self, plans: list[CasePlan]) -> None:
        from django.utils import timezone

        from cases.models import CaseSequence

        last = {(s.jurisdiction_id, s.year): s.last_value for s in CaseSequence.objects.all()}
        for plan in sorted(plans, key=lambda p: (p.opened_at, p.index)):
            year = timezone.localtime(plan.opened_at).year
            key = (plan.jurisdiction.pk, year)
            last[key] = last.get(key, 0) + 1
            plan.number = f"{plan.jurisdiction.code}-{year}-{last[key]:04d}"
        self.sequences = last

    # -- writing one chunk

    def write(self, plans: list[CasePlan]) -> None:
        from django.db import transaction

        with transaction.atomic():
            cases = self._write(plans)
            # What the services keep beside the rows, through the product's own code where
            # it has it (the case list's search text, since issue 10).
            try:
                from cases.search import case_search_refresh
            except ImportError:
                return
            started = time.perf_counter()
            case_search_refresh(cases=cases)
            count, seconds = self.counts.get("cases.CaseSearch", (0, 0.0))
            self.counts["cases.CaseSearch"] = (count + len(cases), seconds + time.perf_counter() - started)

    def _bulk(self, model, objs: list) -> list:
        if objs:
            started = time.perf_counter()
            model.objects.bulk_create(objs, batch_size=BATCH)
            label = model._meta.label
            count, seconds = self.counts.get(label, (0, 0.0))
            self.counts[label] = (count + len(objs), seconds + time.perf_counter() - started)
        return objs

    def _write(self, plans: list[CasePlan]) -> list:  # noqa: C901 - one pass over the case's parts, in FK order
        from django.utils import timezone

        from audit.models import AuditEvent
        from cases.models import (
            Attachment,
            Building,
            Case,
            ElevatorUnit,
            Flat,
            Owner,
            Ownership,
            PaperSubmission,
            Person,
            ProcedureStep,
            StepHistory,
        )
        from cases.validators import mask_identity
        from documents.models import GeneratedDocument
        from funding.models import Agreement, FloorCoefficient, FundingSource
        from funding.services import default_coefficient
        from voting import rules
        from voting.models import Ballot, BallotImport, Vote, WitnessRecord
        from voting.voters import RosterFlat, RosterOwner, ballot_key, unit_voters

        people = self.people
        # Buildings and units.
        buildings = {}
        for plan in plans:
            key = plan.building_key
            if key not in self.buildings and key not in buildings:
                facts = self.building_facts[key]
                buildings[key] = Building(
                    jurisdiction=plan.jurisdiction,
                    compound_name=facts["compound"],
                    address=facts["address"],
                    year_built=facts["year"],
                    floors=plan.floors,
                    has_reserved_shaft=facts["shaft"],
                    in_heritage_area=facts["heritage"],
                    created_at=plan.opened_at - datetime.timedelta(days=30),
                    updated_at=plan.opened_at - datetime.timedelta(days=30),
                )
        self._bulk(Building, list(buildings.values()))
        self.buildings.update(buildings)
        units = [ElevatorUnit(building=self.buildings[p.building_key], name=p.unit_name) for p in plans]
        self._bulk(ElevatorUnit, units)

        # Flats, owners and their people.
        flats, persons, owners, ownerships = [], [], [], []
        unit_flats: dict[int, list[tuple[Flat, list[Owner]]]] = {}
        for plan, unit in zip(plans, units, strict=True):
            rng = random.Random(plan.seed)
            office = plan.jurisdiction
            rows = []

            def owner(rng=rng, office=office, plan=plan):
                # A few people are registered by two offices: one Person, two office records.
                if self.cross_pool and rng.random() < 0.01:
                    person, name = rng.choice(self.cross_pool)
                    if (office.pk, person.id_number) not in self.cross_taken:
                        self.cross_taken.add((office.pk, person.id_number))
                        record = Owner(jurisdiction=office, person=person, name=name, id_number=person.id_number)
                        owners.append(record)
                        return record
                person = Person(id_number=people.id_number(), created_at=plan.opened_at)
                persons.append(person)
                record = Owner(
                    jurisdiction=office,
                    person=person,
                    name=people.name(),
                    id_number=person.id_number,
                    phone=people.phone() if rng.random() < 0.8 else "",
                )
                owners.append(record)
                if rng.random() < 0.02:
                    self.cross_pool.append((person, record.name))
                    self.cross_taken.add((office.pk, person.id_number))
                return record

            two_flats = owner() if rng.random() < 0.4 and plan.per_floor > 1 else None
            developer_rooms = set()
            if rng.random() < 0.08:
                developer_rooms = {f"{plan.floors}{k:02d}" for k in range(1, plan.per_floor + 1)}
                developer_rooms |= {f"{plan.floors - 1}{k:02d}" for k in range(1, rng.randint(1, plan.per_floor) + 1)}
            developer = rng.choice(self.developers[office.pk])
            for floor in range(1, plan.floors + 1):
                for pos in range(1, plan.per_floor + 1):
                    room = f"{floor}{pos:02d}"
                    held = room in developer_rooms
                    if held:
                        flat_owners = [developer]
                    elif two_flats is not None and (
                        (floor == plan.floors and pos == 1) or (floor == 2 and pos == plan.per_floor)
                    ):
                        flat_owners = [two_flats]
                    else:
                        n = rng.choices([1, 2, 3], weights=[75, 22, 3])[0]
                        flat_owners = [owner() for _ in range(n)]
                    year = rng.randrange(2000, 2025)
                    flat = Flat(
                        unit=unit,
                        room=room,
                        floor=floor,
                        area=Decimal(rng.randrange(5500, 14000)) / 100,
                        area_source=rng.choices(["register", "survey", "contract"], weights=[8, 1, 1])[0],
                        certificate_no=f"闽({year})泉州市不动产权第{rng.randrange(10**6, 10**7)}号",
                        developer_held=held,
                    )
                    flats.append(flat)
                    rows.append((flat, flat_owners))
            unit_flats[plan.index] = rows
        self._bulk(Person, persons)
        for record in owners:
            record.person_id = record.person.pk
        self._bulk(Owner, owners)
        self._bulk(Flat, flats)
        seen = set()
        for rows in unit_flats.values():
            for flat, flat_owners in rows:
                for record in flat_owners:
                    if (flat.pk, record.pk) not in seen:
                        seen.add((flat.pk, record.pk))
                        ownerships.append(Ownership(flat=flat, owner=record))
        self._bulk(Ownership, ownerships)

        # Cases and what hangs on them.
        cases, reps, agreements, coefficients, funding = [], [], [], [], []
        for plan, unit in zip(plans, units, strict=True):
            rng = random.Random(plan.seed ^ 0x5EED)
            office = plan.jurisdiction
            companies = self.companies[office.pk]
            agent = {"demo": companies[0], "other": rng.choice(companies[1:]), "": None}[plan.agent]
            budget = Decimal(rng.randrange(300, 700)) * 1000
            last_decided = max((s.decided or 0) for s in plan.steps)
            case = Case(
                number=plan.number,
                jurisdiction=office,
                unit=unit,
                status=plan.status,
                current_step=plan.current,
                agent_builder=agent,
                stretcher_capable=rng.random() < 0.5,
                scheme_summary=f"在{self.building_facts[plan.building_key]['address']}{plan.unit_name}北侧增设一部无机房电梯，"
                f"{plan.floors}层{plan.floors}站，平层入户。",
                budget=budget,
                design_firm="泉州市城建设计院有限公司",
                installer="福建闽南电梯安装工程有限公司",
                opened_at=plan.opened_at,
                opened_by=self.users[(office.pk, "zhujian")],
                closed_at=plan.at(last_decided) if plan.status != "open" else None,
            )
            cases.append(case)
            top = next(
                o
                for flat, flat_owners in reversed(unit_flats[plan.index])
                if not flat.developer_held
                for o in flat_owners
            )
            reps.append((case, top))
            agreements.append(Agreement(case=case, using_unit="泉州市安居物业服务有限公司"))
            for floor in range(1, plan.floors + 1):
                coefficients.append(FloorCoefficient(case=case, floor=floor, coefficient=default_coefficient(floor)))
            for kind, share in (("owners", "0.70"), ("provident_fund", "0.20"), ("maintenance_fund", "0.10")):
                funding.append(FundingSource(case=case, kind=kind, amount=budget * Decimal(share)))
        self._bulk(Case, cases)
        self._bulk(
            Case.representatives.through,
            [Case.representatives.through(case_id=c.pk, owner_id=o.pk) for c, o in reps],
        )
        self._bulk(Agreement, agreements)
        self._bulk(FloorCoefficient, coefficients)
        self._bulk(FundingSource, funding)

        # Steps, their history, window submissions and attachments.
        steps, histories, papers, attachments, audits = [], [], [], [], []
        step_of: dict[tuple[int, int], ProcedureStep] = {}

        def audit(event, case, day_or_time, message, actor=None, obj=None, data=None):
            when = day_or_time if isinstance(day_or_time, datetime.datetime) else plan.at(day_or_time)
            audits.append(
                AuditEvent(
                    created_at=when,
                    event=event,
                    actor=actor,
                    case=case,
                    jurisdiction_id=case.jurisdiction_id,
                    object_type=obj._meta.label if obj is not None else "cases.Case",
                    object_id=str(obj.pk) if obj is not None and obj.pk else str(case.pk),
                    message=message[:500],
                    data=data or {},
                )
            )

        for plan, case in zip(plans, cases, strict=True):
            office = plan.jurisdiction
            for sp in plan.steps:
                due = None
                if sp.submitted is not None:
                    begin = timezone.localdate(plan.at(sp.submitted))
                    if sp.notice:
                        begin = max(begin, timezone.localdate(plan.at(sp.notice[1])))
                    due = _due(begin)
                reviewer = self.users[(office.pk, DEPARTMENT_USER[sp.department])]
                note = next((h[4] for h in reversed(sp.history) if h[0] in ("approve", "return", "reject")), "")
                step = ProcedureStep(
                    case=case,
                    number=sp.number,
                    department=sp.department,
                    state=sp.state,
                    started_at=plan.at(sp.started) if sp.started is not None else None,
                    submitted_at=plan.at(sp.submitted) if sp.submitted is not None else None,
                    due_date=due,
                    decided_at=plan.at(sp.decided) if sp.decided is not None else None,
                    decided_by=reviewer if sp.state in ("approved", "rejected", "returned") else None,
                    decision_note=note if sp.state in ("approved", "rejected", "returned") else "",
                    notice_start=timezone.localdate(plan.at(sp.notice[0])) if sp.notice else None,
                    notice_end=timezone.localdate(plan.at(sp.notice[1])) if sp.notice else None,
                )
                steps.append(step)
                step_of[(case.number, sp.number)] = step
        self._bulk(ProcedureStep, steps)

        kinds_for = {
            1: ["owners_agreement", "scheme_drawing"],
            3: ["planning_permit"],
            4: ["drawing_review"],
            7: ["acceptance_record"],
            8: ["inspection_certificate"],
        }
        kind_labels = {
            "owners_agreement": "业主协议书",
            "scheme_drawing": "设计方案图",
            "heritage_opinion": "文物主管部门意见",
            "planning_permit": "规划审查意见",
            "drawing_review": "施工图审查合格书",
            "acceptance_record": "竣工验收记录",
            "inspection_certificate": "特种设备监督检验证书",
            "other": "申报材料",
        }
        paper_attachments = []
        for plan, case in zip(plans, cases, strict=True):
            office = plan.jurisdiction
            officer = self.users[(office.pk, "zhujian")]
            applicant = self.applicant_user if plan.agent == "demo" else None
            audit(
                "case_opened",
                case,
                0,
                f"立案：{case.number}（{case.unit.building.address}{case.unit.name}）",
                officer,
                case,
            )
            for sp in plan.steps:
                step = step_of[(case.number, sp.number)]
                name = self.procedure_names[sp.number]
                reviewer = self.users[(office.pk, DEPARTMENT_USER[sp.department])]
                for transition, source, target, day, note, channel, who in sp.history:
                    actor = {"system": None, "reviewer": reviewer, "applicant": applicant}[who]
                    if transition == "submit" and channel == "paper":
                        actor = officer
                    histories.append(
                        StepHistory(
                            step=step,
                            from_state=source,
                            to_state=target,
                            transition=transition,
                            actor=actor,
                            at=plan.at(day),
                            note=note or ("窗口收件：业主代表递交" if channel == "paper" else ""),
                            channel=channel,
                        )
                    )
                    if transition == "start":
                        audit(
                            "case_step_started",
                            case,
                            day,
                            f"开始办理：{case.number} {name}",
                            None,
                            step,
                            {"step": sp.number},
                        )
                    elif transition == "skip":
                        audit(
                            "case_step_skipped",
                            case,
                            day,
                            f"无需办理：{case.number} {name}（已预留电梯井）",
                            None,
                            step,
                            {"step": sp.number},
                        )
                    elif transition == "submit":
                        how = "窗口纸质" if channel == "paper" else "网上"
                        audit(
                            "case_step_submitted",
                            case,
                            day,
                            f"{how}申报：{case.number} {name}",
                            actor,
                            step,
                            {"step": sp.number, "paper": channel == "paper"},
                        )
                        paper = None
                        if channel == "paper":
                            paper = PaperSubmission(
                                step=step,
                                brought_by="业主代表",
                                brought_at=plan.at(day) - datetime.timedelta(minutes=20),
                                received_by=officer,
                                note=f"{name}申报材料",
                            )
                            papers.append(paper)
                            audit(
                                "paper_submission_recorded",
                                case,
                                day,
                                f"窗口收件：业主代表递交{name}材料",
                                officer,
                                None,
                            )
                        kinds = list(kinds_for.get(sp.number, ["other"]))
                        if sp.number == 1 and self.building_facts[plan.building_key]["heritage"]:
                            kinds.append("heritage_opinion")
                        if source == "returned":
                            kinds = ["other"]
                        for kind in kinds:
                            digest = hashlib.sha256(f"{case.number}{sp.number}{kind}{day}".encode()).hexdigest()
                            attachment = Attachment(
                                case=case,
                                step=step,
                                kind=kind,
                                file=PLACEHOLDER_PDF,
                                original_name=f"{kind_labels[kind]}.pdf",
                                content_type="application/pdf",
                                size=48_213,
                                sha256=digest,
                                uploaded_by=actor,
                                uploaded_at=plan.at(day),
                            )
                            attachments.append(attachment)
                            if paper is not None:
                                paper_attachments.append((attachment, paper))
                    else:
                        state_label = {"approve": "已通过", "return": "退回补正", "reject": "不予通过"}[transition]
                        audit(
                            "case_step_decided",
                            case,
                            day,
                            f"{case.number} {name}：{state_label}",
                            reviewer,
                            step,
                            {"step": sp.number, "decision": transition, "note": note},
                        )
                if sp.notice:
                    audit(
                        "notice_period_set",
                        case,
                        sp.notice[0],
                        f"登记公示期：{plan.at(sp.notice[0]):%Y-%m-%d}至{plan.at(sp.notice[1]):%Y-%m-%d}",
                        officer,
                        step,
                    )
            if plan.status == "completed":
                audit("case_completed", case, case.closed_at, f"八个程序全部办结：{case.number}", None, case)
        self._bulk(PaperSubmission, papers)
        for attachment, paper in paper_attachments:
            attachment.paper_submission = paper
        self._bulk(StepHistory, histories)
        self._bulk(Attachment, attachments)

        # Votes, ballot files, ballots and their corrections, witness records.
        votes, imports, ballots, corrections, witnesses = [], [], [], [], []
        vote_ballots: list[tuple[Vote, BallotImport, list]] = []
        for plan, case in zip(plans, cases, strict=True):
            if not plan.votes:
                continue
            rng = random.Random(plan.seed ^ 0xB411)
            office = plan.jurisdiction
            officer = self.users[(office.pk, "zhujian")]
            # The unit's voters as the vote page, the ballot services and the printed ballots
            # have them (`voting.voters.unit_voters`), from the flats and owners just written.
            roster = [
                RosterFlat(
                    pk=flat.pk,
                    room=flat.room,
                    floor=flat.floor,
                    area=flat.area,
                    area_source=flat.area_source,
                    certificate_no=flat.certificate_no,
                    developer_held=flat.developer_held,
                    owners=tuple(RosterOwner(o.pk, o.name, mask_identity(o.id_number)) for o in flat_owners),
                )
                for flat, flat_owners in unit_flats[plan.index]
            ]
            unit_voter_list = unit_voters(unit=case.unit, flats=roster)
            voters = [unit_voter.voter for unit_voter in unit_voter_list]
            names = {unit_voter.key: unit_voter.names for unit_voter in unit_voter_list}
            for vp in plan.votes:
                vote = Vote(case=case, state="open", opened_at=plan.at(vp.opened), opened_by=officer)
                end_day = vp.closed if vp.closed is not None else vp.opened + 3
                choices = _choices(rng, voters, vp)
                if vp.closed is not None:
                    result = rules.tally(voters, choices)
                    vote.state, vote.closed_at, vote.closed_by = "closed", plan.at(vp.closed), officer
                    vote.total_area, vote.total_headcount = result.total_area, result.total_headcount
                    vote.participating_area = result.participating_area
                    vote.participating_headcount = result.participating_headcount
                    vote.agreeing_area, vote.agreeing_headcount = result.agreeing_area, result.agreeing_headcount
                    vote.passed = result.passed
                votes.append(vote)
                entered = plan.at(vp.opened + (end_day - vp.opened) * 0.6)
                batch = BallotImport(
                    vote=vote,
                    file=PLACEHOLDER_CSV,
                    original_name="纸质选票汇总.csv",
                    content_type="text/csv",
                    size=640,
                    sha256=hashlib.sha256(f"{case.number}{vp.opened}".encode()).hexdigest(),
                    imported_by=officer,
                    imported_at=entered,
                    ballot_count=len(choices),
                )
                imports.append(batch)
                rows_for_vote = []
                for row_no, voter in enumerate(voters, start=2):
                    if voter.key not in choices:
                        continue
                    final = choices[voter.key]
                    corrected = rng.random() < 0.04
                    first = rng.choice([c for c in rules.Choice if c != final]) if corrected else final
                    ballot = Ballot(
                        vote=vote,
                        voter_key=ballot_key(voter.key),
                        rooms="、".join(voter.rooms),
                        voter_names=names[voter.key],
                        choice=first.value,
                        channel="paper",
                        source_import=batch,
                        source_row=row_no,
                        entered_by=officer,
                        entered_at=entered,
                    )
                    ballots.append(ballot)
                    if corrected:
                        when = plan.at(vp.opened + (end_day - vp.opened) * 0.8)
                        ballot.superseded_at = when
                        rows_for_vote.append((ballot, final, when))
                vote_ballots.append((vote, batch, rows_for_vote))
                audit("vote_opened", case, vp.opened, f"开始业主表决：{case.number}", officer, None)
                audit(
                    "ballots_imported",
                    case,
                    entered,
                    f"导入选票文件：纸质选票汇总.csv（新增{len(choices)}票，更正0票）",
                    officer,
                    None,
                    {"ballots": len(choices), "corrections": 0},
                )
                if vp.closed is not None:
                    audit(
                        "vote_closed",
                        case,
                        vp.closed,
                        f"结束业主表决：{case.number}，表决{'通过' if vote.passed else '未通过'}",
                        officer,
                        None,
                    )
                    if vote.passed:
                        witnesses.append(
                            WitnessRecord(
                                vote=vote,
                                witness_name=self.people.name(),
                                organisation_kind="community",
                                organisation_name=f"{self.building_facts[plan.building_key]['compound']}社区居民委员会",
                                witnessed_at=plan.at(vp.closed - 0.1),
                                method="现场见证投票、唱票和计票",
                                file=PLACEHOLDER_PDF,
                                original_name="见证记录.pdf",
                                content_type="application/pdf",
                                size=48_213,
                                sha256=hashlib.sha256(case.number.encode()).hexdigest(),
                                recorded_by=officer,
                                recorded_at=plan.at(vp.closed),
                            )
                        )
                        audit("vote_witness_recorded", case, vp.closed, "登记表决见证：社区居民委员会", officer, None)
        self._bulk(Vote, votes)
        self._bulk(BallotImport, imports)
        self._bulk(Ballot, ballots)
        for vote, _batch, rows in vote_ballots:
            for old, final, when in rows:
                corrections.append(
                    Ballot(
                        vote=vote,
                        voter_key=old.voter_key,
                        rooms=old.rooms,
                        voter_names=old.voter_names,
                        choice=final.value,
                        channel="paper",
                        scan=PLACEHOLDER_PDF,
                        original_name="更正申请.pdf",
                        content_type="application/pdf",
                        size=48_213,
                        entered_by=old.entered_by,
                        entered_at=when,
                        replaces=old,
                        reason="业主书面申请更正表决意见",
                    )
                )
                audits.append(
                    AuditEvent(
                        created_at=when,
                        event="ballot_corrected",
                        actor=old.entered_by,
                        case=vote.case,
                        jurisdiction_id=vote.case.jurisdiction_id,
                        object_type="voting.Ballot",
                        object_id=str(old.pk),
                        message=f"更正纸质选票：{old.rooms} {dict(rules_labels())[final.value]}",
                        data={"rooms": old.rooms, "choice": final.value, "old_choice": old.choice},
                    )
                )
        self._bulk(Ballot, corrections)
        self._bulk(WitnessRecord, witnesses)

        # Generated documents.
        documents = []
        for plan, case in zip(plans, cases, strict=True):
            rng = random.Random(plan.seed ^ 0xD0C)
            officer = self.users[(plan.jurisdiction.pk, "zhujian")]
            printed = []
            if plan.votes and plan.votes[-1].closed is not None:
                printed.append(("ballots", plan.votes[-1].closed + 0.1, 2 + len(unit_flats[plan.index])))
            step1 = plan.steps[0]
            if step1.submitted is not None:
                printed += [("application", step1.submitted - 0.2, 2), ("agreement", step1.submitted - 0.2, 8)]
            if plan.steps[1].notice:
                printed.append(("notice", plan.steps[1].notice[0], 2))
            for template, day, pages in printed:
                for version in range(1, (2 if rng.random() < 0.15 else 1) + 1):
                    code = self._code(rng)
                    documents.append(
                        GeneratedDocument(
                            case=case,
                            template=template,
                            version=version,
                            code=code,
                            sha256=hashlib.sha256(code.encode()).hexdigest(),
                            size=40_000 + 5_000 * pages,
                            pages=pages,
                            file=PLACEHOLDER_PDF,
                            generated_by=officer,
                            issuer="office",
                            issuer_name=plan.jurisdiction.housing_office,
                            shows_choices=template == "ballots",
                            generated_at=plan.at(day + version - 1),
                        )
                    )
                    audit(
                        "document_generated",
                        case,
                        day + version - 1,
                        f"生成文书：{case.number} {TEMPLATE_TITLES[template]} 第{version}版",
                        officer,
                        None,
                        {"template": template, "version": version, "code": code},
                    )
        self._bulk(GeneratedDocument, documents)
        self._bulk(AuditEvent, audits)
        return cases

    def _code(self, rng: random.Random) -> str:
        from documents.models import CODE_ALPHABET, CODE_LENGTH

        while True:
            code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self.codes:
                self.codes.add(code)
                return code

    # -- the whole run

    def run(self) -> None:
        from documents.models import GeneratedDocument

        self.building_facts: dict[tuple, dict] = {}
        self.buildings: dict[tuple, object] = {}
        self.cross_pool: list = []
        self.cross_taken: set = set()
        self.codes = set(GeneratedDocument.objects.values_list("code", flat=True))
        started = time.perf_counter()
        self.load()
        plans = self.plan()
        say(f"计划 {len(plans)} 个案件（{time.perf_counter() - started:.1f} s）")
        for start in range(0, len(plans), CHUNK):
            self.write(plans[start : start + CHUNK])
            done = min(start + CHUNK, len(plans))
            say(f"  已写入 {done}/{len(plans)} 个案件（{time.perf_counter() - started:.0f} s）")
        self._sequences()

    def _sequences(self) -> None:
        from cases.models import CaseSequence

        for (jurisdiction_id, year), value in self.sequences.items():
            CaseSequence.objects.update_or_create(
                jurisdiction_id=jurisdiction_id, year=year, defaults={"last_value": value}
            )


PLACEHOLDER_PDF = "bench/placeholder.pdf"
PLACEHOLDER_CSV = "bench/placeholder.csv"
TEMPLATE_TITLES = {
    "application": "既有住宅增设电梯申请表",
    "ballots": "业主表决票及表决结果汇总表",
    "agreement": "增设电梯协议书",
    "notice": "增设电梯公示书",
}


@functools.cache
def rules_labels():
    return (("agree", "同意"), ("disagree", "反对"), ("abstain", "弃权"))


@functools.cache
def _due(begin: datetime.date) -> datetime.date:
    from django.conf import settings

    from cases.deadlines import add_working_days

    return add_working_days(begin, settings.STEP_REVIEW_WORKING_DAYS)


def _choices(rng: random.Random, voters, vote: VotePlan) -> dict:
    """Each voter's final choice; a passed vote is made to pass under the real rule."""
    from voting import rules

    keys = [v.key for v in voters]
    voting = [k for k in keys if rng.random() < vote.turnout]
    if vote.passed:
        choices = {k: rules.Choice.AGREE if rng.random() < 0.92 else rng.choice(list(rules.Choice)) for k in voting}
        missing = [k for k in keys if k not in choices]
        while not rules.tally(voters, choices).passed:
            if missing:
                choices[missing.pop()] = rules.Choice.AGREE
            else:
                key = next(k for k, c in choices.items() if c != rules.Choice.AGREE)
                choices[key] = rules.Choice.AGREE
        return choices
    if vote.passed is False:
        return {k: rng.choice([rules.Choice.AGREE, rules.Choice.DISAGREE]) for k in voting}
    return {k: rules.Choice.AGREE if rng.random() < 0.85 else rules.Choice.DISAGREE for k in voting}


def write_placeholders() -> None:
    from django.conf import settings

    from demo.progress import scan_pdf

    folder = Path(settings.MEDIA_ROOT) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "placeholder.pdf").write_bytes(scan_pdf())
    (folder / "placeholder.csv").write_text("房号,表决意见\n101,同意\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20000, help="cases to add besides the demo's six (default 20000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--recreate", action="store_true", help="drop and recreate a database this script made")
    parser.add_argument("--force", action="store_true", help="also on a database that holds other data")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("请用 DATABASE_URL=postgres://… 指定一个 PostgreSQL 数据库（可以尚不存在）。")
    started = time.perf_counter()
    ours = prepare_database(url, recreate=args.recreate, force=args.force)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cases.models import Case

    # Someone else's database is refused before anything is written to it, migrations included.
    if not ours and not args.force and "cases_case" in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM cases_case)")
            if cursor.fetchone()[0]:
                raise SystemExit("该数据库不是本脚本创建的，且已有案件数据：拒绝写入。确需写入请加 --force。")
    call_command("migrate", verbosity=0)
    extra = Case.objects.count() - DEMO_CASE_COUNT
    if ours and extra > 0 and args.cases:
        raise SystemExit(f"该数据库已有生成的案件（{extra} 个）。重新生成请加 --recreate。")
    say("seed_demo …")  # idempotent: a second run changes nothing
    call_command("seed_demo", stdout=io.StringIO())
    write_placeholders()
    if args.cases:
        _without_auto_now()
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
        generator = Generator(cases=args.cases, seed=args.seed)
        generator.run()
        for label, (count, seconds) in sorted(generator.counts.items()):
            say(f"  {label:<28} {count:>9,} 行 {seconds:6.1f} s")
    say("VACUUM ANALYZE …")
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    say(
        f"完成：{Case.objects.count():,} 个案件，用时 {time.perf_counter() - started:.0f} s"
        f"（本进程 CPU {time.process_time():.0f} s；其余为等待数据库或其他进程）"
    )
    return 0


def _without_auto_now() -> None:
    """The generated rows carry their own past dates: auto_now(_add) would stamp them all now."""
    from django.apps import apps

    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
                model_field.auto_now = model_field.auto_now_add = False


if __name__ == "__main__":
    sys.exit(main())
