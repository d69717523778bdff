"""Demo data for `seed_demo`: compounds in several jurisdictions, realistic rosters,
one user per staff role. Everything goes through the services and is idempotent: a
second run finds what the first made and changes nothing but the demo passwords. Each
case is brought to its step by `demo.progress.case_bring_to`, as the tests'
`CaseFactory(at_step=N)` is.
"""

import csv
import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from faker import Faker

from audit.models import AuditEvent
from cases import services
from cases.models import AgentBuilder, Building, Case, ElevatorUnit, Jurisdiction, Owner, User
from cases.roles import SPEC_BY_ROLE, Role
from cases.services import OwnerData
from cases.validators import is_valid_id_number
from cases.workflow import LAST_STEP, StepState
from documents.models import DocumentTemplate, GeneratedDocument
from documents.pdf import html_to_pdf
from documents.services import document_render
from funding import services as funding_services
from funding import services_accounts, services_ledger
from funding.models import LedgerEntry, LedgerKind
from funding.selectors_ledger import case_ledger
from funding.services_withdrawal import provident_withdrawal_apply
from notices.models import Notice
from notices.services import notice_publish
from notices.services_objections import objection_close, objection_record_handling, objection_record_paper
from notifications.models import Notification
from notifications.on_events import tell_again
from owners import services as owner_services
from owners.models import OwnerAccount
from upkeep import services as upkeep_services
from upkeep.models import Register, UsingUnitMember
from voting.selectors import open_vote_of
from voting.voters import unit_voters

from .progress import agreeing_ballots, case_bring_to

DEMO_PASSWORD = "Demo-2026-quanzhou"
SAMPLE_DIR = Path(settings.BASE_DIR).parent / "shared" / "samples"


@dataclass(frozen=True)
class Progress:
    """Where a demo case stands: its step and that step's state (`cases.workflow.step_states_at`),
    its vote and, at step 2, its notice (`demo.progress.case_bring_to`)."""

    step: int = 1
    state: str = StepState.SUBMITTED
    vote: str = "closed"  # "closed" (and witnessed when passed), "open"
    ballots: str = "all"  # "sample" (the shared ballots file), "all" (everyone agrees), "partial"
    notice: str = ""  # at step 2: "running", "over"


@dataclass(frozen=True)
class DemoBuilding:
    jurisdiction: str
    compound: str
    address: str
    floors: int
    year_built: int
    units: tuple[tuple[str, int], ...]  # (unit name, flats per floor)
    has_reserved_shaft: bool = False
    in_heritage_area: bool = False
    in_demolition_plan: bool = False
    open_case: bool = True
    progress: tuple[Progress, ...] = ()  # one per unit


DEMO_BUILDINGS = (
    # The shared sample roster (14 flats, co-owners, a two-flat owner, a developer flat)
    # fills unit 1 of this building; see `_sample_rows`.
    # Step 1 waiting for the officer's approval, with the sample vote passed.
    DemoBuilding(
        "FZ", "刺桐花园", "丰泽区东湖街道刺桐花园1幢", 7, 1998, (("1单元", 2),), progress=(Progress(ballots="sample"),)
    ),
    # Reserved shaft: past the notice, planning review not required, at step 4; and a unit
    # whose public notice is running.
    DemoBuilding(
        "FZ",
        "刺桐花园",
        "丰泽区东湖街道刺桐花园2幢",
        6,
        1999,
        (("1单元", 2), ("2单元", 2)),
        has_reserved_shaft=True,
        progress=(
            Progress(step=4, state=StepState.IN_PROGRESS),
            Progress(step=2, state=StepState.IN_PROGRESS, notice="running"),
        ),
    ),
    # Heritage area: step 1 returned for the missing heritage opinion.
    DemoBuilding(
        "LC",
        "温陵小区",
        "鲤城区开元街道温陵小区3幢",
        6,
        1992,
        (("2单元", 3),),
        in_heritage_area=True,
        progress=(Progress(state=StepState.RETURNED),),
    ),
    # 33 flats, the vote still open with part of the ballots in.
    DemoBuilding(
        "JJ",
        "阳光花园",
        "晋江市青阳街道阳光花园5幢",
        11,
        2003,
        (("1单元", 3),),
        progress=(Progress(state=StepState.IN_PROGRESS, vote="open", ballots="partial"),),
    ),
    # All eight procedures done: the case is completed.
    DemoBuilding(
        "TZ",
        "东园小区",
        "泉州台商投资区洛阳镇东园小区2幢",
        6,
        2001,
        (("1单元", 1),),
        progress=(Progress(step=LAST_STEP, state=StepState.APPROVED),),
    ),
    # Refused by the eligibility gate: in the five-year demolition plan.
    DemoBuilding(
        "NA",
        "溪州新村",
        "南安市溪美街道溪州新村8幢",
        7,
        1990,
        (("1单元", 2),),
        in_demolition_plan=True,
        open_case=False,
    ),
)

