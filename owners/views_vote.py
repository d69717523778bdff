"""表决: the motion, the owner's choice, its confirmation and the receipt.
(Placeholder routes; the pages arrive with the owner portal's vote pages.)"""

from django.http import Http404

from .views import owner_required


@owner_required
def vote(request, pk: int):
    raise Http404


@owner_required
def receipt(request, pk: int, code: str):
    raise Http404


@owner_required
def receipt_pdf(request, pk: int, code: str):
    raise Http404


def receipt_verify(request, code: str):
    raise Http404
