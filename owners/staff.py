"""The owners' accounts and the agreement's signatures as staff see them: the case page's
panel "业主账户与激活函" (registered in extensions.py: a line and a link, nothing read), the
accounts page it leads to (each owner's account and signature, with the
office's buttons) and the staff actions behind them, served inside the admin
(OwnerAccountAdmin.get_urls).

Who sees what:
- the panel: staff who may read the office's owner records (`cases.view_owner`: the
  office's staff of every department, the city supervisors) on a case they see. The
  applicant's account (agent builder, owner representative) does not see it: account
  states and phone digits are personal data the office keeps, as the vote page keeps
  each owner's ballot from them.
- the buttons and every action: the receiving office only
  (`services.can_manage_owner_accounts`); anyone else who sees the case gets a 403, and
  another office's case is a 404 whatever the ID (`case_list_visible_to`).

The letters' PDF is answered to the POST that issued the codes and kept nowhere: the
plaintext codes exist only in that response and on the paper.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Min
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.downloads import private_file_response
from audit.services import written_in_chinese
from cases.files import clean_file_name
from cases.models import Case, CaseStatus, Owner
from cases.selectors import case_list_visible_to

from . import audit, selectors, services
from .models import AgreementSignature, OwnerAccount, SignatureChannel


def can_view_owner_accounts(user) -> bool:
    """Whoever may read the office's owner records (the case itself is found through
    `case_list_visible_to` first)."""
    return user.is_authenticated and user.is_staff and user.has_perm("cases.view_owner")


def _minute(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _day(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class OwnerRow:
    owner: Owner
    rooms: str
    state: str
    state_key: str  # none / letter / active / disabled: the row's CSS class
    account: OwnerAccount | None
    may_reissue: bool  # no account in use: a letter may be printed again
    may_disable: bool
    has_live_letter: bool
    signature: AgreementSignature | None
    signature_text: str


def _state(account: OwnerAccount | None, code) -> tuple[str, str]:
    if account is not None and not account.is_disabled:
        return "active", _("已激活（手机尾号%(tail)s）") % {"tail": account.mobile[-4:]}
    letter = _("激活函已签发（有效期至%(date)s）") % {"date": _day(code.expires_at)} if code else ""
    if account is not None:
        return "disabled", _("已停用") + (f"；{letter}" if letter else "")
    if letter:
        return "letter", letter
    return "none", _("未激活")


def _signature_text(signature: AgreementSignature | None, account_active: bool) -> str:
    if signature is None:
        if account_active:
            return _("未签署（可网上确认签署，或到窗口纸质签署）")
        return _("未签署：须纸质签署")
    if signature.channel == SignatureChannel.ONLINE:
        return _("已网上确认签署（%(at)s）") % {"at": _minute(signature.signed_at)}
    by = signature.recorded_by.get_full_name() if signature.recorded_by else ""
    text = _("已纸质签署（%(day)s，%(by)s登记）") % {"day": _day(signature.signed_at), "by": by}
    if signature.proxy_name:
        text += _("，由%(proxy)s（%(relation)s）代签") % {
            "proxy": signature.proxy_name,
            "relation": signature.proxy_relation,
        }
    return text


def owner_rows(*, case: Case) -> list[OwnerRow]:
    owners = selectors.owners_of_unit(unit=case.unit)
    rooms = selectors.rooms_by_owner(unit=case.unit)
    person_ids = [o.person_id for o in owners]
    accounts = selectors.accounts_by_person(person_ids=person_ids)
    live = selectors.live_codes_by_person(person_ids=person_ids, now=timezone.now())
    signatures = {
        s.owner_id: s for s in AgreementSignature.objects.filter(case=case).select_related("recorded_by", "account")
    }
    rows = []
    for owner in owners:
        account = accounts.get(owner.person_id)
        key, state = _state(account, live.get(owner.person_id))
        signature = signatures.get(owner.pk)
        rows.append(
            OwnerRow(
                owner=owner,
                rooms=selectors.rooms_text(rooms.get(owner.pk, ())),
                state=state,
                state_key=key,
                account=account,
                may_reissue=key != "active",
                may_disable=key == "active",
                has_live_letter=owner.person_id in live and key != "active",
                signature=signature,
                signature_text=_signature_text(signature, key == "active"),
            )
        )
    return rows


def panel_context(*, request, case) -> dict | None:
    """The case page's panel (registered in extensions.py): the way to the accounts page,
    and nothing read for it. Counting the accounts and signatures there cost the case page
    a query of ~4 ms, most of the page's budget (`make bench-pages`); the accounts page
    counts them. None for whoever may not read the owners' accounts."""
    if not can_view_owner_accounts(request.user):
        return None
    return {}


