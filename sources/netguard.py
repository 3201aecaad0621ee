"""The address guard: never fetch from loopback, private, link-local, multicast or reserved addresses unless a
network is explicitly allowed (`DEALWIRE_FETCH__ALLOWED_NETWORKS`, a JSON list of CIDRs). Checked for the first
URL and again for every redirect target, so a public page cannot redirect dealwire into an internal network."""

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class RefusedAddress(Exception):
    """The URL's host resolves to an address the policy refuses; the message says which and why."""


def parse_networks(cidrs: Iterable[str]) -> list[IPNetwork]:
    return [ipaddress.ip_network(cidr, strict=False) for cidr in cidrs]


def refusal_reason(address: IPAddress, allowed: list[IPNetwork]) -> str | None:
    """Why an address is refused, or None when it may be fetched."""
    if any(address in network for network in allowed):
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return refusal_reason(address.ipv4_mapped, allowed)
    # Most specific first: 169.254.0.0/16 is also "private" in Python's tables, but link-local says more.
    for flag in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(address, f"is_{flag}"):
            return f"{flag.replace('_', '-')} address {address}"
    return None


async def resolve(host: str, port: int) -> list[IPAddress]:
    """All addresses of a host (an IP literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0]) for info in infos]


async def check_url(url: str, allowed: list[IPNetwork]) -> None:
    """Raise RefusedAddress when any address of the URL's host is refused (all must pass: DNS may rotate)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedAddress(f"not an http(s) URL: {url}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = await resolve(parts.hostname, port)  # OSError (no such host) is the caller's to report
    for address in addresses:
        reason = refusal_reason(address, allowed)
        if reason is not None:
            raise RefusedAddress(f"refused {reason} for host {parts.hostname}")
