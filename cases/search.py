"""The case list's search: one text per case (`CaseSearch`), kept current by
`case_search_refresh`, and the filter that reads it.

No ORM writes outside `case_search_refresh`, which the services call whenever a case
opens or a building's address or compound, a unit's name, a flat's owners or an owner's
name changes.
"""

from collections.abc import Iterable

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import Func, Q, QuerySet, TextField

from .models import Case, CaseSearch, Ownership


def search_text(*, number: str, address: str, unit_name: str, compound: str, owner_names: Iterable[str]) -> str:
    """The text a case is found by, lower-cased (case numbers are typed in either case). The
    address is written as the list shows it (the building's address and the unit's name run
    together), so pasting the list's text finds the case."""
    names = sorted({name.strip() for name in owner_names if name and name.strip()})
    return "\n".join([number, f"{address}{unit_name}", compound, *names]).lower()


def case_search_refresh(*, cases: QuerySet[Case] | Iterable[Case]) -> int:
    """Write the search text of the given cases from their current number, address, compound
    and owners; returns how many. Three queries whatever the number of cases."""
    case_ids = [c.pk for c in cases] if not isinstance(cases, QuerySet) else list(cases.values_list("pk", flat=True))
    if not case_ids:
        return 0
    rows = list(
        Case.objects.filter(pk__in=case_ids).values_list(
            "pk", "number", "unit_id", "unit__name", "unit__building__address", "unit__building__compound_name"
        )
    )
    names: dict[int, list[str]] = {}
    for unit_id, name in Ownership.objects.filter(flat__unit__in={r[2] for r in rows}).values_list(
        "flat__unit_id", "owner__name"
    ):
        names.setdefault(unit_id, []).append(name)
    texts = [
        CaseSearch(
            case_id=pk,
            text=search_text(
                number=number,
                address=address,
                unit_name=unit_name,
                compound=compound,
                owner_names=names.get(unit_id, ()),
            ),
        )
        for pk, number, unit_id, unit_name, address, compound in rows
    ]
    CaseSearch.objects.bulk_create(texts, update_conflicts=True, unique_fields=["case"], update_fields=["text"])
    return len(texts)


def _grams(term: str) -> list[str]:
    return sorted({term[i : i + 2] for i in range(len(term) - 1)})


class _SearchGrams(Func):
    # The SQL function and the GIN index over it are created by migration 0011 (PostgreSQL).
    function = "case_search_grams"
    output_field = TextField()


def case_search_filter(qs: QuerySet[Case], terms: str) -> QuerySet[Case]:
    """The cases whose number, address as listed, compound or an owner's name contains every
    word of `terms` (split at spaces, as the admin's search box does). A semi-join on the
    search table: no join to the flats and owners, no DISTINCT."""
    for word in terms.split():
        word = word.lower()
        matches = CaseSearch.objects.filter(text__contains=word)
        if connection.vendor == "postgresql" and len(word) >= 2:
            # Every two-character piece of the word must be among the text's: the GIN index
            # answers that; the LIKE above then checks the pieces are in order.
            grams = _SearchGrams("text", output_field=ArrayField(TextField()))
            matches = matches.alias(grams=grams).filter(grams__contains=_grams(word))
        qs = qs.filter(Q(pk__in=matches.values("case_id")))
    return qs