def case_accounts(request, admin_site, case_pk: int):
    """业主账户与协议签署: each owner of the unit, their account's state and their signature,
    with the office's actions."""
    if not can_view_owner_accounts(request.user):
        raise PermissionDenied(_("您无权查看业主账户。"))
    case = _case_for(request, case_pk)
    rows = owner_rows(case=case)
    may_manage = services.can_manage_owner_accounts(request.user, case)
    is_open = case.status == CaseStatus.OPEN
    context = {
        **admin_site.each_context(request),
        "title": _("业主账户与协议签署"),
        "subtitle": None,
        "case": case,
        "owner_rows": rows,
        "may_manage": may_manage,
        "may_issue": may_manage and is_open,
        "case_open": is_open,
        "need_letter_count": sum(1 for r in rows if r.state_key != "active"),
        "live_letter_count": sum(1 for r in rows if r.has_live_letter),
        "signed_count": sum(1 for r in rows if r.signature is not None),
        "unsigned": [r for r in rows if r.signature is None],
    }
    return TemplateResponse(request, "owners/staff/case_accounts.html", context)


# --- the actions ---------------------------------------------------------------------------


def _case_for(request, case_pk: int) -> Case:
    return get_object_or_404(
        case_list_visible_to(user=request.user).select_related("jurisdiction", "unit__building"), pk=case_pk
    )


def _managed_case(request, case_pk: int) -> Case:
    case = _case_for(request, case_pk)
    if not services.can_manage_owner_accounts(request.user, case):
        raise PermissionDenied(_("只有受理本案的区住建部门可以办理业主账户和激活函。"))
    return case


def _back_to_case(case: Case):
    """After an action: the accounts page, where its result shows."""
    return redirect(reverse("admin:owners_case_accounts", args=[case.pk]))


def _unit_owner(case: Case, owner_pk) -> Owner | None:
    """An owner record of the case's unit, or None (unknown, another unit's, not a number)."""
    try:
        pk = int(owner_pk)
    except (TypeError, ValueError):
        return None
    return Owner.objects.filter(pk=pk, ownerships__flat__unit_id=case.unit_id).distinct().first()


def _pdf_response(case: Case, printed: services.PrintedLetters, suffix: str) -> HttpResponse:
    response = HttpResponse(printed.pdf, content_type="application/pdf")
    filename = clean_file_name(f"{case.number}-{suffix}.pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    # The codes are in it: never cached, by the browser or anything between.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _print(request, case: Case, call, suffix: str):
    try:
        printed = call()
    except ValidationError as refusal:
        for message in refusal.messages:
            messages.error(request, message)
        return _back_to_case(case)
    if not printed.letters:
        messages.info(request, _("本梯号业主均已激活账户，无需签发激活函。"))
        return _back_to_case(case)
    return _pdf_response(case, printed, suffix)


@require_POST
def letters_issue(request, admin_site, case_pk: int):
    """签发激活函（未激活业主）: codes for every owner without an account in use, the PDF
    as the answer."""
    case = _managed_case(request, case_pk)
    return _print(
        request,
        case,
        lambda: services.activation_letters_print(case=case, actor=request.user),
        _("业主激活函"),
    )


@require_POST
def letter_reissue(request, admin_site, case_pk: int, owner_pk: int):
    """补发 for one owner."""
    case = _managed_case(request, case_pk)
    owner = _unit_owner(case, owner_pk)
    if owner is None:
        messages.error(request, _("所选业主不是本梯号房屋的登记业主。"))
        return _back_to_case(case)
    return _print(
        request,
        case,
        lambda: services.activation_letter_reissue(case=case, owner=owner, actor=request.user),
        _("%(name)s-激活函") % {"name": owner.name},
    )


class DisableForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("停用原因"),
        max_length=200,
        strip=True,
        widget=forms.TextInput(attrs={"size": 50, "placeholder": gettext_lazy("如：手机丢失、房屋已出售")}),
        error_messages={
            "required": gettext_lazy("请填写停用原因（如：手机丢失、房屋已出售）。"),
            "max_length": gettext_lazy("停用原因最多200个字。"),
        },
    )


