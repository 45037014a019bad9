"""Image inputs: every accepted form, and every way they fail, each with its code."""

import base64
import contextlib
import io
import time
from http.server import BaseHTTPRequestHandler

import numpy as np
import pytest
from PIL import Image

from blocks.errors import PayloadTooLargeError
from executor.images import ImageError, ImageLimits, load_image, load_images
from tests.support.local_http import local_http_server

LIMITS = ImageLimits()


def png_bytes(width=20, height=10, colour=(200, 10, 10)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 0, 255)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_accepted_forms_keep_the_original_bytes():
    data = png_bytes()
    text = base64.b64encode(data).decode()
    for value in ({"type": "base64", "value": text}, text, f"data:image/png;base64,{text}", data):
        image = load_image(value, parent_id="image", limits=LIMITS)
        assert (image.width, image.height, image.encoding, image.encoded) == (20, 10, "png", data)
        assert image.pixels[0, 0].tolist() == [200, 10, 10]
    jpeg = load_image(jpeg_bytes(), parent_id="image", limits=LIMITS)
    assert jpeg.transport_bytes() == jpeg_bytes()


@pytest.mark.parametrize(
    ("value", "limits", "code"),
    [
        ("not base64 at all!!", LIMITS, "invalid_image"),
        (base64.b64encode(b"hello world").decode(), LIMITS, "invalid_image"),
        (jpeg_bytes()[: len(jpeg_bytes()) * 2 // 3], LIMITS, "truncated_image"),
        (png_bytes(), ImageLimits(max_bytes=50), "image_too_large"),
        (png_bytes(100, 100), ImageLimits(max_pixels=5000), "too_many_pixels"),
        (12, LIMITS, "invalid_image"),
        ("ftp://example.com/a.png", LIMITS, "invalid_image"),
        ("http://127.0.0.1:1/a.png", LIMITS, "url_not_allowed"),
        ("http://169.254.169.254/latest", LIMITS, "url_not_allowed"),
        ("http://10.1.2.3/a.png", LIMITS, "url_not_allowed"),
    ],
)
def test_failures_have_codes(value, limits, code):
    with pytest.raises(ImageError) as error:
        load_image(value, parent_id="image", limits=limits)
    assert error.value.code == code


def test_decompression_bomb_is_refused():
    bomb = png_bytes(4000, 4000, (0, 0, 0))
    with pytest.raises(ImageError) as error:
        load_image(bomb, parent_id="image", limits=ImageLimits(max_pixels=1_000_000))
    assert error.value.code == "too_many_pixels"


class _Images(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/slow.png":
            time.sleep(1.5)
        body = png_bytes() if self.path != "/huge.png" else b"\x89PNG" + b"0" * 300_000
        self.send_response(200 if self.path != "/missing.png" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # The client may stop reading once the declared length is over its limit.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def image_server():
    with local_http_server(_Images) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}"


def test_urls_when_loopback_is_allowed(image_server):
    allowed = ImageLimits(allow_private_urls=True, url_timeout_s=0.5, max_bytes=200_000)
    image = load_image(f"{image_server}/a.png", parent_id="image", limits=allowed)
    assert (image.width, image.height) == (20, 10)
    for path, code in (
        ("/slow.png", "url_timeout"),
        ("/huge.png", "image_too_large"),
        ("/missing.png", "url_fetch_failed"),
    ):
        with pytest.raises(ImageError) as error:
            load_image(f"{image_server}{path}", parent_id="image", limits=allowed)
        assert error.value.code == code, path
    with pytest.raises(ImageError) as refused:
        load_image(f"{image_server}/a.png", parent_id="image", limits=ImageLimits())
    assert refused.value.code == "url_not_allowed"


def test_crop_keeps_lineage():
    image = load_image(png_bytes(40, 30), parent_id="image.[0]", limits=LIMITS)
    crop = image.crop(-5, 10, 20, 50, "crop-1")
    assert (crop.width, crop.height, crop.parent_id, crop.root_parent_id) == (20, 20, "crop-1", "image.[0]")
    assert crop.serialise()["parent_origin"] == {"offset_x": 0, "offset_y": 10, "width": 40, "height": 30}
    assert image.crop(50, 50, 60, 60, "x") is None
    assert np.array_equal(crop.pixels, image.pixels[10:30, 0:20])


def test_pixels_are_decoded_on_first_use_and_once(monkeypatch):
    opened: list[int] = []
    real_open = Image.open

    def counting_open(*args, **kwargs):
        opened.append(1)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(Image, "open", counting_open)
    image = load_image(png_bytes(40, 30), parent_id="image", limits=LIMITS)
    assert (image.decoded, image.width, image.height, len(opened)) == (False, 40, 30, 1)
    first = image.pixels
    assert image.pixels is first
    assert (image.decoded, first.shape, len(opened)) == (True, (30, 40, 3), 2)


def test_a_png_without_its_end_is_refused_up_front():
    data = png_bytes(40, 30)
    with pytest.raises(ImageError) as error:
        load_image(data[: len(data) - 30], parent_id="image", limits=LIMITS)
    assert error.value.code == "truncated_image"


def test_canonical_base64_is_forwarded_as_it_came():
    text = base64.b64encode(jpeg_bytes()).decode()
    assert load_image(text, parent_id="image", limits=LIMITS).transport_base64() is text
    wrapped = text[:40] + "\n" + text[40:]
    assert load_image(wrapped, parent_id="image", limits=LIMITS).transport_base64() == text


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[:40] + "\n" + text[40:],  # MIME line breaks
        lambda text: text[:8] + " " + text[8:],  # a space
        lambda text: text[:8] + "-_" + text[8:],  # characters outside the alphabet
        lambda text: text + "==",  # surplus padding
    ],
)
def test_lenient_base64_decodes_as_the_standard_library_does(damage):
    # Strictly valid text takes the fast decoder; anything else the standard library's lenient one.
    data = jpeg_bytes()
    text = damage(base64.b64encode(data).decode())
    image = load_image(text, parent_id="image", limits=LIMITS)
    assert image.encoded == base64.b64decode(text) == data
    assert image.transport_base64() == base64.b64encode(data).decode()


def test_images_per_request_are_counted_before_anything_is_read():
    limits = ImageLimits(max_images=2)
    with pytest.raises(ImageError) as error:
        load_images([("a", png_bytes()), ("b", png_bytes()), ("c", "not even an image")], limits=limits)
    assert (error.value.code, isinstance(error.value, PayloadTooLargeError), error.value.message) == (
        "too_many_images",
        True,
        "The request has 3 images; the limit is 2.",
    )


def test_pixels_per_request_are_summed_before_anything_is_decoded():
    limits = ImageLimits(max_request_pixels=2450)
    assert [i.decoded for i in load_images([("a", png_bytes(40, 30)), ("b", png_bytes(40, 30))], limits=limits)] == [
        False,
        False,
    ]
    with pytest.raises(ImageError) as error:
        load_images([("a", png_bytes(40, 30)), ("b", png_bytes(40, 30)), ("c", png_bytes(10, 10))], limits=limits)
    assert (error.value.code, isinstance(error.value, PayloadTooLargeError), error.value.message) == (
        "too_many_pixels",
        True,
        "The request's images have 2500 pixels together; the limit is 2450.",
    )


def test_a_model_reads_undecoded_images_without_keeping_their_pixels():
    image = load_image(png_bytes(40, 30), parent_id="image", limits=LIMITS)
    read = np.asarray(image.rgb_image())
    assert image.decoded is False
    assert np.array_equal(read, image.pixels)
    assert read.shape == (30, 40, 3)


def photo_jpeg(comment_bytes=0):
    """A 640x480 JPEG with a photo's detail (about 300 kB), optionally with a comment before its frame."""
    rng = np.random.default_rng(5)
    pixels = rng.integers(0, 256, size=(480, 640, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=90)
    data = buffer.getvalue()
    if comment_bytes:
        comment = b"".join(
            b"\xff\xfe" + (65533).to_bytes(2, "big") + b"c" * 65531 for _ in range(comment_bytes // 65531)
        )
        data = data[:2] + comment + data[2:]
    return data


@pytest.fixture
def decoded_lengths(monkeypatch):
    """The length of every text pybase64 decodes."""
    import pybase64

    lengths: list[int] = []
    real = pybase64.b64decode

    def counting(text, *args, **kwargs):
        lengths.append(len(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(pybase64, "b64decode", counting)
    return lengths


def test_a_large_image_that_is_only_forwarded_is_never_decoded(decoded_lengths):
    data = photo_jpeg()
    text = base64.b64encode(data).decode()
    assert len(text) > 300_000
    image = load_image({"type": "base64", "value": text}, parent_id="image", limits=LIMITS)
    assert (image.width, image.height, image.encoding, image.decoded) == (640, 480, "jpeg", False)
    assert image.transport_base64() is text
    assert max(decoded_lengths) <= 64 * 1024  # its two ends only
    # A step that needs the bytes or the pixels gets them, decoded once.
    assert image.encoded == data
    assert image.encoded is image.encoded
    assert image.pixels.shape == (480, 640, 3)
    assert sorted(decoded_lengths)[-1] == len(text)
    assert decoded_lengths.count(len(text)) == 1


def test_a_header_beyond_the_head_is_read_from_the_whole_image(decoded_lengths):
    data = photo_jpeg(comment_bytes=2 * 65531)  # 128 kB of comments before the frame header
    text = base64.b64encode(data).decode()
    image = load_image(text, parent_id="image", limits=LIMITS)
    assert (image.width, image.height, image.encoding) == (640, 480, "jpeg")
    assert decoded_lengths.count(len(text)) == 1
    assert image.transport_base64() is text


@pytest.mark.parametrize(
    ("change", "limits", "code"),
    [
        (lambda data: data[: len(data) - 5000], LIMITS, "truncated_image"),  # its end is missing
        (lambda data: data, ImageLimits(max_pixels=640 * 480 - 1), "too_many_pixels"),
        (lambda data: data, ImageLimits(max_bytes=200_000), "image_too_large"),
        (lambda data: b"\xff\xd8" + b"\x00" * 200_000 + b"\xff\xd9", LIMITS, "invalid_image"),  # no frame
    ],
)
def test_a_large_image_fails_up_front_as_before(change, limits, code):
    text = base64.b64encode(change(photo_jpeg())).decode()
    with pytest.raises(ImageError) as error:
        load_image(text, parent_id="image", limits=limits)
    assert error.value.code == code


def test_large_text_that_is_not_canonical_at_its_ends_is_decoded_and_forwarded_canonical():
    data = photo_jpeg()
    text = base64.b64encode(data).decode()
    wrapped = text[:100] + "\n" + text[100:]
    image = load_image(wrapped, parent_id="image", limits=LIMITS)
    assert (image.encoded, image.transport_base64()) == (data, text)
