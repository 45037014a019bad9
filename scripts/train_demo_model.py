"""Trains the demo classifier that ships with Blockwise and exports it to ONNX.

The model tells which colour the shape in an image is (red, green, blue or yellow). Images are
generated here: a circle, square or triangle of that colour (jittered), of any size and at any
place, on a background that is flat (black to white, slightly tinted), a gradient, or either with
noise. The model is a per-pixel colour classifier (two 1x1 convolutions: 3 -> 16 -> 5 classes, the
fifth being "background") whose confident votes are counted over the image; the class with most
votes wins. Pixels are labelled from the drawn mask, so training is supervised per pixel, with
NumPy (Adam). The graph is written with the `onnx` package; input 3x32x32 scaled to 0..1 (what
OnnxClassifier feeds), output one probability per class. Deterministic: same seeds, same file.

Run: .venv/bin/python -m scripts.train_demo_model
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

CLASSES = ("red", "green", "blue", "yellow")
COLOURS = {"red": (220, 40, 40), "green": (40, 180, 60), "blue": (40, 70, 220), "yellow": (230, 210, 40)}
SIZE = 32
HIDDEN = 16
VOTE_MARGIN = 0.5  # a pixel votes for a colour with its probability above this
OUTPUT_DIR = Path(__file__).resolve().parent.parent / "registry" / "demo"
BACKGROUNDS = ("light", "dark", "mid", "gradient", "noisy")

Array = NDArray[np.float32]


def background(kind: str, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
    """A size x size x 3 background: flat greys from black to white with a slight tint, gradients
    between two such colours, and noise over either."""

    def tone(low: int, high: int) -> NDArray[np.float64]:
        return np.clip(rng.uniform(low, high) + rng.uniform(-25, 25, size=3), 0, 255)

    if kind == "light":
        pixels = np.broadcast_to(tone(170, 255), (size, size, 3)).astype(np.float64)
    elif kind == "dark":
        pixels = np.broadcast_to(tone(0, 85), (size, size, 3)).astype(np.float64)
    elif kind == "mid":
        pixels = np.broadcast_to(tone(60, 190), (size, size, 3)).astype(np.float64)
    else:
        angle = rng.uniform(0, 2 * np.pi)
        ramp = np.cos(angle) * np.arange(size)[None, :] + np.sin(angle) * np.arange(size)[:, None]
        ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1.0)
        start, end = tone(0, 255), tone(0, 255)
        pixels = start + ramp[..., None] * (end - start)
    if kind == "noisy" or rng.random() < 0.3:
        pixels = pixels + rng.normal(0, rng.uniform(5, 35), size=(size, size, 3))
    return np.clip(pixels, 0, 255)


def render(label: str, rng: np.random.Generator, size: int = 96, kind: str | None = None) -> tuple[Image.Image, Array]:
    """An image of one shape of the label's colour, and the shape's mask (1 inside)."""
    kind = kind or BACKGROUNDS[int(rng.integers(0, len(BACKGROUNDS)))]
    pixels = background(kind, rng, size)
    extent = int(rng.integers(size // 6, int(size * 0.8)))
    x0, y0 = (int(v) for v in rng.integers(0, size - extent, size=2))
    mask_image = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask_image)
    box = [x0, y0, x0 + extent, y0 + extent]
    shape = int(rng.integers(0, 3))
    if shape == 0:
        draw.ellipse(box, fill=255)
    elif shape == 1:
        draw.rectangle(box, fill=255)
    else:
        draw.polygon([(x0 + extent // 2, y0), (x0, y0 + extent), (x0 + extent, y0 + extent)], fill=255)
    mask = np.asarray(mask_image, dtype=np.float32) / 255.0
    colour = np.clip(np.array(COLOURS[label]) + rng.integers(-25, 25, size=3), 0, 255)
    shaded = colour + rng.normal(0, 4, size=(size, size, 3))
    pixels = pixels * (1 - mask[..., None]) + shaded * mask[..., None]
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)), mask


def draw_sample(label: str, rng: np.random.Generator, size: int = 96, kind: str | None = None) -> Image.Image:
    """An image of one shape of the label's colour, as a person might photograph a toy."""
    return render(label, rng, size, kind)[0]


def features(image: Image.Image) -> Array:
    """The model's input: 3x32x32, values 0..1 (the same preprocessing OnnxClassifier applies)."""
    resized = image.convert("RGB").resize((SIZE, SIZE), Image.Resampling.BILINEAR)
    return (np.asarray(resized, dtype=np.float32) / 255.0).transpose(2, 0, 1)


def pixel_dataset(count: int, seed: int) -> tuple[Array, NDArray[np.int64]]:
    """Pixels of `count` images with their class (the shape's colour, or 4 for background); pixels
    on the shape's border, half shape and half background, are left out."""
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for label in rng.integers(0, len(CLASSES), size=count):
        image, mask = render(CLASSES[int(label)], rng)
        x = features(image).reshape(3, -1).T
        cover = np.asarray(Image.fromarray(mask).resize((SIZE, SIZE), Image.Resampling.BILINEAR)).reshape(-1)
        inside, outside = np.flatnonzero(cover > 0.9), np.flatnonzero(cover < 0.1)
        inside_pick = rng.choice(inside, size=min(30, len(inside)), replace=False)
        outside_pick = rng.choice(outside, size=min(30, len(outside)), replace=False)
        xs += [x[inside_pick], x[outside_pick]]
        ys += [np.full(len(inside_pick), label), np.full(len(outside_pick), len(CLASSES))]
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.int64)


Params = dict[str, Array]


def pixel_logits(params: Params, x: Array) -> tuple[Array, Array]:
    hidden = np.maximum(x @ params["w1"] + params["b1"], 0)
    return hidden @ params["w2"] + params["b2"], hidden