DEMO_USERS = (
    # username, full name, jurisdiction code (None = city-wide), role
    ("fz_zhujian", "陈晓东", "FZ", Role.DISTRICT_OFFICER),
    ("fz_zigui", "林雅琴", "FZ", Role.PLANNING_REVIEWER),
    ("fz_chengguan", "黄志强", "FZ", Role.URBAN_REVIEWER),
    ("fz_shijian", "吴建华", "FZ", Role.MARKET_REVIEWER),
    ("fz_gongjijin", "郑丽娟", "FZ", Role.FUND_REVIEWER),
    ("fz_daijian", "王立新", "FZ", Role.AGENT_BUILDER),
    ("lc_zhujian", "蔡文斌", "LC", Role.DISTRICT_OFFICER),
    ("jj_zhujian", "许美玲", "JJ", Role.DISTRICT_OFFICER),
    ("city_dudao", "李国平", None, Role.CITY_SUPERVISOR),
)


def _sample_rows() -> list[dict[str, str]] | None:
    path = SAMPLE_DIR / "roster-example.csv"
    if not path.exists():
        return None
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _split(cell: str) -> list[str]:
    for sep in ("；", ";"):
        cell = cell.replace(sep, "、")
    return [part.strip() for part in cell.split("、") if part.strip()]


_SOURCE = {"登记": "register", "实测": "survey", "合同": "contract"}


def _register_sample(unit: ElevatorUnit) -> None:
    for row in _sample_rows() or []:
        names, ids = _split(row["业主姓名"]), _split(row["证件号码"])
        services.flat_register(
            unit=unit,
            room=row["房号"],
            floor=int(row["楼层"]),
            area=Decimal(row["专有部分面积"]),
            area_source=_SOURCE[row["面积来源"]],
            certificate_no=row["不动产权证号"],
            developer_held=row["开发商持有"] == "是",
            owners=[OwnerData(name=n, id_number=i) for n, i in zip(names, ids, strict=True)],
            actor=None,
        )


class _People:
    """Deterministic fake owners with valid ID numbers and mobiles."""

    def __init__(self, seed: int):
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.rng = random.Random(seed)

    def person(self) -> OwnerData:
        while True:
            id_number = self.fake.ssn(min_age=30, max_age=90)
            if is_valid_id_number(id_number):
                break
        return OwnerData(
            name=self.fake.name(),
            id_number=id_number,
            phone=f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}",
        )


def _register_generated(unit: ElevatorUnit, building: DemoBuilding, per_floor: int, seed: int) -> None:
    people = _People(seed)
    rng = people.rng
    multi_owner = people.person()  # owns the top flat and one on floor 2: one voter
    for floor in range(1, building.floors + 1):
        for pos in range(1, per_floor + 1):
            room = f"{floor}{pos:02d}"
            if floor == building.floors and pos == 1 or floor == 2 and pos == per_floor and per_floor > 1:
                owners = [multi_owner]
            elif rng.random() < 0.25:  # couples as co-owners
                owners = [people.person(), people.person()]
            else:
                owners = [people.person()]
            area = Decimal(rng.randrange(6000, 13000)) / 100
            source = rng.choices(["register", "survey", "contract"], weights=[8, 1, 1])[0]
            year = rng.randrange(2000, 2025)
            services.flat_register(
                unit=unit,
                room=room,
                floor=floor,
                area=area,
                area_source=source,
                certificate_no=f"闽({year})泉州市不动产权第{rng.randrange(10**6, 10**7)}号",
                developer_held=False,
                owners=owners,
                actor=None,
            )


