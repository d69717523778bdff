"""The vote in the staff back office: a list of votes, and the vote page of each case
(`admin:voting_case_vote`, the case's pk as its one argument), where the district officer
imports the roster, opens and closes the vote, enters ballots and records the witness.

Nothing here writes a model itself: the page's forms call `voting.services`. The list is
read-only and scoped by `cases.selectors.case_list_visible_to` like every other list.
"""

from functools import partial

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import new_case, selectors, views
from .models import Vote, VoteState


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["case_link", "unit", "state", "opened_at", "closes_at", "closed_at", "verdict"]
    list_filter = ["state", ("case__jurisdiction", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["case__number", "case__unit__building__address", "case__unit__building__compound_name"]
    list_select_related = ["case__unit__building", "case__jurisdiction"]
    date_hierarchy = "opened_at"
    ordering = ["-opened_at", "-pk"]

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(partial(view, admin_site=self.admin_site))

        return [
            path("new-case/", wrap(new_case.new_case), name="voting_new_case"),
            path("case/<int:case_pk>/", wrap(views.case_vote), name="voting_case_vote"),
            path("case/<int:case_pk>/roster.xlsx", wrap(views.roster_export), name="voting_roster_export"),
            path("file/<str:kind>/<int:pk>/", wrap(views.file_download), name="voting_file_download"),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        qs = selectors.vote_list_visible_to(user=request.user)
        return qs.order_by(*self.get_ordering(request))

    # Viewing follows the roles' voting.view_vote (cases/roles.py); the queryset is scoped,
    # and the writes happen on the vote page, behind can_run_vote.

    def has_add_permission(self, request):
        return False  # a vote opens on the case's vote page, through the service

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the vote is evidence (SPC interpretation art. 12)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        vote = self.get_object(request, object_id)
        if vote is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return redirect("admin:voting_case_vote", vote.case_id)

    @admin.display(description=_("案件"), ordering="case__number")
    def case_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:voting_case_vote", args=[obj.case_id]), obj.case.number
        )

    @admin.display(description=_("梯号"))
    def unit(self, obj):
        return str(obj.case.unit)

    @admin.display(description=_("结果"))
    def verdict(self, obj):
        if obj.state == VoteState.OPEN:
            return _("表决中")
        return _("通过") if obj.passed else _("未通过")