def train(x: Array, y: NDArray[np.int64], steps: int = 600, rate: float = 0.03) -> Params:
    """Softmax cross-entropy over the five pixel classes, full batch, Adam; classes weighted so the
    four colours and the background count alike."""
    rng = np.random.default_rng(1)
    classes = len(CLASSES) + 1
    params: Params = {
        "w1": (rng.normal(0, 1, (3, HIDDEN)) * np.sqrt(2 / 3)).astype(np.float32),
        "b1": np.zeros(HIDDEN, np.float32),
        "w2": (rng.normal(0, 1, (HIDDEN, classes)) * np.sqrt(2 / HIDDEN)).astype(np.float32),
        "b2": np.zeros(classes, np.float32),
    }
    onehot = np.eye(classes, dtype=np.float32)[y]
    weight = (len(y) / (classes * np.bincount(y, minlength=classes)))[y].astype(np.float32)[:, None]
    moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in params.items()}
    for step in range(1, steps + 1):
        logits, hidden = pixel_logits(params, x)
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        d_logits = weight * (probabilities - onehot) / len(x)
        d_hidden = (d_logits @ params["w2"].T) * (hidden > 0)
        grads = {"w2": hidden.T @ d_logits, "b2": d_logits.sum(0), "w1": x.T @ d_hidden, "b1": d_hidden.sum(0)}
        for key, grad in grads.items():
            first, second = moments[key]
            first[:] = 0.9 * first + 0.1 * grad
            second[:] = 0.999 * second + 0.001 * grad * grad
            corrected = (first / (1 - 0.9**step)) / (np.sqrt(second / (1 - 0.999**step)) + 1e-8)
            params[key] = (params[key] - rate * corrected).astype(np.float32)
    return params


def predict(params: Params, images: Array) -> Array:
    """What the exported graph computes, in NumPy: per-pixel class probabilities, confident colour
    votes summed over the image, normalised."""
    batch = images.shape[0]
    logits, _ = pixel_logits(params, images.reshape(batch, 3, -1).transpose(0, 2, 1))
    logits -= logits.max(axis=2, keepdims=True)
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=2, keepdims=True)
    votes: Array = np.maximum(probabilities[..., : len(CLASSES)] - VOTE_MARGIN, 0).sum(axis=1) + 1e-3
    normalised: Array = (votes / votes.sum(axis=1, keepdims=True)).astype(np.float32)
    return normalised


def held_out(count: int, seed: int, kind: str | None = None) -> tuple[Array, NDArray[np.int64]]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, len(CLASSES), size=count)
    images = np.stack([features(draw_sample(CLASSES[int(label)], rng, kind=kind)) for label in labels])
    return images, labels.astype(np.int64)


def export(params: Params, path: Path) -> None:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    classes = len(CLASSES)
    constants: dict[str, NDArray[np.generic]] = {
        "w1": params["w1"].T.reshape(HIDDEN, 3, 1, 1),
        "b1": params["b1"],
        "w2": params["w2"].T.reshape(classes + 1, HIDDEN, 1, 1),
        "b2": params["b2"],
        "starts": np.array([0], np.int64),
        "ends": np.array([classes], np.int64),
        "channel_axis": np.array([1], np.int64),
        "spatial_axes": np.array([2, 3], np.int64),
        "margin": np.array(VOTE_MARGIN, np.float32),
        "floor": np.array(1e-3, np.float32),
    }
    node = helper.make_node
    graph = helper.make_graph(
        nodes=[
            node("Conv", ["image", "w1", "b1"], ["hidden_linear"]),
            node("Relu", ["hidden_linear"], ["hidden"]),
            node("Conv", ["hidden", "w2", "b2"], ["pixel_logits"]),
            node("Softmax", ["pixel_logits"], ["pixel_probabilities"], axis=1),
            node("Slice", ["pixel_probabilities", "starts", "ends", "channel_axis"], ["colour_probabilities"]),
            node("Sub", ["colour_probabilities", "margin"], ["above_margin"]),
            node("Relu", ["above_margin"], ["pixel_votes"]),
            node("ReduceSum", ["pixel_votes", "spatial_axes"], ["summed_votes"], keepdims=0),
            node("Add", ["summed_votes", "floor"], ["votes"]),
            node("ReduceSum", ["votes", "channel_axis"], ["total"], keepdims=1),
            node("Div", ["votes", "total"], ["probabilities"]),
        ],
        name="demo_shapes",
        inputs=[helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, SIZE, SIZE])],
        outputs=[helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", classes])],
        initializer=[numpy_helper.from_array(value, name) for name, value in constants.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="blockwise")
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.write_bytes(model.SerializeToString())


def main() -> None:
    x, y = pixel_dataset(600, seed=7)
    params = train(x, y)
    test_x, test_y = held_out(400, seed=8)
    accuracy = float((predict(params, test_x).argmax(axis=1) == test_y).mean())
    by_kind = {}
    for offset, kind in enumerate(BACKGROUNDS):
        kind_x, kind_y = held_out(100, seed=100 + offset, kind=kind)
        by_kind[kind] = float((predict(params, kind_x).argmax(axis=1) == kind_y).mean())
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    export(params, OUTPUT_DIR / "demo-shapes.onnx")
    (OUTPUT_DIR / "demo-shapes.json").write_text(
        json.dumps({"class_names": list(CLASSES), "input_width": SIZE, "input_height": SIZE}, indent=2) + "\n"
    )
    details = ", ".join(f"{kind} {value:.3f}" for kind, value in by_kind.items())
    print(f"held-out accuracy {accuracy:.3f} ({len(test_y)} images; by background: {details})")
    print(f"wrote {OUTPUT_DIR / 'demo-shapes.onnx'}")


if __name__ == "__main__":
    main()
