"""What the owners' side plugs into cases (cases/extensions.py), registered from
OwnersConfig.ready(): the case page's panel of the owners' accounts, letters and
signatures of the agreement, below the details: right under the flats whose owners it
lists, before the money (funding's panel, order 10)."""

from cases import extensions

from .staff import panel_context


def register() -> None:
    extensions.register_case_panel(
        "owners.accounts",
        order=5,
        template_name="owners/staff/case_panel.html",
        context=panel_context,
        place="below",
    )
