"""Image URLs: resolved once, every address checked, the connection made to the checked address,
and a wall-clock deadline. No test sends a packet beyond 127.0.0.1: the resolver is stubbed, and
so is `connect` wherever a public address is involved."""

import contextlib
import io
import socket
import time
from http.server import BaseHTTPRequestHandler

import pytest
from PIL import Image

from executor.fetch import FetchError, FetchLimits, fetch_url, is_public_address
from executor.images import ImageError, ImageLimits, load_image, load_images
from tests.support.local_http import local_http_server

PUBLIC = "93.184.216.34"
# The dripping host sends a byte this often: each read is prompt, yet the 17 bytes of the status
# line or the PNG's dozens take longer than the deadline, which sees about ten of them.
DRIP_S = 0.05
DEADLINE_S = 0.5


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (1, 2, 3)).save(buffer, format="PNG")
    return buffer.getvalue()


class _Host(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        # The fetch hangs up at its deadline, as the dripping tests expect: not an error of this host's.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._answer()

    def _answer(self):
        body = _png()
        if self.path == "/drip-headers":
            for byte in b"HTTP/1.1 200 OK\r\n":
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(DRIP_S)
            return
        self.send_response(200)
        if self.path == "/superscript-length":
            # "²" is a digit to str.isdigit, and not a number to int.
            self.send_header("Content-Length", "\u00b2")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[:2])
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path == "/drip-body":
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(DRIP_S)
            return
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def host():
    with local_http_server(_Host) as server:
        yield server.server_address[1]


@pytest.mark.parametrize(
    "address",
    [
        "100.64.0.1",
        "100.100.100.200",
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.0.1",
        "192.0.2.10",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:100.100.100.200",
        "fc00::1",
        "fe80::1%1",
    ],
)
def test_only_globally_routable_addresses_are_public(address):
    assert is_public_address(address) is False


@pytest.mark.parametrize("address", ["8.8.8.8", PUBLIC, "2606:4700:4700::1111"])
def test_public_addresses(address):
    assert is_public_address(address) is True


class _Network:
    """Stubbed resolver answers in turn; `connect` records where it was asked to go and either refuses
    or is rerouted to a server on 127.0.0.1."""

    def __init__(self, monkeypatch, answers, reroute_port=None):
        self.lookups: list[str] = []
        self.connects: list[tuple[str, int]] = []
        self._answers = list(answers)
        real_connect = socket.socket.connect

        def getaddrinfo(host, port, *args, **kwargs):
            self.lookups.append(host)
            address = self._answers.pop(0)
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

        def connect(sock, address):
            self.connects.append(address)
            if reroute_port is None:
                raise ConnectionRefusedError("stubbed")
            return real_connect(sock, ("127.0.0.1", reroute_port))

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.mark.parametrize("answer", ["100.100.100.200", "127.0.0.1", "10.0.0.5", "::ffff:169.254.169.254"])
def test_private_answer_is_refused_before_any_connection(monkeypatch, answer):
    network = _Network(monkeypatch, [answer])
    with pytest.raises(ImageError) as refused:
        load_image("http://images.example/a.png", parent_id="image", limits=ImageLimits())
    assert (refused.value.code, refused.value.message) == (
        "url_not_allowed",
        "Image URLs may only point at public internet addresses (images.example does not).",
    )
    assert network.lookups == ["images.example"]
    assert network.connects == []


def test_one_private_address_among_public_ones_is_refused(monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **k: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ],
    )
    connects: list[tuple[str, int]] = []
    monkeypatch.setattr(socket.socket, "connect", lambda sock, address: connects.append(address))
    with pytest.raises(FetchError) as refused:
        fetch_url("http://images.example/a.png", FetchLimits(max_bytes=1000, timeout_s=1))
    assert refused.value.code == "url_not_allowed"
    assert connects == []


def test_dns_rebinding_cannot_reach_loopback(monkeypatch, host):
    # The resolver answers a public address, then loopback; the fetch must never ask twice and must
    # connect to the address it checked (rerouted here to the local image host, so no packet leaves).
    network = _Network(monkeypatch, [PUBLIC, "127.0.0.1"], reroute_port=host)
    image = load_image(f"http://rebind.example:{host}/a.png", parent_id="image", limits=ImageLimits())
    assert (image.width, image.height) == (8, 6)
    assert network.lookups == ["rebind.example"]
    assert network.connects == [(PUBLIC, host)]


def test_unresolvable_host(monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(FetchError) as failed:
        fetch_url("http://nowhere.example/a.png", FetchLimits(max_bytes=1000, timeout_s=1))
    assert (failed.value.code, failed.value.message) == (
        "url_fetch_failed",
        "The image host nowhere.example cannot be resolved.",
    )


@pytest.mark.parametrize("path", ["/drip-body", "/drip-headers"])
def test_a_dripping_host_is_cut_at_the_deadline(host, path):
    # Each byte arrives well within any per-read timeout; only a wall-clock deadline stops it.
    limits = FetchLimits(max_bytes=100_000, timeout_s=DEADLINE_S, allow_private=True)
    with pytest.raises(FetchError) as slow:
        fetch_url(f"http://127.0.0.1:{host}{path}", limits)
    assert (slow.value.code, slow.value.message) == ("url_timeout", "Fetching the image took too long.")


def test_a_prompt_host_is_fetched_whole(host):
    limits = FetchLimits(max_bytes=100_000, timeout_s=5.0, allow_private=True)
    assert fetch_url(f"http://127.0.0.1:{host}/a.png", limits) == _png()


def test_no_url_is_fetched_once_the_run_is_out_of_time(monkeypatch, host):
    network = _Network(monkeypatch, [], reroute_port=host)
    limits = ImageLimits(allow_private_urls=True)
    with pytest.raises(ImageError) as late:
        load_images([("image", f"http://127.0.0.1:{host}/a.png")], limits=limits, deadline=time.monotonic() - 1)
    assert (late.value.code, late.value.message) == (
        "url_timeout",
        "The run ran out of time before the image could be fetched.",
    )
    assert (network.lookups, network.connects) == ([], [])


def test_a_url_gets_only_the_time_the_run_has_left(host):
    limits = ImageLimits(allow_private_urls=True, url_timeout_s=30.0)
    with pytest.raises(ImageError) as slow:
        load_images(
            [("image", f"http://127.0.0.1:{host}/drip-body")], limits=limits, deadline=time.monotonic() + DEADLINE_S
        )
    assert slow.value.code == "url_timeout"


def test_a_content_length_of_other_digits_is_refused(host):
    limits = FetchLimits(max_bytes=100_000, timeout_s=5.0, allow_private=True)
    with pytest.raises(FetchError) as refused:
        fetch_url(f"http://127.0.0.1:{host}/superscript-length", limits)
    assert (refused.value.code, refused.value.message) == (
        "url_fetch_failed",
        "The host answered a Content-Length that is not a number: '²'.",
    )
