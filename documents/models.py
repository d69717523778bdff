"""Generated documents: every PDF the portal prints is kept as a numbered version.

A printed copy carries its verification code; the public page /verify/<code>/ says which
document and version it is, its SHA-256, and whether a newer version has replaced it, so
a forged or outdated paper is caught at the counter. Records are written only by
`documents.services.document_render`.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class DocumentTemplate(models.TextChoices):
    """The city's four format templates (4种格式范本), plus the unit's ballot papers alone."""

    APPLICATION = "application", _("既有住宅增设电梯申请表")
    BALLOTS = "ballots", _("业主表决票及表决结果汇总表")
    AGREEMENT = "agreement", _("增设电梯协议书")
    NOTICE = "notice", _("增设电梯公示书")
    # The ballot pages of template b without the tally sheet: what staff hand out before
    # the vote ("本单元全部表决票"); kept and verified like the others.
    BALLOT_PAPERS = "ballot_papers", _("本单元全部业主表决票")


class Issuer(models.TextChoices):
    """Who a printed document comes from, as the verification page states it: the receiving
    office, or the applicant printing through the portal. An organisation, never a person."""

    OFFICE = "office", _("受理部门")
    APPLICANT = "applicant", _("申请人")


# The documents are official Chinese forms: printed in Chinese whatever language the
# clerk's screen is in (the screens themselves follow the user's language).
DOCUMENT_LANGUAGE = "zh-hans"


def official_title(template: str) -> str:
    """The template's official (Chinese) title, as printed and as the verification page
    and the file name give it."""
    with translation.override(DOCUMENT_LANGUAGE):
        return str(DocumentTemplate(template).label)


# The four official templates, in the order of the issue and of `render_documents`.
OFFICIAL_TEMPLATES = (
    DocumentTemplate.APPLICATION,
    DocumentTemplate.BALLOTS,
    DocumentTemplate.AGREEMENT,
    DocumentTemplate.NOTICE,
)

# No 0/O, 1/I/L: the code is read off paper and typed on a phone. 31**10 ≈ 8×10^14
# (about 50 bits), drawn with `secrets`: not guessable, not enumerable.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _position in range(CODE_LENGTH))


def document_path(instance: "GeneratedDocument", filename: str) -> str:
    # Private storage; the name never includes anything a user typed.
    return f"documents/{instance.case.number}/{instance.template}-v{instance.version:03d}-{instance.code}.pdf"


class GeneratedDocument(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="generated_documents")
    template = models.CharField(_("文书"), max_length=20, choices=DocumentTemplate.choices)
    version = models.PositiveIntegerField(_("版本"))
    code = models.CharField(_("验证码"), max_length=CODE_LENGTH, unique=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    pages = models.PositiveSmallIntegerField(_("页数"))
    file = models.FileField(_("文件"), upload_to=document_path, max_length=200)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who issued it (documents.permissions.PRINT_RULES decides who may): the jurisdiction's
    # housing office, or the applicant — its agent builder's company name, or 业主代表. The
    # name is kept as printed that day; never a person's name (the verification page shows it).
    issuer = models.CharField(_("出具方"), max_length=16, choices=Issuer.choices, default=Issuer.OFFICE)
    issuer_name = models.CharField(_("出具单位"), max_length=100, blank=True)
    # The tally sheet of a counted vote prints each owner's choice: only the staff who may see
    # the ballots may download such a version (voting.selectors.can_view_vote_evidence).
    shows_choices = models.BooleanField(_("载有逐户表决意见"), default=False)
    # The moment printed on the pages, fixed before rendering.
    generated_at = models.DateTimeField(_("生成时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("已生成文书")
        verbose_name_plural = _("已生成文书")
        ordering = ["case", "template", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "template", "version"], name="document_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="document_version_positive"),
            models.CheckConstraint(condition=Q(template__in=DocumentTemplate.values), name="document_template_known"),
            models.CheckConstraint(condition=Q(issuer__in=Issuer.values), name="document_issuer_known"),
        ]

    def __str__(self) -> str:
        version = gettext("第%(version)s版") % {"version": self.version}
        return f"{self.case.number} {self.get_template_display()} {version}"

    @property
    def title(self) -> str:
        return official_title(self.template)

    @property
    def is_current(self) -> bool:
        """The latest version of this case's template (a newer one makes this copy outdated)."""
        latest = (
            GeneratedDocument.objects.filter(case_id=self.case_id, template=self.template)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        return latest == self.version


# --- the evidence bundle (issue 13 §3) -------------------------------------------------------


class BundleStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已生成")
    FAILED = "failed", _("生成失败")


def bundle_path(instance: "EvidenceBundle", filename: str) -> str:
    # Private storage; the name is the case number, the bundle's number and a random part.
    return (
        f"evidence/{instance.case.number}/{instance.case.number}-evidence-{instance.pk:06d}-{secrets.token_hex(8)}.zip"
    )


class EvidenceBundle(models.Model):
    """One evidence bundle of a case (证据包): a zip of every record of the case with an index
    and a manifest of SHA-256 hashes (documents.evidence). Built in the background after the
    request (documents.services.evidence_bundle_start); the row says how far it got, and once
    done holds the kept zip and its hashes, which the audit event `evidence_bundle_built`
    repeats. Rows are never deleted: earlier bundles stay listed with their hashes."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="evidence_bundles")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=8, choices=BundleStatus.choices, default=BundleStatus.PENDING)
    items_done = models.PositiveIntegerField(_("已完成文件数"), default=0)
    items_total = models.PositiveIntegerField(_("文件总数"), default=0)
    # The last sign of life of the build: a pending or running bundle silent for long was
    # cut off (its process ended) and is shown as interrupted.
    progressed_at = models.DateTimeField(_("最近进度时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to=bundle_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), null=True, blank=True)
    sha256 = models.CharField(_("压缩包SHA-256"), max_length=64, blank=True)
    manifest_sha256 = models.CharField(_("清单SHA-256"), max_length=64, blank=True)
    index_sha256 = models.CharField(_("目录SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("失败原因"), blank=True)

    class Meta:
        verbose_name = _("证据包")
        verbose_name_plural = _("证据包")
        ordering = ["case", "-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=BundleStatus.values), name="evidence_bundle_status_known"),
            # A finished bundle has its file and hashes; nothing else has a file.
            models.CheckConstraint(
                condition=~Q(status="done") | (~Q(file="") & ~Q(sha256="") & ~Q(manifest_sha256="")),
                name="evidence_bundle_done_has_file",
            ),
            models.CheckConstraint(condition=Q(status="done") | Q(file=""), name="evidence_bundle_file_only_when_done"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {gettext('证据包')} #{self.pk}"
