"""Reads that depend on who is asking. Every view and admin queryset starts here, so
jurisdiction isolation is written once: a user sees their own jurisdiction's records,
the city-wide roles see all, and a staff user with no jurisdiction sees nothing.
"""

from django.db.models import Q, QuerySet

from .models import AgentBuilder, Building, Case, ElevatorUnit, Flat, Jurisdiction, Owner, Ownership
from .roles import is_city_wide


def _scope(qs: QuerySet, *, user, path: str) -> QuerySet:
    if is_city_wide(user):
        return qs
    if not user.is_authenticated or user.jurisdiction_id is None:
        return qs.none()
    return qs.filter(**{path: user.jurisdiction_id})


def jurisdiction_list_visible_to(*, user) -> QuerySet[Jurisdiction]:
    return _scope(Jurisdiction.objects.all(), user=user, path="pk")


def case_list_visible_to(*, user) -> QuerySet[Case]:
    return _scope(Case.objects.all(), user=user, path="jurisdiction_id")


def building_list_visible_to(*, user) -> QuerySet[Building]:
    return _scope(Building.objects.all(), user=user, path="jurisdiction_id")


def unit_list_visible_to(*, user) -> QuerySet[ElevatorUnit]:
    return _scope(ElevatorUnit.objects.all(), user=user, path="building__jurisdiction_id")


def flat_list_visible_to(*, user) -> QuerySet[Flat]:
    return _scope(Flat.objects.all(), user=user, path="unit__building__jurisdiction_id")


def ownership_list_visible_to(*, user) -> QuerySet[Ownership]:
    return _scope(Ownership.objects.all(), user=user, path="flat__unit__building__jurisdiction_id")


def owner_list_visible_to(*, user) -> QuerySet[Owner]:
    """Owners of at least one flat in the user's jurisdiction.

    Filtering through a subquery keeps one row per owner without DISTINCT.
    """
    if is_city_wide(user):
        return Owner.objects.all()
    flats = flat_list_visible_to(user=user)
    return Owner.objects.filter(Q(pk__in=Ownership.objects.filter(flat__in=flats).values("owner_id")))


def agent_builder_list_visible_to(*, user) -> QuerySet[AgentBuilder]:
    """Agent builders are companies, not personal data; every staff user may pick one."""
    if not user.is_authenticated or not user.is_staff:
        return AgentBuilder.objects.none()
    return AgentBuilder.objects.all()


def unit_flats_with_owners(*, unit: ElevatorUnit) -> QuerySet[Flat]:
    return unit.flats.prefetch_related("ownerships__owner").order_by("floor", "room")
