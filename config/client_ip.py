"""The client's IP address: one function for every use (the login throttle, django-axes,
rate limits, logs).

Behind the TLS-terminating proxy every request comes from the proxy's address, so
REMOTE_ADDR alone would put all users behind one address. Each proxy appends the address
it received the request from to X-Forwarded-For; with TRUSTED_PROXY_COUNT proxies in front
of the application, the client is the entry that many places from the right. Entries
further left were written by the client itself and are never taken.

That count is only true when the request really came through the proxy: a client that
reaches gunicorn directly writes the whole header, the right-most entry included. So the
header is read only when the direct peer (REMOTE_ADDR) is one of TRUSTED_PROXY_ADDRESSES,
or the request came over a unix socket (no peer address), which only the proxy can reach
(README: gunicorn listens on a unix socket). Without proxies (TRUSTED_PROXY_COUNT=0, the
default outside production) the header is ignored: anyone could write it.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _ip(value: str) -> str | None:
    """The address in its canonical form, or None for anything that is not one."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _from_trusted_proxy(peer: str) -> bool:
    if not peer:  # a unix socket has no peer address; only the proxy can reach it
        return True
    address = _ip(peer)
    if address is None:
        return False
    return any(
        ipaddress.ip_address(address) in ipaddress.ip_network(network, strict=False)
        for network in settings.TRUSTED_PROXY_ADDRESSES
    )


def client_ip(request: HttpRequest) -> str | None:
    peer = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0 and _from_trusted_proxy(peer):
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            # What our last proxy appended; a forged, unparsable entry counts as no address.
            return _ip(hops[-proxies]) or _ip(peer) or None
    return _ip(peer) or None
