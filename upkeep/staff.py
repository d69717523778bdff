"""The register as staff see it: the case page's line (registered in apps.py; nothing read
for a case not completed, the register and the holiday calendar otherwise), the register
page it leads to and the office's forms, served inside the admin (RegisterAdmin.get_urls).

Who sees what: whoever sees the case (`case_list_visible_to`; another office's case is a
404 whatever the ID) reads the register of a completed case and downloads the share table
and the visit scans (each download logged); the receiving office
(`permissions.can_keep_register`) records; anyone else gets a 403 on those.

The using unit's accounts (role 使用单位, permissions.py) reach only the registers they
manage (`selectors.register_case_list_visible_to`; any other case is a 404): their page
我管理的电梯 (`my_registers`, where the registers' list sends them too), those registers'
pages without the owners' names and the share table, the visit scans, and the forms for
visits and inspections (`permissions.can_record_upkeep`)."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.downloads import private_file_response
from cases.extensions import list_links
from cases.models import Case, CaseStatus

from . import audit, exports, selectors, services
from .forms import (
    ContractForm,
    CostForm,
    InspectionForm,
    MemberAddForm,
    PublishCostsForm,
    RegisterForm,
    UseRegistrationForm,
    VisitForm,
)
from .models import MaintenanceVisit, Register
from .permissions import can_keep_register, can_record_upkeep, is_using_unit_user


def panel_context(*, request, case) -> dict | None:
    """The case page's line: staff only, completed cases only."""
    if not request.user.is_staff or case.status != CaseStatus.COMPLETED:
        return None
    summary = selectors.panel_summary(case=case, today=timezone.localdate())
    return {"upkeep": summary}


def _case_for(request, case_pk: int) -> Case:
    case = get_object_or_404(
        selectors.register_case_list_visible_to(user=request.user).select_related("jurisdiction", "unit__building"),
        pk=case_pk,
    )
    if case.status != CaseStatus.COMPLETED:
        raise Http404(_("案件尚未办结，没有电梯使用管理档案。"))
    return case


def _kept_case(request, case_pk: int) -> Case:
    case = _case_for(request, case_pk)
    if not can_keep_register(request.user, case):
        raise PermissionDenied(_("只有受理本案的区住建部门可以登记电梯使用管理档案。"))
    return case


def _recording_case(request, case_pk: int) -> Case:
    case = _case_for(request, case_pk)
    if not can_record_upkeep(request.user, case):
        raise PermissionDenied(_("只有受理本案的区住建部门或本电梯的使用单位可以登记维护保养和定期检验。"))
    return case


def _page_url(case: Case) -> str:
    return reverse("admin:upkeep_register_page", args=[case.pk])


def _owners(case: Case):
    return list(case.unit.flats.values_list("owners__pk", "owners__name").distinct().order_by("owners__name"))


class _Owner:
    def __init__(self, pk, name):
        self.pk, self.name = pk, name


def _register_initial(register: Register | None, case: Case) -> dict:
    if register is None:
        return {"installer": case.installer}
    initial = {name: getattr(register, name) for name in services.REGISTER_FIELDS}
    initial["responsible_owner"] = register.responsible_owner_id
    return initial


