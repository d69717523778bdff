"""我的加梯: the owner's cases, each case's timeline, the agreement and the documents.
(Placeholder routes; the pages arrive with the owner portal's case pages.)"""

from django.http import Http404

from .views import owner_required, page


@owner_required
def home(request):
    return page(request, "owners/home.html", {"nav": "home"})


@owner_required
def case_detail(request, pk: int):
    raise Http404


@owner_required
def agreement(request, pk: int):
    raise Http404


@owner_required
def agreement_pdf(request, pk: int):
    raise Http404


@owner_required
def documents(request, pk: int):
    raise Http404


@owner_required
def document_download(request, pk: int, doc: int):
    raise Http404
