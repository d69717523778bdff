"""Personal data shown masked, in full only on a deliberate click that is logged.

An owner's ID number and mobile number show masked in every staff list and page
(cases/masking.py: 350503********1234, 138****5678). Beside the masked value, a user who may
see it in full gets a 显示 button; pressing it POSTs to one small view (AuditEventAdmin's
`reveal/<key>/<pk>/`), which finds the record through the app's own scoped lookup (another
office's record: 404), asks the app whether this user may see it (403 if not), writes the
app's "personal data viewed" event naming who, whose, which field and the case, and only
then answers the value. The script (static/audit/reveal.js) puts it in place of the masked
text, or into the form's input on a change form.

audit/ knows no app: each app registers what of its records can be revealed, from its
AppConfig.ready(), as it registers its events (audit.registry).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

MEDIA = forms.Media(js=["audit/reveal.js"], css={"all": ["audit/reveal.css"]})


@dataclass(frozen=True)
class Revealable:
    """One field of one kind of record that shows masked.

    key: how the view's address names it ("owner.id_number"), never renamed once served.
    label: the field's name in the log (证件号码).
    find(user=, pk=): the record among those the user may see, else None (a 404).
    may_reveal(user, obj): whether this user may see the value in full; asked for every row
        of a list, so it must not query.
    value(obj): the full value; mask(value): how it shows.
    log(actor=, obj=, field=): writes the app's "personal data viewed" event.
    """

    key: str
    label: str | Promise
    find: Callable[..., Model | None]
    may_reveal: Callable[[object, Model], bool]
    value: Callable[[Model], str]
    mask: Callable[[str], str]
    log: Callable[..., object]


_REVEALABLE: dict[str, Revealable] = {}


def register_revealable(item: Revealable) -> None:
    known = _REVEALABLE.get(item.key)
    if known is not None and known != item:
        raise ImproperlyConfigured(f"revealable field {item.key!r} is registered twice")
    _REVEALABLE[item.key] = item


def revealable(key: str) -> Revealable | None:
    return _REVEALABLE.get(key)


def _dom_id(key: str, pk) -> str:
    return f"pd-{key.replace('.', '-').replace('_', '-')}-{pk}"


def masked(request, *, key: str, obj: Model, target: str | None = None) -> SafeString:
    """The masked value, with a 显示 button when the user may see it in full.

    `target`: the id of an input the value goes into (a change form), instead of the text."""
    item = _REVEALABLE[key]
    full = item.value(obj) or ""
    if not full:
        return format_html("{}", "—")
    span_id = _dom_id(key, obj.pk)
    text = format_html('<span class="pd-masked" id="{}">{}</span>', span_id, item.mask(full))
    if not item.may_reveal(request.user, obj):
        return text
    return format_html(
        '<span class="pd-field">{} <button type="button" class="pd-reveal" data-reveal-url="{}"'
        ' data-csrf="{}" data-target="{}" data-failed="{}" title="{}">{}</button></span>',
        text,
        reverse("admin:audit_auditevent_reveal", args=[key, obj.pk]),
        get_token(request),
        target or span_id,
        _("显示失败，请重试"),
        _("显示完整%(field)s（将记入审计日志）") % {"field": item.label},
        _("显示"),
    )


def mask_value(*, key: str, obj: Model) -> str:
    """The masked value as plain text (exports, messages)."""
    item = _REVEALABLE[key]
    return item.mask(item.value(obj) or "")


def column(request, *, key: str, description, name: str):
    """A list column (ModelAdmin.get_list_display) showing the field masked, with the 显示
    button for a user who may see it: bound to the request, which a column method lacks."""

    def show(obj):
        return masked(request, key=key, obj=obj)

    show.__name__ = name
    show.short_description = description
    # What a spreadsheet export of the list writes: the masked text, without the button.
    show.export_value = lambda obj: mask_value(key=key, obj=obj)
    return show


class RevealInput(forms.TextInput):
    """A change form's input for a masked field: empty, the masked value as its placeholder,
    and, for a user who may see it, the 显示 button filling in the full value to edit.
    Left empty, the stored value stays: the input reads as the stored value, so leaving it
    alone (or revealing it and keeping it) changes nothing, nor shows as changed."""

    def __init__(self, *, request, key: str, obj: Model, attrs=None):
        super().__init__(attrs)
        self.request, self.key, self.obj = request, key, obj

    def _stored(self) -> str:
        return _REVEALABLE[self.key].value(self.obj) or ""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return value if (value or "").strip() else self._stored()

    def format_value(self, value):
        return "" if (value or "") == self._stored() else super().format_value(value)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "placeholder": mask_value(key=self.key, obj=self.obj), "autocomplete": "off"}
        field = super().render(name, value, attrs, renderer)
        if not self._stored() or not _REVEALABLE[self.key].may_reveal(self.request.user, self.obj):
            return field
        shown = masked(self.request, key=self.key, obj=self.obj, target=attrs.get("id"))
        # Only the button: the placeholder already shows the masked value.
        button = shown[shown.index("<button") : shown.index("</button>") + len("</button>")]
        return format_html("{} {}", field, SafeString(button))
