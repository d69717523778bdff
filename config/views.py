"""The portal's own error answers that need more than a template."""

from django.shortcuts import render

from .middleware import RefusedInput


def bad_request(request, exception, *, reason: str = ""):
    """400 with the portal's page (handler400). The reason is shown only when the portal
    wrote it (RefusedInput or an explicit reason); Django's own messages stay in the log."""
    if not reason and isinstance(exception, RefusedInput):
        reason = str(exception)
    return render(request, "400.html", {"reason": reason}, status=400)