def _ensure_users() -> tuple[dict[str, User], list[tuple[str, str, str, str]]]:
    jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
    admin, _ = User.objects.get_or_create(username="admin", defaults={"full_name": "系统管理员"})
    admin.is_staff = admin.is_superuser = True
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    rows = [("admin", "系统管理员", "全市", "超级管理员")]
    for username, full_name, code, role in DEMO_USERS:
        spec = SPEC_BY_ROLE[role]
        user, _ = User.objects.get_or_create(username=username)
        user.full_name = full_name
        user.jurisdiction = jurisdictions[code] if code else None
        user.is_staff = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=spec.group_name)])
        rows.append((username, full_name, user.jurisdiction.name if code else "全市", spec.group_name))
    return {u.username: u for u in User.objects.filter(username__in=[r[0] for r in rows])}, rows


def _demo_actor(users: dict[str, User], case: Case, department: str) -> User | None:
    """The seeded reviewer of that department in 丰泽区; elsewhere the system acts (None)."""
    if case.jurisdiction.code != "FZ":
        return None
    return users[
        {
            "housing": "fz_zhujian",
            "planning": "fz_zigui",
            "urban": "fz_chengguan",
            "market": "fz_shijian",
            "fund": "fz_gongjijin",
        }[department]
    ]


def _ballots(case: Case, progress: Progress) -> tuple[str, bytes]:
    if progress.ballots == "sample" and (SAMPLE_DIR / "ballots-example.csv").exists():
        return "ballots-example.csv", (SAMPLE_DIR / "ballots-example.csv").read_bytes()
    return agreeing_ballots(case, share=Fraction(2, 3) if progress.ballots == "partial" else Fraction(1))


def _advance(case: Case, progress: Progress, users: dict[str, User]) -> None:
    officer = _demo_actor(users, case, "housing")
    case_bring_to(
        case=case,
        step=progress.step,
        state=progress.state,
        clerk=officer or users["admin"],
        officer=officer,
        reviewer=lambda step: _demo_actor(users, case, step.department),
        vote=progress.vote,
        ballots=_ballots(case, progress),
        notice=progress.notice,
        return_note="该楼栋位于历史风貌区，请补充文物/历史建筑主管部门意见后重新申报。",
    )


# The public notice prints where and how to object: the office's address and phone. Real
# ones are entered by each office in the admin; the demo's are marked as such on paper.
DEMO_OFFICE_CONTACTS = {
    "FZ": ("泉州市丰泽区东湖街演示路1号（演示数据）", "0595-00000001"),
    "LC": ("泉州市鲤城区演示路2号（演示数据）", "0595-00000002"),
    "JJ": ("晋江市青阳街道演示路3号（演示数据）", "0595-00000003"),
    "TZ": ("泉州台商投资区演示路4号（演示数据）", "0595-00000004"),
    "NA": ("南安市溪美街道演示路5号（演示数据）", "0595-00000005"),
}


def _ensure_office_contacts(jurisdictions: dict[str, Jurisdiction]) -> None:
    for code, (address, phone) in DEMO_OFFICE_CONTACTS.items():
        office = jurisdictions[code]
        if not office.office_address and not office.contact_phone:  # never over an office's own
            office.office_address, office.contact_phone = address, phone
            services.record_save(obj=office, actor=None, fields=["office_address", "contact_phone"])


