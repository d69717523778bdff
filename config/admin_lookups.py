"""The admin's list pages accept only the lookups their own filters send.

PortalAdminSite puts this in front of every ModelAdmin registered on it, ours and the
third-party ones (auth, axes), so no list is forgotten."""

from django.contrib.admin.filters import FieldListFilter, SimpleListFilter
from django.contrib.admin.utils import get_fields_from_path


class OwnFiltersOnlyMixin:
    """Only the lookups the list's own filters and date hierarchy send are accepted in the
    query string. Django accepts any lookup on the model's own fields (`?id_number__startswith=3505`),
    which recovers a masked ID number or phone a character at a time; anything else is
    refused as a bad request (400) before a query runs."""

    def filter_parameter_names(self, request) -> frozenset[str]:
        names = set()
        for item in self.get_list_filter(request):
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                names.add(item.parameter_name)
                continue
            path, filter_class = item if isinstance(item, (list, tuple)) else (item, FieldListFilter.create)
            field = get_fields_from_path(self.model, path)[-1]
            names.update(filter_class(field, request, {}, self.model, self, field_path=path).expected_parameters())
        if self.date_hierarchy:
            names.update(f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day"))
        return frozenset(names)

    def lookup_allowed(self, lookup, value, request):
        # Building the filters may query (related choices): once per request and admin.
        cache = request.__dict__.setdefault("_filter_parameter_names", {})
        if self not in cache:
            cache[self] = self.filter_parameter_names(request)
        return lookup in cache[self]
