"""The client's IP address as the login throttle (django-axes) sees it.

Behind the TLS-terminating proxy every request comes from the proxy's address, so
REMOTE_ADDR alone would put all users behind one address. The proxy appends the address
it received the request from to X-Forwarded-For; with TRUSTED_PROXY_COUNT proxies in
front of the application, the client is the entry that many places from the right. Entries
further left were written by the client itself and are not trusted. Without proxies
(TRUSTED_PROXY_COUNT=0, the default) the header is ignored: anyone could write it.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")
