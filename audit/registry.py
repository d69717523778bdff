"""What the other apps tell the audit log at start-up (from their AppConfig.ready()).

audit/ sits below every other app and imports none of them. Each app declares the named
events it writes in its own events module and registers them here; the log shows their
labels and its filter lists them, and a new event needs no migration (the `event` column
has no choices). Whatever else the log needs to know about the records it points at comes
from cases, registered the same way: the office a record belongs to (whose log an event
goes to) and which offices' logs a user may read.

Register only from ready(): the registries are module-level, filled once per process.
"""

from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.utils.functional import Promise

# --- named events -------------------------------------------------------------------------

_EVENTS: dict[str, str | Promise] = {}


def register_events(events: Iterable[tuple[str, str | Promise]]) -> None:
    """`events`: (code, label) pairs, e.g. an app's `TextChoices.choices`. The code is what
    the log stores, the label (Chinese, translatable) what it shows. Registering the same
    pair again changes nothing; one code with two labels (two apps claiming one name) is a
    mistake at start-up."""
    for code, label in events:
        known = _EVENTS.get(code)
        if known is not None and known is not label:
            raise ImproperlyConfigured(f"audit event {code!r} is declared twice with different labels")
        _EVENTS[code] = label


def is_registered(code: str) -> bool:
    return code in _EVENTS


def event_label(code: str) -> str | Promise:
    """The label the log shows; an event no app declares (any more) shows as its code."""
    return _EVENTS.get(code, code)


def event_choices() -> list[tuple[str, str | Promise]]:
    """Every registered event, in the order the apps registered them."""
    return list(_EVENTS.items())


# --- the office a record belongs to ----------------------------------------------------------

OfficeResolver = Callable[[Model | None], Model | None]
_office_resolver: OfficeResolver | None = None


def register_office_resolver(resolver: OfficeResolver) -> None:
    """`resolver(obj)` returns the office (a cases.Jurisdiction) the record belongs to, or
    None for a record of no one office. One resolver: a second replaces the first."""
    global _office_resolver
    _office_resolver = resolver


def office_of(obj: Model | None) -> Model | None:
    if obj is None or _office_resolver is None:
        return None
    return _office_resolver(obj)


# --- which logs a user may read -----------------------------------------------------------------

LogScope = Callable[..., QuerySet]
_log_scope: LogScope | None = None


def register_log_scope(scope: LogScope) -> None:
    """`scope(user=…)` returns the events the user may read (cases: their office's log; the
    city-wide roles: every office's). One scope: a second replaces the first."""
    global _log_scope
    _log_scope = scope


def log_scope() -> LogScope | None:
    return _log_scope