def account_disable(request, admin_site, case_pk: int, owner_pk: int):
    """停用账户, with its reason; a page of its own, so the reason is asked for and an error
    keeps what was typed."""
    case = _managed_case(request, case_pk)
    owner = _unit_owner(case, owner_pk)
    if owner is None:
        messages.error(request, _("所选业主不是本梯号房屋的登记业主。"))
        return _back_to_case(case)
    account = selectors.accounts_by_person(person_ids=[owner.person_id]).get(owner.person_id)
    if account is None or account.is_disabled:
        messages.error(request, _("%(name)s没有正在使用的业主账户。") % {"name": owner.name})
        return _back_to_case(case)
    form = DisableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_disable(account=account, case=case, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(
                request, _("已停用%(name)s的业主账户。需要时可补发激活函，业主重新激活。") % {"name": owner.name}
            )
            return _back_to_case(case)
    context = {
        **admin_site.each_context(request),
        "title": _("停用业主账户"),
        "subtitle": None,
        "case": case,
        "owner": owner,
        "account": account,
        "rooms": selectors.rooms_text(selectors.rooms_by_owner(unit=case.unit).get(owner.pk, ())),
        "form": form,
    }
    return TemplateResponse(request, "owners/staff/account_disable.html", context)


class _OwnerChoice(forms.ModelChoiceField):
    def __init__(self, *args, rooms: dict, **kwargs):
        self.rooms = rooms
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return f"{selectors.rooms_text(self.rooms.get(obj.pk, ()))}　{obj.name}"


class PaperSignatureForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=Owner.objects.none())  # replaced per case in __init__
    signed_on = forms.DateField(
        label=gettext_lazy("签署日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("请填写签署日期。"),
            "invalid": gettext_lazy("请按 年-月-日 填写日期。"),
        },
    )
    proxy_name = forms.CharField(
        label=gettext_lazy("代签人"),
        required=False,
        max_length=services.PROXY_NAME_MAX,
        help_text=gettext_lazy("业主本人签署的留空。"),
        error_messages={"max_length": gettext_lazy("代签人姓名最多50个字。")},
    )
    proxy_relation = forms.CharField(
        label=gettext_lazy("与业主关系"),
        required=False,
        max_length=services.PROXY_RELATION_MAX,
        help_text=gettext_lazy("如：子女、配偶。"),
        error_messages={"max_length": gettext_lazy("与业主关系最多20个字。")},
    )
    proxy_letter = forms.FileField(
        label=gettext_lazy("委托书扫描件"),
        required=False,
        help_text=gettext_lazy("代签时必须上传：PDF、JPEG或PNG。"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        # The unit's owners who have not signed, in room order (the annotation runs over
        # the filtered join: this unit's flats only).
        unsigned = (
            Owner.objects.filter(ownerships__flat__unit_id=case.unit_id)
            .exclude(pk__in=AgreementSignature.objects.filter(case=case).values("owner_id"))
            .annotate(first_floor=Min("ownerships__flat__floor"), first_room=Min("ownerships__flat__room"))
            .order_by("first_floor", "first_room", "pk")
        )
        self.fields["owner"] = _OwnerChoice(
            label=_("业主"),
            queryset=unsigned,
            rooms=selectors.rooms_by_owner(unit=case.unit),
            empty_label=_("请选择尚未签署的业主"),
            error_messages={
                "required": _("请选择业主。"),
                "invalid_choice": _("所选业主不是本梯号房屋的登记业主，或已登记签署。"),
            },
        )


def paper_signature(request, admin_site, case_pk: int):
    """登记纸质签署: an owner signed the agreement on paper, maybe through a proxy."""
    case = _managed_case(request, case_pk)
    initial = {"signed_on": timezone.localdate()}
    wanted = _unit_owner(case, request.GET.get("owner"))
    if wanted is not None:
        initial["owner"] = wanted.pk
    form = PaperSignatureForm(request.POST or None, request.FILES or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agreement_record_paper(
                case=case,
                owner=data["owner"],
                actor=request.user,
                signed_on=data["signed_on"],
                proxy_name=data["proxy_name"],
                proxy_relation=data["proxy_relation"],
                proxy_letter=data["proxy_letter"],
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("已登记%(name)s纸质签署增设电梯协议书。") % {"name": data["owner"].name})
            return _back_to_case(case)
    context = {
        **admin_site.each_context(request),
        "title": _("登记纸质签署"),
        "subtitle": None,
        "case": case,
        "form": form,
    }
    return TemplateResponse(request, "owners/staff/paper_signature.html", context)


@written_in_chinese
def proxy_letter(request, admin_site, pk: int):
    """The scanned power of attorney of a proxy signature: the receiving office only."""
    signature = get_object_or_404(
        AgreementSignature.objects.filter(case__in=case_list_visible_to(user=request.user))
        .exclude(proxy_letter="")
        .select_related("case", "owner"),
        pk=pk,
    )
    if not can_view_owner_accounts(request.user):
        raise Http404
    may = services.can_manage_owner_accounts(request.user, signature.case)
    name = f"{signature.case.number}-{signature.owner.name}-委托书.{signature.letter_extension}"
    return private_file_response(
        request,
        file=signature.proxy_letter,
        filename=clean_file_name(name),
        content_type=signature.proxy_letter_type,
        refusal=None if may else _("只有受理本案的区住建部门可以查看委托书。"),
        log_download=functools.partial(audit.proxy_letter_downloaded, signature=signature),
    )
