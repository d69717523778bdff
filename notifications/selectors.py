"""The inbox as its owner reads it: only their own rows, whoever asks for what."""

from django.db.models import QuerySet

from cases.models import User

from .models import Notification, NotificationPreference


def inbox_of(*, user: User) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    """One query on the partial index of unread rows (the header of every page)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mail_enabled(*, user: User) -> bool:
    return NotificationPreference.objects.filter(user=user).values_list("mail_enabled", flat=True).first() is not False
