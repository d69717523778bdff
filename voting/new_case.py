"""The one path from nothing to an open case, as a new officer takes it in the browser:
the building and its unit (found by address or created), the roster file, the eligibility
gate, the case and, when given, the motion, all or nothing (`services.case_start_from_roster`,
the service `import_roster` uses too). Every problem is named at once: the roster's by row
and column, the gate's in the user's language; nothing is saved until all pass. Then the
case page.

It lives in voting/ because it imports a roster; the case list's "add" (CaseAdmin.add_view)
leads here by URL name (`admin:voting_new_case`).
"""

import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import services as case_services
from cases.models import Case, Jurisdiction
from cases.permissions import departments_of
from cases.workflow import Department

from . import services
from .forms import RosterUploadForm
from .roster import TableFileError, UnusualAreasError, parse_roster


def may_start_case(user) -> bool:
    """District housing officers of an office, and superusers (who choose the office)."""
    if user.is_superuser:
        return True
    return getattr(user, "jurisdiction_id", None) is not None and Department.HOUSING in departments_of(user)


class NewCaseForm(RosterUploadForm):
    jurisdiction = forms.ModelChoiceField(
        label=gettext_lazy("辖区"), queryset=Jurisdiction.objects.order_by("pk"), required=False
    )
    address = forms.CharField(
        label=gettext_lazy("楼栋地址"),
        max_length=200,
        help_text=gettext_lazy("如：丰泽区东湖街道刺桐花园1幢。已登记的楼栋按地址找到，未登记的新建。"),
    )
    unit_name = forms.CharField(label=gettext_lazy("梯号/单元"), max_length=50, help_text=gettext_lazy("如：1单元"))
    compound_name = forms.CharField(
        label=gettext_lazy("小区名称"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("可不填：按地址推断（如“刺桐花园”）。"),
    )
    floors = forms.IntegerField(
        label=gettext_lazy("地上层数"),
        min_value=2,
        max_value=60,
        required=False,
        help_text=gettext_lazy("可不填：取名册中最高的楼层。"),
    )
    year_built = forms.IntegerField(label=gettext_lazy("建成年份"), min_value=1900, max_value=2100, required=False)
    has_reserved_shaft = forms.BooleanField(label=gettext_lazy("已预留电梯井（免规划审查）"), required=False)
    in_heritage_area = forms.BooleanField(
        label=gettext_lazy("位于文化遗产、历史建筑或传统风貌保护范围（须文物主管部门意见）"), required=False
    )
    in_demolition_plan = forms.BooleanField(label=gettext_lazy("已列入城市规划五年内拆迁改造范围"), required=False)
    land_inside_plot = forms.BooleanField(
        label=gettext_lazy("增设电梯用地在现住宅小区或住宅用地范围内"), required=False, initial=True
    )
    scheme_summary = forms.CharField(
        label=gettext_lazy("增设方案概要"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("表决事项，印在表决票上；开始表决前须填写，表决开始后冻结。"),
    )
    budget = forms.DecimalField(
        label=gettext_lazy("工程预算（元）"),
        required=False,
        min_value=1,
        max_digits=12,
        decimal_places=2,
        help_text=gettext_lazy("表决事项，印在表决票上；开始表决前须填写，表决开始后冻结。"),
    )

    field_order = [
        "jurisdiction",
        "address",
        "unit_name",
        "compound_name",
        "floors",
        "year_built",
        "has_reserved_shaft",
        "in_heritage_area",
        "in_demolition_plan",
        "land_inside_plot",
        "file",
        "confirm_areas",
        "areas_file",
        "scheme_summary",
        "budget",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.is_superuser:
            self.fields["jurisdiction"].required = True
        else:
            # The officer's own office, fixed: shown as text on the page, never a choice.
            del self.fields["jurisdiction"]

    # The page shows the fields in four parts; each is a list of bound fields, which the
    # vote page's field template loops over like a form.
    PARTS = {
        "building_part": ("jurisdiction", "address", "unit_name", "compound_name", "floors", "year_built"),
        "facts_part": ("has_reserved_shaft", "in_heritage_area", "in_demolition_plan", "land_inside_plot"),
        "roster_part": ("file", "confirm_areas", "areas_file"),
        "motion_part": ("scheme_summary", "budget"),
    }

    def _part(self, name: str) -> list:
        return [self[field] for field in self.PARTS[name] if field in self.fields]

    building_part = property(lambda self: self._part("building_part"))
    facts_part = property(lambda self: self._part("facts_part"))
    roster_part = property(lambda self: self._part("roster_part"))
    motion_part = property(lambda self: self._part("motion_part"))

    def office(self) -> Jurisdiction:
        if "jurisdiction" in self.fields:
            return self.cleaned_data["jurisdiction"]
        return self.user.jurisdiction

    def facts(self) -> services.BuildingFacts:
        data = self.cleaned_data
        return services.BuildingFacts(
            compound_name=data.get("compound_name") or "",
            floors=data.get("floors"),
            year_built=data.get("year_built"),
            has_reserved_shaft=data["has_reserved_shaft"],
            in_heritage_area=data["in_heritage_area"],
            in_demolition_plan=data["in_demolition_plan"],
            land_inside_plot=data["land_inside_plot"],
        )


def new_case(request, admin_site):
    if not may_start_case(request.user):
        raise PermissionDenied
    problems, heading = [], ""
    if request.method == "POST":
        form = NewCaseForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data, name = form.read()
            try:
                rows = parse_roster(data, name, confirm_areas=form.areas_confirmed(data))
                scheme = (form.cleaned_data.get("scheme_summary") or "").strip()
                started = services.case_start_from_roster(
                    jurisdiction=form.office(),
                    address=form.cleaned_data["address"],
                    unit_name=form.cleaned_data["unit_name"],
                    rows=rows,
                    actor=request.user,
                    file_name=name,
                    sha256=hashlib.sha256(data).hexdigest(),
                    facts=form.facts(),
                    scheme_summary=scheme or None,
                    budget=form.cleaned_data.get("budget"),
                )
            except UnusualAreasError as exc:
                form.ask_area_confirmation(data)
                heading = _("名册文件“%(name)s”有待确认的面积，未做任何修改：") % {"name": name}
                problems = [
                    *exc.messages,
                    _("如已核对、面积确实无误，请勾选“已核对上述面积，确认无误”，重新选择同一文件后再提交。"),
                ]
            except TableFileError as exc:
                heading = _("名册文件“%(name)s”有以下问题，未做任何修改：") % {"name": name}
                problems = exc.messages
            except case_services.CaseNotEligible as exc:
                heading = _("资格审查未通过，不予立案；楼栋、名册和案件均未保存：")
                problems = exc.problems
            except (ValidationError, PermissionDenied) as exc:
                heading = _("未能立案，未做任何修改：")
                problems = exc.messages if isinstance(exc, ValidationError) else [str(exc) or _("无权操作。")]
            else:
                case = started.case
                if started.created:
                    message = _("已立案：%(number)s（%(unit)s），名册%(summary)s。")
                else:
                    message = _("该梯号已有办理中的案件 %(number)s（%(unit)s），已沿用；名册%(summary)s。")
                messages.success(
                    request, message % {"number": case.number, "unit": started.unit, "summary": started.roster.summary}
                )
                for note in rows.notes:
                    messages.info(request, note)
                if case_services.case_motion_problems(case=case):
                    messages.warning(
                        request, _("开始表决前，请在本页填写增设方案概要和工程预算（表决事项，印在表决票上）。")
                    )
                return redirect(reverse("admin:cases_case_change", args=[case.pk]))
        else:
            heading = _("请更正以下问题：")
            problems = [
                f"{form.fields[field].label}：{error}" if field in form.fields else error
                for field, errors in form.errors.items()
                for error in errors
            ]
    else:
        form = NewCaseForm(user=request.user)
    context = {
        **admin_site.each_context(request),
        "title": _("新建案件"),
        "form": form,
        "problems": problems,
        "problems_heading": heading,
        "office": None if request.user.is_superuser else request.user.jurisdiction,
        "opts": Case._meta,
    }
    return TemplateResponse(request, "admin/voting/new_case.html", context)
