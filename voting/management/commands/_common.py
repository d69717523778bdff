"""Shared by the vote's commands: read a file, find a case, turn refusals into CommandError.

A CommandError makes `manage.py` exit with status 1 and print the message on stderr.
Every command runs its writes in one transaction, so an error changes nothing.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from cases.models import Case


def read_file(path: str) -> bytes:
    """The file's bytes; one larger than a roster or ballot file can be is not read at all."""
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"找不到文件：{path}")
    size, limit = file.stat().st_size, settings.TABLE_MAX_BYTES
    if size > limit:
        raise CommandError(
            f"文件 {file.name} 有 {size / 1048576:.1f} MB，超过名册和选票文件的上限 {limit / 1048576:.1f} MB"
            "（TABLE_MAX_BYTES）：请确认选择了正确的文件。"
        )
    return file.read_bytes()


def case_by_number(number: str) -> Case:
    case = Case.objects.select_related("unit__building", "jurisdiction").filter(number=number.strip()).first()
    if case is None:
        raise CommandError(f"找不到案件：{number}")
    return case


def refusal(exc: Exception, *, what: str) -> CommandError:
    """One CommandError naming every problem the services reported."""
    if isinstance(exc, ValidationError):
        problems = exc.messages
    elif isinstance(exc, PermissionDenied):
        problems = [str(exc) or "无权操作"]
    else:
        problems = [str(exc)]
    if len(problems) == 1:
        return CommandError(f"{what}失败：{problems[0]}")
    listing = "\n".join(f"  - {p}" for p in problems)
    return CommandError(f"{what}失败（{len(problems)}处问题，未做任何修改）：\n{listing}")
