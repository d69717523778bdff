"""The staff back office for the case domain, one module per thing it administers.

Every queryset starts at a selector (jurisdiction isolation in one place) and every
save goes through a service (validation and audit in one place).
"""

from . import calendar, case, masterdata
from .base import ScopedAdmin, ScopedFormFieldsMixin

__all__ = ["ScopedAdmin", "ScopedFormFieldsMixin", "calendar", "case", "masterdata"]