@transaction.atomic
def seed(out=print) -> None:
    users, logins = _ensure_users()
    jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
    _ensure_office_contacts(jurisdictions)
    # One company, registered by each office whose cases name it (see cases.models.Person).
    agents = {}
    for code in {s.jurisdiction for i, s in enumerate(DEMO_BUILDINGS) if i % 2 == 0 and s.open_case} | {"FZ"}:
        office = jurisdictions[code]
        agents[code] = AgentBuilder.objects.filter(jurisdiction=office, credit_code="91350503MA2Y4K7Q3G").first()
        if agents[code] is None:
            agents[code] = services.record_save(
                obj=AgentBuilder(
                    jurisdiction=office,
                    credit_code="91350503MA2Y4K7Q3G",
                    name="泉州市安居加梯工程服务有限公司",
                    contact_name="王立新",
                    contact_phone="13905951234",
                ),
                actor=None,
            )
    agent = agents["FZ"]
    # The agent builder's login acts for its company's cases (the applicant's side).
    builder = users["fz_daijian"]
    if builder.agent_builder_id is None:
        builder.agent_builder = agent
        builder.save(update_fields=["agent_builder"])
    for index, spec in enumerate(DEMO_BUILDINGS):
        building = Building.objects.filter(jurisdiction=jurisdictions[spec.jurisdiction], address=spec.address).first()
        if building is None:
            building = services.record_save(
                obj=Building(
                    jurisdiction=jurisdictions[spec.jurisdiction],
                    compound_name=spec.compound,
                    address=spec.address,
                    floors=spec.floors,
                    year_built=spec.year_built,
                    has_reserved_shaft=spec.has_reserved_shaft,
                    in_heritage_area=spec.in_heritage_area,
                    in_demolition_plan=spec.in_demolition_plan,
                ),
                actor=None,
            )
        for unit_index, (unit_name, per_floor) in enumerate(spec.units):
            unit = ElevatorUnit.objects.filter(building=building, name=unit_name).first()
            if unit is None:
                unit = services.record_save(obj=ElevatorUnit(building=building, name=unit_name), actor=None)
            if not unit.flats.exists():
                if index == 0 and unit_index == 0 and _sample_rows():
                    _register_sample(unit)
                else:
                    _register_generated(unit, spec, per_floor, seed=1000 + index * 10 + unit_index)
            if spec.open_case:
                # Any earlier case of the unit, finished or not, means this seed ran before.
                case = unit.cases.order_by("-opened_at").first()
                created = case is None
                if created:
                    case = services.case_open(unit=unit, actor=None)
                if created:
                    top_floor_owner = unit.flats.order_by("-floor").first().ownerships.first().owner
                    services.case_update_details(
                        case=case,
                        actor=None,
                        representatives=[top_floor_owner],
                        agent_builder=agents[spec.jurisdiction] if index % 2 == 0 else None,
                        stretcher_capable=index % 2 == 0,
                        scheme_summary=f"在{unit}北侧增设一部{'可容纳担架的' if index % 2 == 0 else ''}"
                        f"无机房电梯，{spec.floors}层{spec.floors}站，平层入户。",
                        budget=Decimal(380000 + 20000 * index),
                        design_firm="泉州市城建设计院有限公司",
                        installer="福建闽南电梯安装工程有限公司",
                    )
                    budget = Decimal(380000 + 20000 * index)
                    funding_services.case_set_funding(
                        case=case,
                        actor=None,
                        amounts={
                            "owners": budget * Decimal("0.70"),
                            "provident_fund": budget * Decimal("0.20"),
                            "maintenance_fund": budget * Decimal("0.10"),
                        },
                    )
                    funding_services.agreement_update(
                        case=case,
                        actor=None,
                        using_unit="泉州市安居物业服务有限公司",
                        maintenance_company="福建闽南电梯安装工程有限公司",
                        low_floor_compensation="一层住户不分摊建设费用，不承担运行维护费用。" if index % 2 == 0 else "",
                    )
                if created and unit_index < len(spec.progress):
                    _advance(case, spec.progress[unit_index], users)
                    case.refresh_from_db()
                out(
                    f"{'新建' if created else '已有'}案件 {case.number}：{unit}（{unit.flats.count()}户）"
                    f" —— {case.get_status_display()}，当前程序：{case.get_current_step_display()}"
                )
            else:
                problems = services.case_eligibility_problems(unit=unit)
                out(f"不予立案（演示资格审查）：{unit} —— {'；'.join(problems)}")
    out(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    for username, full_name, scope, group in logins:
        out(f"  {username:<14} {full_name:<6} {scope:<8} {group}")
    _ensure_demo_notice()
    _ensure_demo_objections(users)
    _ensure_demo_register()
    out(_ensure_demo_using_unit())
    _ensure_demo_ledger(users)
    out(_ensure_demo_withdrawal())
    owner_line = _ensure_demo_owner()
    if owner_line:
        out(owner_line)
    late_line = _ensure_demo_late_joiner()
    if late_line:
        out(late_line)

    _ensure_demo_notifications()


def _ensure_demo_notice() -> None:
    """The case whose notice runs has it published as staff would: posted at the unit's
    door and on the compound's board, and online for the unit's owners."""
    for case in Case.objects.filter(current_step=2, status="open", steps__number=2, steps__notice_start__isnull=False):
        if not Notice.objects.filter(case=case).exists():
            step = case.steps.get(number=2)
            notice_publish(
                case=case, actor=None, start=step.notice_start, end=step.notice_end, places=["unit", "board"]
            )


def _ensure_demo_objections(users: dict[str, User]) -> None:
    """The running notice has objections as an office would have them: one brought on paper
    by a low-floor owner two days ago, contacted yesterday and still open (step 2 waits for
    it), and one resolved at a mediation meeting with the written reply."""
    for notice in Notice.objects.filter(case__current_step=2, case__status="open").select_related("case", "step"):
        case = notice.case
        if notice.objections.exists() or case.jurisdiction.code != "FZ":
            continue
        officer = users["fz_zhujian"]
        # The first owner of the lowest flat, and of the flat after it.
        owners = []
        for flat in case.unit.flats.order_by("floor", "room")[:2]:
            owners.append(Owner.objects.filter(ownerships__flat=flat).order_by("pk").first())
        now = timezone.now()
        scan_pdf = html_to_pdf(
            "<h1>书面异议（演示扫描件）</h1><p>本人对本单元增设电梯有异议：电梯井道紧贴一楼窗户，影响采光和通风。</p>"
        ).data
        first = objection_record_paper(
            case=case,
            actor=officer,
            owner=owners[0],
            reasons="电梯井道紧贴一楼卧室窗户，影响采光和通风；运行噪音影响休息。",
            scan=SimpleUploadedFile("书面异议.pdf", scan_pdf, content_type="application/pdf"),
            received_at=now - datetime.timedelta(days=2),
        )
        objection_record_handling(
            objection=first,
            actor=officer,
            kind="contact",
            on=timezone.localdate() - datetime.timedelta(days=1),
            how="电话",
            summary="已电话联系异议人，约定下周在社区居委会召开协调会。",
        )
        second = objection_record_paper(
            case=case,
            actor=officer,
            owner=owners[1],
            reasons="电梯入口占用楼下自行车停放处。",
            scan=SimpleUploadedFile("书面异议-2.pdf", scan_pdf, content_type="application/pdf"),
            received_at=now - datetime.timedelta(days=3),
        )
        objection_record_handling(
            objection=second,
            actor=officer,
            kind="meeting",
            on=timezone.localdate() - datetime.timedelta(days=1),
            how="社区居委会会议室",
            attendees="异议人、代建单位王立新、社区网格员、丰泽区住建局经办人",
            summary="代建单位在单元东侧另设自行车停放棚，异议人同意。",
        )
        objection_close(
            objection=second,
            actor=officer,
            outcome="resolved",
            reasons="代建单位在单元东侧另设自行车停放棚。",
            reply_text="经协调会协商，代建单位将在单元东侧另设自行车停放棚，您的异议已按上述方案解决。",
        )


# The owners' portal's demo login: an owner of the Jinjiang unit whose vote is open and who
# has not voted yet, activated from a letter as a real owner would be.
DEMO_OWNER_MOBILE = "13800000001"


def _ensure_demo_owner() -> str:
    case = Case.objects.filter(unit__building__address="晋江市青阳街道阳光花园5幢").order_by("-opened_at").first()
    vote = open_vote_of(case=case) if case is not None else None
    if vote is None:
        return ""
    if not GeneratedDocument.objects.filter(case=case, template=DocumentTemplate.AGREEMENT).exists():
        document_render(case=case, template=DocumentTemplate.AGREEMENT, actor=None)
    account = OwnerAccount.objects.filter(mobile=DEMO_OWNER_MOBILE).select_related("user").first()
    if account is None:
        voted = set(vote.ballots.filter(superseded_at__isnull=True).values_list("voter_key", flat=True))
        waiting = [v for v in unit_voters(unit=case.unit) if v.db_key not in voted and not v.developer]
        owner = next(o for o in case.unit.flats.get(room=waiting[-1].rooms[0]).owners.order_by("pk"))
        letter = owner_services.activation_codes_issue(case=case, actor=None, owners=[owner])[0]
        account = owner_services.account_activate(
            code=letter.code, id_tail=owner.id_number[-6:], mobile=DEMO_OWNER_MOBILE, password=DEMO_PASSWORD
        )
    rooms = "、".join(
        case.unit.flats.filter(owners__person_id=account.user.person_id)
        .order_by("floor", "room")
        .values_list("room", flat=True)
    )
    return (
        f"业主端演示账号：/owner/login/ 手机号码 {DEMO_OWNER_MOBILE}，密码 {DEMO_PASSWORD}"
        f"（{account.user.full_name}，{case.unit} {rooms}室，表决进行中）"
    )


def _ensure_demo_register() -> None:
    """The completed case (TZ-2026-0001) carries a full register, recorded as its office
    would (issue 14): the using unit and the elevator, the use registration, a maintenance
    contract that replaced the first, the supervisory inspection, a maintenance visit about
    every fortnight (one gap too long, pointed out), this year's running costs published to
    the owners. Dates count back from today, so the demo shows the next visit falling due."""
    case = Case.objects.filter(status="completed", jurisdiction__code="TZ").order_by("opened_at").first()
    if case is None or Register.objects.filter(case=case).exists():
        return
    today = timezone.localdate()
    first_use = today - datetime.timedelta(days=120)
    upkeep_services.register_save(
        case=case,
        actor=None,
        using_unit_kind="property",
        using_unit_name="泉州市安居物业服务有限公司",
        safety_admin_name="陈建平",
        safety_admin_certificate="TSZ350500012026",
        contact_name="陈建平",
        contact_phone="0595-22881234",
        contact_email="wuye@example.com",
        maker="通力电梯有限公司",
        model="MonoSpace 500",
        rated_load_kg=630,
        rated_speed=Decimal("1.00"),
        stops=case.unit.building.floors,
        factory_number="FJ2026050123",
        rescue_code="35052",
        installer=case.installer or "福建闽南电梯安装工程有限公司",
        first_used_on=first_use,
    )
    upkeep_services.inspection_record(
        case=case,
        actor=None,
        inspected_on=first_use - datetime.timedelta(days=5),
        result="passed",
        certificate_number="闽特检(2026)DT0512",
        valid_until=first_use - datetime.timedelta(days=5) + datetime.timedelta(days=365),
    )
    upkeep_services.use_registration_record(
        case=case, actor=None, registered_on=first_use + datetime.timedelta(days=12), certificate="梯11闽C00512(26)"
    )
    for company, starts, price in (
        ("福建闽南电梯安装工程有限公司", first_use, "4800.00"),
        ("泉州通达电梯维保有限公司", first_use + datetime.timedelta(days=60), "4200.00"),
    ):
        upkeep_services.contract_record(
            case=case,
            actor=None,
            company=company,
            licence_number="TS3435001-2026",
            starts_on=starts,
            ends_on=starts + datetime.timedelta(days=364),
            price=price,
            interval_days=15,
        )
    visits = [first_use + datetime.timedelta(days=d) for d in (0, 14, 28, 49, 63, 77, 91, 105)]
    for day in visits:
        upkeep_services.visit_record(
            case=case,
            actor=None,
            visited_on=day,
            done_by="林志强、黄文斌",
            work="半月维护保养：门系统、曳引机、制动器、轿厢照明及应急通话检查。",
        )
    for kind, amount in (("electricity", "1260.00"), ("maintenance", "1400.00"), ("inspection", "300.00")):
        upkeep_services.cost_record(case=case, actor=None, year=today.year, kind=kind, amount=amount)
    upkeep_services.costs_publish(case=case, actor=None, year=today.year)


def _ensure_demo_using_unit() -> str:
    """The using unit's account (role 使用单位, no jurisdiction, as a system administrator
    creates it) of the property company that manages TZ-2026-0001's elevator, tied to its
    register as the office would on the register page (issue 14 §2: the using unit's page)."""
    user, _ = User.objects.get_or_create(username="tz_shiyong")
    user.full_name, user.email, user.jurisdiction, user.is_staff = "陈建平", "shiyong@example.com", None, True
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.set([Group.objects.get(name=SPEC_BY_ROLE[Role.USING_UNIT].group_name)])
    register = Register.objects.filter(case__status="completed", case__jurisdiction__code="TZ").first()
    if register is not None and not UsingUnitMember.objects.filter(register=register, user=user).exists():
        upkeep_services.using_unit_member_add(case=register.case, actor=None, username=user.username)
    return (
        f"  {'tz_shiyong':<14} {'陈建平':<6} {'本单位电梯':<8} {SPEC_BY_ROLE[Role.USING_UNIT].group_name}"
        f"（泉州市安居物业服务有限公司，管理 {register.case.number if register else '—'} 的电梯："
        "/admin/upkeep/register/mine/）"
    )


def _ensure_demo_ledger(users: dict[str, User]) -> None:
    """FZ-2026-0002's ledger as its office would keep it (issue 15 §1): three flats' first
    instalments (half their share, to the fen, one with its bank slip), the design fee paid
    against its invoice, the installation contract's three milestones, and one contribution
    booked to the wrong flat and reversed with its reason."""
    case = Case.objects.filter(number="FZ-2026-0002").select_related("unit").first()
    if case is None or LedgerEntry.objects.filter(case=case).exists():
        return
    officer = users.get("fz_zhujian")
    today = timezone.localdate()
    slip = html_to_pdf("<h1>银行回单（演示）</h1><p>转入：增设电梯资金专户</p>").data
    invoice = html_to_pdf("<h1>增值税普通发票（演示）</h1><p>项目：增设电梯设计费</p>").data
    for name, percent, due in (
        ("预付款", "30", "合同签订后7日内"),
        ("设备进场款", "40", "电梯设备进场验收后7日内"),
        ("竣工验收款", "30", "竣工验收合格并取得使用登记后15日内"),
    ):
        services_ledger.milestone_add(case=case, actor=officer, name=name, percent=percent, due_condition=due)
    shares = {a.room: a.share for a in case_ledger(case=case).accounts}
    paying = [room for room, share in shares.items() if share > 0][:3]
    for i, room in enumerate(paying):
        half = (shares[room] / 2).quantize(Decimal("0.01"))
        services_ledger.ledger_entry_record(
            case=case,
            actor=officer,
            kind=LedgerKind.CONTRIBUTION,
            date=today - datetime.timedelta(days=20 - i),
            amount=half,
            counterparty=f"{room}室业主",
            note="首期（分摊额的50%）",
            flat=case.unit.flats.get(room=room),
            voucher=SimpleUploadedFile("银行回单.pdf", slip, content_type="application/pdf") if i == 0 else None,
        )
    if len(paying) > 1:
        wrong = services_ledger.ledger_entry_record(
            case=case,
            actor=officer,
            kind=LedgerKind.CONTRIBUTION,
            date=today - datetime.timedelta(days=10),
            amount=Decimal("5000.00"),
            counterparty=f"{paying[1]}室业主",
            note="第二期",
            flat=case.unit.flats.get(room=paying[0]),
        )
        services_ledger.ledger_entry_reverse(
            entry=wrong, actor=officer, reason=f"房号登记错误：款项由{paying[1]}室缴纳，误记为{paying[0]}室"
        )
    services_ledger.ledger_entry_record(
        case=case,
        actor=officer,
        kind=LedgerKind.DESIGNER,
        date=today - datetime.timedelta(days=5),
        amount=Decimal("8000.00"),
        counterparty="泉州市建筑设计院有限公司",
        note="增设电梯施工图设计费",
        voucher=SimpleUploadedFile("设计费发票.pdf", invoice, content_type="application/pdf"),
    )


def _ensure_demo_withdrawal() -> str:
    """TZ-2026-0001 (completed, its use registration recorded by _ensure_demo_register) has a
    provident-fund withdrawal (issue 15 §2) taken at the window of its office's fund reviewer
    (tz_gongjijin, made here: the reviewers above are 丰泽区's), for half the share of the
    first flat that pays, waiting for that reviewer's decision."""
    user, _ = User.objects.get_or_create(username="tz_gongjijin")
    user.full_name, user.is_staff = "苏雅婷", True
    user.jurisdiction = Jurisdiction.objects.filter(code="TZ").first()
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.set([Group.objects.get(name=SPEC_BY_ROLE[Role.FUND_REVIEWER].group_name)])
    line = f"  {'tz_gongjijin':<14} {'苏雅婷':<6} {'台商投资区':<8} {SPEC_BY_ROLE[Role.FUND_REVIEWER].group_name}"
    case = Case.objects.filter(status="completed", jurisdiction__code="TZ").order_by("opened_at").first()
    if case is None or Register.objects.filter(case=case, registered_on__isnull=False).count() == 0:
        return line
    if not case.withdrawals.exists():
        account = next((a for a in case_ledger(case=case).accounts if a.share > 0), None)
        if account is not None:
            flat = case.unit.flats.get(pk=account.flat_id)
            owner = flat.owners.order_by("pk").first()
            provident_withdrawal_apply(
                case=case,
                actor=user,
                flat=flat,
                applicant_name=owner.name if owner else "业主",
                relation="owner",
                amount=(account.share / 2).quantize(Decimal("0.01")),
                payee_bank="中国建设银行泉州分行",
                payee_account="6217001234567890123",
            )
    return f"{line}（{case.number} 有一份公积金提取申请待审核：/admin/funding/withdrawal/case/{case.pk}/）"


DEMO_LATE_JOINER_MOBILE = "13800000002"


def _ensure_demo_late_joiner() -> str:
    """The completed case (TZ-2026-0001), issue 15 §3: every flat with a share paid it in full
    but one, which may join later (its owner has a portal account, 13800000002, to read what
    it would pay); one paying flat was sold and its account moved to the new owner."""
    case = Case.objects.filter(status="completed", jurisdiction__code="TZ").order_by("opened_at").first()
    if case is None or LedgerEntry.objects.filter(case=case).exists():
        return ""
    today = timezone.localdate()
    accounts = [a for a in case_ledger(case=case, with_owners=True).accounts if a.share > 0]
    if len(accounts) < 3:
        return ""
    joiner = accounts[-2]
    for i, account in enumerate(a for a in accounts if a is not joiner):
        services_ledger.ledger_entry_record(
            case=case,
            actor=None,
            kind=LedgerKind.CONTRIBUTION,
            date=today - datetime.timedelta(days=300 - i),
            amount=account.share,
            counterparty=f"{account.room}室业主",
            note="分摊款（一次缴清）",
            flat=case.unit.flats.get(room=account.room),
        )
    sold = accounts[0]
    services_accounts.flat_transfer_record(
        case=case,
        flat=case.unit.flats.get(room=sold.room),
        actor=None,
        transferred_on=today - datetime.timedelta(days=30),
        new_owners="陈志明（演示）",
        note="二手房买卖，不动产权证已变更",
    )
    owner = case.unit.flats.get(room=joiner.room).owners.order_by("pk").first()
    account = OwnerAccount.objects.filter(mobile=DEMO_LATE_JOINER_MOBILE).first()
    if (
        account is None
        and owner is not None
        and not OwnerAccount.objects.filter(user__person_id=owner.person_id).exists()
    ):
        letter = owner_services.activation_codes_issue(case=case, actor=None, owners=[owner])[0]
        owner_services.account_activate(
            code=letter.code, id_tail=owner.id_number[-6:], mobile=DEMO_LATE_JOINER_MOBILE, password=DEMO_PASSWORD
        )
    return (
        f"后续加入演示：{case.number} {joiner.room}室未出资，可在收支台账点击房号计算补缴金额；"
        f"该户业主端 /owner/login/ 手机号码 {DEMO_LATE_JOINER_MOBILE}，密码 {DEMO_PASSWORD}"
    )


def _ensure_demo_notifications() -> None:
    """A few inbox rows to look at (issue 16 §2). The seeding's own events told whom they tell
    (fz_zhujian acted on most of 丰泽区's, and is not told of their own acts; the demo owner's
    account came after their vote opened), so the same events are told again to these two:
    fz_zhujian hears of the window submissions of 丰泽区 (the older ones read), the demo owner of
    their vote opening. Once: nothing if they already have rows."""
    officer = User.objects.filter(username="fz_zhujian").first()
    if officer is not None and not Notification.objects.filter(user=officer).exists():
        submitted = AuditEvent.objects.filter(event="case_step_submitted", case__jurisdiction__code="FZ")
        for event in submitted.order_by("pk"):
            tell_again(event, to=[officer])
        newest = Notification.objects.filter(user=officer).order_by("-created_at", "-id").values("pk")[:2]
        Notification.objects.filter(user=officer).exclude(pk__in=newest).update(read_at=timezone.now())
    account = OwnerAccount.objects.filter(mobile=DEMO_OWNER_MOBILE).select_related("user").first()
    if account is not None and not Notification.objects.filter(user=account.user).exists():
        cases = Case.objects.filter(unit__flats__owners__person_id=account.user.person_id).distinct()
        for event in AuditEvent.objects.filter(event="vote_opened", case__in=cases).order_by("pk"):
            tell_again(event, to=[account.user])
