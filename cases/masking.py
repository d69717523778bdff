"""How an owner's ID number and mobile number show in the staff lists and pages: masked,
the full value only on a deliberate click that is logged (audit.reveal). One place for the
rule, so the lists, the pages, the exports and the log mask alike.

- ID number (18 characters): the region (first 6) and the last 4: 350503********1234.
- Mobile number (11 digits): the carrier prefix and the last 4: 138****5678.

A value of another shape (a short or foreign number) keeps its first and last characters
the same way when long enough, and shows as it is when too short to mask meaningfully.
"""


def mask_id_number(value: str) -> str:
    """350503********1234: region and last four."""
    if not value or len(value) < 10:
        return value or ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_mobile(value: str) -> str:
    """138****5678: prefix and last four."""
    if not value or len(value) < 8:
        return value or ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
