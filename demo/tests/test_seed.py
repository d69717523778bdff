"""seed_demo: the demo data, loaded twice to the same rows, with working logins."""

import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cases.models import Building, Case, Flat, Owner, User
from cases.selectors import case_list_visible_to

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_gives_the_same_data_and_working_logins(client):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    counts = [m.objects.count() for m in (Building, Flat, Owner, Case, User)]
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    assert [m.objects.count() for m in (Building, Flat, Owner, Case, User)] == counts
    # Several jurisdictions, a 33-flat unit, co-owners and a multi-flat owner.
    assert Case.objects.values("jurisdiction").distinct().count() >= 3
    sizes = {c.unit.flats.count() for c in Case.objects.all()}
    assert max(sizes) == 33 and min(sizes) >= 6
    assert Flat.objects.filter(ownerships__isnull=False).annotate().count() > 0
    assert any(f.ownerships.count() == 2 for f in Flat.objects.all())
    assert any(o.ownerships.count() >= 2 for o in Owner.objects.all())
    login = client.post(reverse("admin:login"), {"username": "fz_zhujian", "password": "Demo-2026-quanzhou"})
    assert login.status_code == 302  # the demo password printed by seed_demo works
    # Cases at different stages, each reached through the services.
    stages = {(c.status, c.current_step) for c in Case.objects.all()}
    assert {("open", 1), ("open", 2), ("open", 4), ("completed", 8)} <= stages
    skipped = Case.objects.get(current_step=4).steps.get(number=3)
    assert skipped.state == "not_required"
    assert Case.objects.filter(steps__number=1, steps__state="returned").exists()
    assert Case.objects.filter(votes__state="open").exists()
    # The agent builder's login sees the cases its company builds, and only those.
    builder = User.objects.get(username="fz_daijian")
    assert builder.agent_builder is not None
    visible = case_list_visible_to(user=builder)
    assert visible.exists() and all(c.agent_builder_id == builder.agent_builder_id for c in visible)
    # The public notice of a demo case says where to object (marked as demo data).
    office = Case.objects.first().jurisdiction
    assert "演示数据" in office.office_address and office.contact_phone
    # The owners' portal's demo login works and leads to the owner's case with its open vote.
    client.logout()
    owner_login = client.post(reverse("owners:login"), {"mobile": "13800000001", "password": "Demo-2026-quanzhou"})
    assert owner_login.status_code == 302 and owner_login["Location"] == reverse("owners:home")


def test_seed_demo_refuses_outside_local_settings(settings):
    settings.DEMO_SEED_ALLOWED = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
