"""The named events of the vote (voting/audit.py), with the labels the audit log shows;
registered with audit from VotingConfig.ready(). The codes are what is stored: never
rename one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VoteEvent(models.TextChoices):
    VOTE_ROSTER_IMPORTED = "vote_roster_imported", _("导入业主名册")
    VOTE_ROSTER_EXPORTED = "vote_roster_exported", _("导出业主名册")
    VOTE_OPENED = "vote_opened", _("开始表决")
    VOTE_CLOSED = "vote_closed", _("结束表决")
    BALLOT_RECORDED = "ballot_recorded", _("登记选票")
    BALLOT_CORRECTED = "ballot_corrected", _("更正选票")
    BALLOTS_IMPORTED = "ballots_imported", _("导入选票文件")
    VOTE_WITNESS_RECORDED = "vote_witness_recorded", _("登记见证记录")
    VOTE_FILE_DOWNLOADED = "vote_file_downloaded", _("下载表决文件")
