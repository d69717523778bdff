"""The owners' vote of one case (业主表决): votes, ballots and their corrections, imported
ballot files and witness records.

Models hold data and the rules the database can hold; every write goes through
`voting.services`. The roster the vote counts is the unit's flats and owners in the cases
app, frozen once a vote opens (`voting.selectors.roster_frozen`). The counting rule is
`voting.rules` (Civil Code art. 278).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.validators import mask_identity

from .rules import Choice

PROXY_NAME_MAX_LENGTH = 50
PROXY_RELATION_MAX_LENGTH = 20

FILE_EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "text/csv": "csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


def _vote_file_name(instance, content_type: str) -> str:
    # Never the uploader's file name on disk: the case number and a random part only.
    ext = FILE_EXTENSIONS.get(content_type, "bin")
    return f"votes/{instance.case_number_for_path()}/{secrets.token_hex(16)}.{ext}"


def private_file_path(instance: "PrivateFileMixin", filename: str) -> str:
    return _vote_file_name(instance, instance.content_type)


def proxy_letter_path(instance: "Ballot", filename: str) -> str:
    # The ballot's own content_type is its scan's; the letter has its own.
    return _vote_file_name(instance, instance.proxy_letter_content_type)


class PrivateFileMixin(models.Model):
    """A private file (default storage, no public URL) with what the download view needs."""

    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=80, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        abstract = True

    def case_number_for_path(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError


class BallotChoice(models.TextChoices):
    AGREE = Choice.AGREE.value, _("同意")
    DISAGREE = Choice.DISAGREE.value, _("反对")
    ABSTAIN = Choice.ABSTAIN.value, _("弃权")


class VoteState(models.TextChoices):
    OPEN = "open", _("表决中")
    CLOSED = "closed", _("已结束")


class Vote(models.Model):
    """One round of the owners' vote on a case. A case may hold a re-vote after a failed
    one; at most one vote of a case is open at a time (database constraint)."""

    case = models.ForeignKey("cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="votes")
    state = models.CharField(_("状态"), max_length=8, choices=VoteState.choices, default=VoteState.OPEN, editable=False)
    opened_at = models.DateTimeField(_("开始时间"), default=timezone.now, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开始人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # The planned end of the window (表决截止时间): ballots after it are refused even before
    # an officer closes the vote. Empty: the window lasts until the vote is closed.
    closes_at = models.DateTimeField(_("表决截止时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结束人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # The counts at closing, kept as evidence (SPC interpretation art. 12: an owner may
    # challenge the decision within a year). Exact decimals, never floats.
    total_area = models.DecimalField(_("总专有面积"), max_digits=12, decimal_places=2, null=True, editable=False)
    total_headcount = models.PositiveIntegerField(_("总人数"), null=True, editable=False)
    participating_area = models.DecimalField(
        _("参与表决面积"), max_digits=12, decimal_places=2, null=True, editable=False
    )
    participating_headcount = models.PositiveIntegerField(_("参与表决人数"), null=True, editable=False)
    agreeing_area = models.DecimalField(_("同意面积"), max_digits=12, decimal_places=2, null=True, editable=False)
    agreeing_headcount = models.PositiveIntegerField(_("同意人数"), null=True, editable=False)
    passed = models.BooleanField(_("表决通过"), null=True, editable=False)

    class Meta:
        verbose_name = _("业主表决")
        verbose_name_plural = _("业主表决")
        ordering = ["case", "opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(state="open"), name="one_open_vote_per_case"),
            models.CheckConstraint(condition=Q(state__in=VoteState.values), name="vote_state_known"),
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(closes_at__gt=F("opened_at")), name="vote_closes_after_opening"
            ),
            # A closed vote has its closing time and its counted result; an open one neither.
            models.CheckConstraint(
                condition=(
                    Q(state="open", closed_at__isnull=True, passed__isnull=True)
                    | Q(
                        state="closed",
                        closed_at__isnull=False,
                        passed__isnull=False,
                        total_area__isnull=False,
                        total_headcount__isnull=False,
                        participating_area__isnull=False,
                        participating_headcount__isnull=False,
                        agreeing_area__isnull=False,
                        agreeing_headcount__isnull=False,
                    )
                ),
                name="vote_closed_has_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} 业主表决（{self.opened_at:%Y-%m-%d}）"

    @property
    def is_open(self) -> bool:
        return self.state == VoteState.OPEN

    def accepts_ballots_at(self, moment) -> bool:
        """Inside the window: open, started, and not past its planned closing time."""
        if self.state != VoteState.OPEN or moment < self.opened_at:
            return False
        return self.closes_at is None or moment <= self.closes_at


class BallotChannel(models.TextChoices):
    PAPER = "paper", _("纸质选票")
    ONLINE = "online", _("网上表决")


class BallotImport(PrivateFileMixin):
    """A filled ballot spreadsheet (房号, 表决意见) imported in one go; the file is kept."""

    vote = models.ForeignKey(Vote, verbose_name=_("表决"), on_delete=models.PROTECT, related_name="imports")
    file = models.FileField(_("文件"), upload_to=private_file_path, max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("导入时间"), default=timezone.now)
    ballot_count = models.PositiveIntegerField(_("新增选票数"), default=0)
    correction_count = models.PositiveIntegerField(_("更正选票数"), default=0)

    class Meta:
        verbose_name = _("选票文件")
        verbose_name_plural = _("选票文件")
        ordering = ["imported_at", "pk"]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.imported_at:%Y-%m-%d %H:%M}）"

    def case_number_for_path(self) -> str:
        return self.vote.case.number


class Ballot(PrivateFileMixin):
    """One voter's ballot (表决票). A voter (表决人) is grouped as `rules.group_voters` does:
    co-owners of a flat together, the same owner set on several flats once, all
    developer-held flats together. A correction before closing adds a new row that
    `replaces` the old one and stamps the old one `superseded_at`: the history is the chain.
    """

    vote = models.ForeignKey(Vote, verbose_name=_("表决"), on_delete=models.PROTECT, related_name="ballots")
    # rules.Voter.key over owner primary keys ("12|15", or "developer").
    voter_key = models.CharField(_("表决人标识"), max_length=255)
    # Snapshots for the evidence: the rooms and names as they were when the ballot was given.
    # Text, not a bounded column: a developer's unsold flats are one voter with 100 rooms or
    # more (about 6 characters each), and the evidence is the whole list.
    rooms = models.TextField(_("房号"))
    voter_names = models.TextField(_("表决人"))
    choice = models.CharField(_("表决意见"), max_length=8, choices=BallotChoice.choices)
    channel = models.CharField(_("方式"), max_length=8, choices=BallotChannel.choices)
    signed_on = models.DateField(_("签署日期"), null=True, blank=True, help_text=_("纸质选票上的签署日期"))
    # The signed paper ballot, scanned (PDF/JPEG/PNG); ballots from an imported file point to it instead.
    scan = models.FileField(_("签字选票扫描件"), upload_to=private_file_path, max_length=200, blank=True)
    source_import = models.ForeignKey(
        BallotImport,
        verbose_name=_("来源文件"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ballots",
    )
    source_row = models.PositiveIntegerField(_("文件行号"), null=True, blank=True)
    cast_by_owner = models.ForeignKey(
        "cases.Owner", verbose_name=_("网上投票业主"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("更正的选票"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    reason = models.TextField(_("更正理由"), blank=True)
    superseded_at = models.DateTimeField(_("被更正时间"), null=True, blank=True)
    # 代为表决: a family member signs the paper ballot for an absent owner, on the strength
    # of a power of attorney (委托书) whose scan is kept with the ballot. Paper only: online,
    # the owner's own account votes. Empty name: the owner signed themselves.
    proxy_name = models.CharField(_("代为表决人"), max_length=PROXY_NAME_MAX_LENGTH, blank=True)
    proxy_relation = models.CharField(
        _("与业主关系"), max_length=PROXY_RELATION_MAX_LENGTH, blank=True, help_text=_("如：子女、配偶")
    )
    proxy_id_number = models.CharField(_("代为表决人身份证号码"), max_length=18, blank=True)
    proxy_letter = models.FileField(_("委托书扫描件"), upload_to=proxy_letter_path, max_length=200, blank=True)
    # The letter's facts, as PrivateFileMixin keeps them for the scan.
    proxy_letter_original_name = models.CharField(_("委托书原文件名"), max_length=200, blank=True)
    proxy_letter_content_type = models.CharField(_("委托书文件类型"), max_length=80, blank=True)
    proxy_letter_size = models.PositiveBigIntegerField(_("委托书大小（字节）"), null=True, blank=True)
    proxy_letter_sha256 = models.CharField(_("委托书SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        ordering = ["vote", "entered_at", "pk"]
        constraints = [
            # 一人一票: one effective ballot per voter and vote, whatever the services do.
            models.UniqueConstraint(
                fields=["vote", "voter_key"],
                condition=Q(superseded_at__isnull=True),
                name="one_effective_ballot_per_voter",
            ),
            models.CheckConstraint(condition=Q(choice__in=BallotChoice.values), name="ballot_choice_known"),
            models.CheckConstraint(condition=Q(channel__in=BallotChannel.values), name="ballot_channel_known"),
            # A paper ballot is evidenced by its scan or by the imported file it came from.
            models.CheckConstraint(
                condition=Q(channel="online") | ~Q(scan="") | Q(source_import__isnull=False),
                name="paper_ballot_has_evidence",
            ),
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | ~Q(reason=""), name="ballot_correction_has_reason"
            ),
            # A proxy's ballot is a paper one, with the power of attorney and the proxy's relation to the owner.
            models.CheckConstraint(
                condition=Q(proxy_name="") | (Q(channel="paper") & ~Q(proxy_letter="") & ~Q(proxy_relation="")),
                name="proxy_ballot_is_paper_with_letter",
            ),
            # No stray proxy details: without a proxy's name the other proxy fields stay empty,
            # so an online ballot (never a proxy's) carries none of them.
            models.CheckConstraint(
                condition=~Q(proxy_name="") | Q(proxy_relation="", proxy_id_number="", proxy_letter=""),
                name="proxy_details_need_proxy_name",
            ),
        ]
        indexes = [models.Index(fields=["vote", "voter_key"])]

    def __str__(self) -> str:
        return f"{self.rooms} {self.get_choice_display()}"

    def case_number_for_path(self) -> str:
        return self.vote.case.number

    @property
    def is_effective(self) -> bool:
        return self.superseded_at is None

    @property
    def choice_enum(self) -> Choice:
        return Choice(self.choice)

    @property
    def masked_proxy_id_number(self) -> str:
        return mask_identity(self.proxy_id_number)


class WitnessOrganisation(models.TextChoices):
    COMMUNITY = "community", _("社区居民委员会")
    STREET_OFFICE = "street_office", _("街道办事处（乡镇人民政府）")
    NOTARY = "notary", _("公证机构")
    OTHER = "other", _("其他")


class WitnessRecord(PrivateFileMixin):
    """见证: who witnessed the vote, for which organisation, when, how; the signed record attached."""

    vote = models.ForeignKey(Vote, verbose_name=_("表决"), on_delete=models.PROTECT, related_name="witness_records")
    witness_name = models.CharField(_("见证人"), max_length=100)
    organisation_kind = models.CharField(_("见证单位类型"), max_length=16, choices=WitnessOrganisation.choices)
    organisation_name = models.CharField(_("见证单位名称"), max_length=100)
    witnessed_at = models.DateTimeField(_("见证时间"))
    method = models.CharField(_("见证方式"), max_length=200, help_text=_("如：现场见证投票、唱票和计票"))
    notes = models.TextField(_("备注"), blank=True)
    file = models.FileField(_("见证记录"), upload_to=private_file_path, max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("见证记录")
        verbose_name_plural = _("见证记录")
        ordering = ["witnessed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation_kind__in=WitnessOrganisation.values), name="witness_organisation_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_name} {self.witness_name}"

    def case_number_for_path(self) -> str:
        return self.vote.case.number
