"""A ballot file's name is offered back without control or direction-override characters
(issue 9 §8): `选票\u202ecsv.exe` must not read as an .exe named backwards."""

import pytest
from django.urls import reverse

from cases.tests.factories import UserFactory

from .factories import VoteFactory, import_ballots

pytestmark = pytest.mark.django_db


def test_an_imported_ballot_files_name_loses_direction_characters_when_stored_and_downloaded(client):
    vote = VoteFactory()
    import_ballots(vote, {"101": "同意"}, name="选票\u202eexe.csv")
    batch = vote.imports.get()
    assert batch.original_name == "选票exe.csv"

    type(batch).objects.filter(pk=batch.pk).update(original_name="旧\u202eexe.csv")  # stored before the fix
    client.force_login(UserFactory(with_role="district_officer", jurisdiction=vote.case.jurisdiction))
    response = client.get(reverse("admin:voting_file_download", args=["import", batch.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "\u202e" not in disposition and "%E2%80%AE" not in disposition.upper()
