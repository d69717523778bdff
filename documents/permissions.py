"""Who may print and download a case's documents. Seeing the case at all is
`cases.selectors.case_list_visible_to`: another jurisdiction's case does not exist for them."""

from cases.roles import is_city_wide
from cases.selectors import case_list_visible_to


def can_view_documents(user, case) -> bool:
    return case_list_visible_to(user=user).filter(pk=case.pk).exists()


def can_render(user, case) -> bool:
    """Generating a version is a write (it makes earlier printouts outdated): staff who see
    the case, except the city supervisor, who reads every district and changes nothing."""
    if not user.is_authenticated or not user.is_staff:
        return False
    if is_city_wide(user) and not user.is_superuser:
        return False
    return can_view_documents(user, case)