def register_page(request, admin_site, case_pk: int, *, forms=None):
    """电梯使用管理档案: the register of one completed case and the office's forms."""
    case = _case_for(request, case_pk)
    today = timezone.localdate()
    page = selectors.register_page(case=case, today=today)
    forms = forms or {}
    owners = [_Owner(pk, name) for pk, name in _owners(case) if pk]
    costs = selectors.costs_of(register=page.register) if page.register else []
    years = sorted({c.year for c in costs}, reverse=True)
    may_keep = can_keep_register(request.user, case)
    using_unit = is_using_unit_user(request.user)
    context = {
        **admin_site.each_context(request),
        "title": _("电梯使用管理档案"),
        "subtitle": None,
        "case": case,
        "page": page,
        "register": page.register,
        "may_keep": may_keep,
        "may_record": may_keep or (using_unit and can_record_upkeep(request.user, case)),
        # The using unit's account reads the register without the owners' personal data
        # (the responsible owner's name, the share table with each flat's owners).
        "using_unit_view": using_unit,
        "members": selectors.register_members(register=page.register) if may_keep else [],
        "member_form": forms.get("member") or MemberAddForm(),
        "costs": costs,
        "cost_years": years,
        "unpublished_years": sorted({c.year for c in costs if c.published_at is None}, reverse=True),
        "register_form": forms.get("register")
        or RegisterForm(initial=_register_initial(page.register, case), owners=owners),
        "use_form": forms.get("use") or UseRegistrationForm(),
        "contract_form": forms.get("contract") or ContractForm(initial={"interval_days": 15}),
        "inspection_form": forms.get("inspection") or InspectionForm(),
        "visit_form": forms.get("visit") or VisitForm(initial={"visited_on": today}),
        "cost_form": forms.get("cost") or CostForm(initial={"year": today.year}),
        "publish_form": forms.get("publish") or PublishCostsForm(initial={"year": years[0] if years else today.year}),
    }
    return TemplateResponse(request, "upkeep/staff/register.html", context)


