"""The owner's ballot form (表决): the choice with the contract's labels 同意, 反对, 弃权, and,
for an owner with several voters in the unit (a flat of their own and one shared with a
co-owner, say), which rooms the ballot is for."""

from django import forms
from django.utils.translation import gettext_lazy as _

from voting.models import BallotChoice


class BallotForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("您的表决意见"),
        choices=BallotChoice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择“同意”“反对”或“弃权”中的一项。"),
            "invalid_choice": _("请选择“同意”“反对”或“弃权”中的一项。"),
        },
    )
    voter_key = forms.ChoiceField(
        label=_("为哪些房屋表决"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择为哪些房屋表决。"),
            "invalid_choice": _("所选房屋不属于您，请重新选择。"),
        },
    )

    def __init__(self, *args, voters, **kwargs):
        """`voters`: (key, rooms label) of the owner's own voters in the unit, in room order."""
        super().__init__(*args, **kwargs)
        self.fields["voter_key"].choices = voters
        if len(voters) == 1:
            # Nothing to choose: the key rides along hidden, and is still checked.
            self.fields["voter_key"].widget = forms.HiddenInput()
            self.fields["voter_key"].initial = voters[0][0]
            self.fields["voter_key"].required = False
        self._only_key = voters[0][0] if len(voters) == 1 else None

    def clean_voter_key(self):
        return self.cleaned_data.get("voter_key") or self._only_key
