"""What the owners' side plugs into cases (cases/extensions.py), registered from
OwnersConfig.ready(): the case page's panel of the owners' accounts, letters and
signatures of the agreement, below the details beside the money."""

from cases import extensions

from .staff import panel_context


def register() -> None:
    extensions.register_case_panel(
        "owners.accounts",
        order=20,
        template_name="owners/staff/case_panel.html",
        context=panel_context,
        place="below",
    )