def _post(request, admin_site, case_pk, *, key, form, run, done):
    """Validate the form, call the service, and either redirect with its message or show
    the page again with the reasons beside the form."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as refusal:
            if hasattr(refusal, "error_dict"):
                for field, errors in refusal.error_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                form.add_error(None, refusal)
        else:
            messages.success(request, done)
            return redirect(_page_url(_case_for(request, case_pk)))
    return register_page(request, admin_site, case_pk, forms={key: form})


@require_POST
def register_save(request, admin_site, case_pk: int):
    case = _kept_case(request, case_pk)
    owners = [_Owner(pk, name) for pk, name in _owners(case) if pk]
    form = RegisterForm(request.POST, owners=owners)
    return _post(
        request,
        admin_site,
        case_pk,
        key="register",
        form=form,
        run=lambda data: services.register_save(case=case, actor=request.user, **data),
        done=_("已保存使用单位和电梯信息。"),
    )


@require_POST
def use_registration(request, admin_site, case_pk: int):
    case = _kept_case(request, case_pk)
    return _post(
        request,
        admin_site,
        case_pk,
        key="use",
        form=UseRegistrationForm(request.POST),
        run=lambda d: services.use_registration_record(
            case=case, actor=request.user, registered_on=d["registered_on"], certificate=d["certificate"]
        ),
        done=_("已登记使用登记证。"),
    )


@require_POST
def contract_add(request, admin_site, case_pk: int):
    case = _kept_case(request, case_pk)
    return _post(
        request,
        admin_site,
        case_pk,
        key="contract",
        form=ContractForm(request.POST),
        run=lambda d: services.contract_record(case=case, actor=request.user, **d),
        done=_("已登记维护保养合同。"),
    )


@require_POST
def inspection_add(request, admin_site, case_pk: int):
    case = _recording_case(request, case_pk)
    return _post(
        request,
        admin_site,
        case_pk,
        key="inspection",
        form=InspectionForm(request.POST),
        run=lambda d: services.inspection_record(case=case, actor=request.user, **d),
        done=_("已登记定期检验。"),
    )


@require_POST
def visit_add(request, admin_site, case_pk: int):
    case = _recording_case(request, case_pk)
    return _post(
        request,
        admin_site,
        case_pk,
        key="visit",
        form=VisitForm(request.POST, request.FILES),
        run=lambda d: services.visit_record(case=case, actor=request.user, **d),
        done=_("已登记维护保养记录。"),
    )


@require_POST
def cost_add(request, admin_site, case_pk: int):
    case = _kept_case(request, case_pk)
    return _post(
        request,
        admin_site,
        case_pk,
        key="cost",
        form=CostForm(request.POST),
        run=lambda d: services.cost_record(case=case, actor=request.user, **d),
        done=_("已登记运行费用。"),
    )


@require_POST
def costs_publish(request, admin_site, case_pk: int):
    case = _kept_case(request, case_pk)
    return _post(
        request,
        admin_site,
        case_pk,
        key="publish",
        form=PublishCostsForm(request.POST),
        run=lambda d: services.costs_publish(case=case, actor=request.user, year=d["year"]),
        done=_("已向业主公布运行费用。"),
    )


def _share_table(request, case: Case):
    if is_using_unit_user(request.user):
        raise PermissionDenied(_("产权份额表载有业主信息，使用单位账号不能导出。"))
    register = selectors.register_of(case=case)
    if register is None:
        raise Http404(_("本案尚未建立电梯使用管理档案。"))
    year = request.GET.get("year", "")
    costs = []
    if year:
        if not year.isdigit() or len(year) != 4:
            raise Http404(_("年度应为四位数字。"))
        costs = [c for c in selectors.costs_of(register=register) if c.year == int(year)]
    return register, selectors.share_table(case=case, costs=costs)


def _download(data: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def shares_xlsx(request, admin_site, case_pk: int):
    case = _case_for(request, case_pk)
    register, table = _share_table(request, case)
    data = exports.share_table_xlsx(table)
    audit.shares_exported(register=register, actor=request.user, fmt="xlsx")
    return _download(
        data,
        filename=f"{case.number}-产权份额表.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def shares_pdf(request, admin_site, case_pk: int):
    case = _case_for(request, case_pk)
    register, table = _share_table(request, case)
    data = exports.share_table_pdf(table)
    audit.shares_exported(register=register, actor=request.user, fmt="pdf")
    return _download(data, filename=f"{case.number}-产权份额表.pdf", content_type="application/pdf")


def visit_scan(request, admin_site, pk: int):
    visit = get_object_or_404(
        MaintenanceVisit.objects.select_related("register__case").filter(
            register__case__in=selectors.register_case_list_visible_to(user=request.user)
        ),
        pk=pk,
    )
    if not visit.scan:
        raise Http404(_("这条维护保养记录没有扫描件。"))
    ext = {"application/pdf": "pdf", "image/png": "png"}.get(visit.scan_type, "jpg")
    return private_file_response(
        request,
        file=visit.scan,
        filename=f"{visit.register.case.number}-维护保养记录-{visit.visited_on:%Y%m%d}.{ext}",
        content_type=visit.scan_type or "application/octet-stream",
        refusal=None,
        log_download=functools.partial(audit.visit_scan_downloaded, visit=visit),
    )


@require_POST
def member_add(request, admin_site, case_pk: int):
    case = _kept_case(request, case_pk)
    return _post(
        request,
        admin_site,
        case_pk,
        key="member",
        form=MemberAddForm(request.POST),
        run=lambda d: services.using_unit_member_add(case=case, actor=request.user, username=d["account"]),
        done=_("已添加使用单位账号：该账号可在“我管理的电梯”中看到本电梯。"),
    )


@require_POST
def member_remove(request, admin_site, case_pk: int, member_pk: int):
    case = _kept_case(request, case_pk)
    try:
        services.using_unit_member_remove(case=case, actor=request.user, member_id=member_pk)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("已移除使用单位账号。"))
    return redirect(_page_url(case))


def my_registers(request, admin_site):
    """我管理的电梯: the using unit's account's home page: each register it manages with the
    case, the address, the 96196 code and today's warnings, most urgent first."""
    if not is_using_unit_user(request.user):
        raise PermissionDenied(_("这是使用单位账号的页面。"))
    rows = selectors.managed_registers(user=request.user, today=timezone.localdate())
    context = {
        **admin_site.each_context(request),
        "title": _("我管理的电梯"),
        "subtitle": None,
        "list_links": list_links("upkeep.mine", request),
        "rows": rows,
        "warning_count": sum(len(row.warnings) for row in rows),
    }
    return TemplateResponse(request, "upkeep/staff/mine.html", context)
