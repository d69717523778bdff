"""What both inboxes show (the back office's, notifications/staff.py; the owners' portal's,
owners/views_inbox.py): a page of the user's own rows, the unread count and the mail switch."""

from django.core.paginator import Paginator
from django.utils.http import url_has_allowed_host_and_scheme

from . import selectors
from .forms import PreferenceForm

PER_PAGE = 30


def inbox_page(request, *, rows, page_number, mail_enabled):
    """The page of rows and the form shared by both inboxes."""
    page = Paginator(rows, PER_PAGE).get_page(page_number)
    return {
        "page": page,
        "notifications": list(page.object_list),
        "unread": selectors.unread_count(user=request.user),
        "preference_form": PreferenceForm(initial={"mail_enabled": mail_enabled}),
        "has_email": bool(request.user.email),
    }


def safe_link(request, link: str, fallback: str) -> str:
    """A row's link is a path of the portal; anything else goes to the inbox."""
    if link and link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return link
    return fallback
