"""Fetching an image by URL without being led anywhere it should not go, and within a wall-clock deadline.

The host name is resolved once; every address it resolves to must be globally routable (unless
private addresses are allowed), and the connection goes to one of those checked addresses: there
is no second resolution a rebinding DNS server could answer differently. TLS still verifies the
certificate against the host name. A watchdog closes the socket when the deadline passes, so a
server that drips a byte at a time cannot hold the request past it. Redirects are not followed.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from blocks.errors import DomainError, ErrorCode

CHUNK_BYTES = 65536
USER_AGENT = "Blockwise image fetcher"


class FetchError(DomainError):
    """A URL refused before connecting, or a fetch that failed; the code says which."""


@dataclass(frozen=True, slots=True)
class FetchLimits:
    max_bytes: int
    timeout_s: float
    allow_private: bool = False


def declared_length(value: str | None) -> int | None:
    """A response's Content-Length as a number (None when absent). `str.isdigit` also takes "²" and
    other digits `int` refuses: a length is ASCII digits, or the answer is refused."""
    if value is None:
        return None
    value = value.strip()
    if not (value.isascii() and value.isdigit()):
        raise FetchError(
            f"The host answered a Content-Length that is not a number: {value[:20]!r}.", code=ErrorCode.URL_FETCH_FAILED
        )
    return int(value)


def is_public_address(address: str) -> bool:
    """Globally routable unicast only: no private, loopback, link-local, shared (100.64/10), reserved,
    multicast or documentation range, also when written as an IPv4-mapped IPv6 address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve_checked(host: str, port: int, *, allow_private: bool) -> list[tuple[int, tuple[str, int]]]:
    """(family, socket address) for every address of the host; refused if any of them is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"The image host {host} cannot be resolved.", code=ErrorCode.URL_FETCH_FAILED) from exc
    targets = [(int(family), (str(sockaddr[0]), int(sockaddr[1]))) for family, _, _, _, sockaddr in infos]
    if not targets:
        raise FetchError(f"The image host {host} cannot be resolved.", code=ErrorCode.URL_FETCH_FAILED)
    if not allow_private and not all(is_public_address(address) for _, (address, _) in targets):
        raise FetchError(
            f"Image URLs may only point at public internet addresses ({host} does not).", code=ErrorCode.URL_NOT_ALLOWED
        )
    return targets


def _connect(targets: list[tuple[int, tuple[str, int]]], deadline: float) -> socket.socket:
    for family, address in targets:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(max(0.001, deadline - time.monotonic()))
        try:
            sock.connect(address)
        except OSError:
            sock.close()
            if time.monotonic() >= deadline:
                break
            continue
        return sock
    raise FetchError("The image host could not be reached.", code=ErrorCode.URL_FETCH_FAILED)


def _cut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _split_checked(url: str) -> tuple[SplitResult, int]:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise FetchError("Image URLs must be http or https.", code=ErrorCode.URL_NOT_ALLOWED)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError("The image URL has an invalid port.", code=ErrorCode.INVALID_IMAGE) from exc
    return parts, port


def check_url(url: str, *, allow_private: bool) -> None:
    """The checks a fetch makes before it connects, for a URL that is stored now and fetched later."""
    parts, port = _split_checked(url)
    resolve_checked(parts.hostname or "", port, allow_private=allow_private)


@contextlib.contextmanager
def _checked_connection(url: str, limits: FetchLimits) -> Iterator[tuple[socket.socket, SplitResult, float]]:
    """A socket to a checked address of the URL's host, cut when the deadline passes."""
    parts, port = _split_checked(url)
    deadline = time.monotonic() + limits.timeout_s
    targets = resolve_checked(parts.hostname or "", port, allow_private=limits.allow_private)
    sock = _connect(targets, deadline)
    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _cut, args=(sock,))
    watchdog.daemon = True
    watchdog.start()
    try:
        if parts.scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=parts.hostname)
        yield sock, parts, deadline
    except FetchError:
        raise
    except (OSError, http.client.HTTPException) as exc:
        if time.monotonic() >= deadline:
            raise FetchError("Fetching the image took too long.", code=ErrorCode.URL_TIMEOUT) from exc
        raise FetchError("The image could not be fetched.", code=ErrorCode.URL_FETCH_FAILED) from exc
    finally:
        watchdog.cancel()
        sock.close()


def fetch_url(url: str, limits: FetchLimits) -> bytes:
    with _checked_connection(url, limits) as (sock, parts, deadline):
        return _get(sock, parts, limits, deadline)


def post_json(url: str, body: bytes, limits: FetchLimits) -> int:
    """POST a JSON body under the same rules as a fetch (webhooks); returns the answer's status."""
    with _checked_connection(url, limits) as (sock, parts, _):
        connection = _connection_on(sock, parts)
        headers = {"Host": _host_header(parts), "User-Agent": USER_AGENT, "Content-Type": "application/json"}
        connection.request("POST", _target(parts), body=body, headers=headers)
        response = connection.getresponse()
        response.close()
        connection.close()
        return int(response.status)


def _connection_on(sock: socket.socket, parts: SplitResult) -> http.client.HTTPConnection:
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port)
    connection.sock = sock
    return connection


def _target(parts: SplitResult) -> str:
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _host_header(parts: SplitResult) -> str:
    return parts.netloc.rpartition("@")[2]


def _get(sock: socket.socket, parts: SplitResult, limits: FetchLimits, deadline: float) -> bytes:
    connection = _connection_on(sock, parts)
    headers = {"Host": _host_header(parts), "User-Agent": USER_AGENT, "Accept": "image/*"}
    connection.request("GET", _target(parts), headers=headers)
    response = connection.getresponse()
    try:
        return _read_body(response, limits, deadline)
    finally:
        response.close()
        connection.close()


def _read_body(response: http.client.HTTPResponse, limits: FetchLimits, deadline: float) -> bytes:
    if response.status != 200:
        raise FetchError(f"Fetching the image answered HTTP {response.status}.", code=ErrorCode.URL_FETCH_FAILED)
    declared = declared_length(response.getheader("Content-Length"))
    if declared is not None and declared > limits.max_bytes:
        raise FetchError(
            f"The image at the URL is larger than {limits.max_bytes} bytes.", code=ErrorCode.IMAGE_TOO_LARGE
        )
    chunks: list[bytes] = []
    received = 0
    while chunk := response.read1(CHUNK_BYTES):
        received += len(chunk)
        if received > limits.max_bytes:
            raise FetchError(
                f"The image at the URL is larger than {limits.max_bytes} bytes.", code=ErrorCode.IMAGE_TOO_LARGE
            )
        chunks.append(chunk)
        if time.monotonic() >= deadline:
            break
    if time.monotonic() >= deadline:
        raise FetchError("Fetching the image took too long.", code=ErrorCode.URL_TIMEOUT)
    if declared is not None and received != declared:
        raise FetchError("The image at the URL arrived incomplete.", code=ErrorCode.URL_FETCH_FAILED)
    return b"".join(chunks)
