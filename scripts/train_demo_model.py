"""Trains the demo classifier that ships with Blockwise and exports it to ONNX.

The model tells which colour the shape in an image is (red, green, blue or yellow). Images are
generated here (a random shape of that colour, at a random place and size, on a random dull
background with noise), a softmax regression is fitted with NumPy, and the graph
(Flatten -> Gemm -> Softmax over a 3x32x32 input scaled to 0..1) is written with the `onnx` package.
Deterministic: the same seed gives the same file.

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
OUTPUT_DIR = Path(__file__).resolve().parent.parent / "registry" / "demo"


def draw_sample(label: str, rng: np.random.Generator, size: int = 96) -> Image.Image:
    """An image of one shape of the label's colour, as a person might photograph a toy."""
    background = tuple(int(v) for v in rng.integers(60, 170, size=3))
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    extent = int(rng.integers(size // 3, int(size // 1.4)))
    x0, y0 = (int(v) for v in rng.integers(0, size - extent, size=2))
    jitter = rng.integers(-25, 25, size=3)
    colour = tuple(int(np.clip(c + j, 0, 255)) for c, j in zip(COLOURS[label], jitter, strict=True))
    shape = rng.integers(0, 3)
    if shape == 0:
        draw.ellipse([x0, y0, x0 + extent, y0 + extent], fill=colour)
    elif shape == 1:
        draw.rectangle([x0, y0, x0 + extent, y0 + extent], fill=colour)
    else:
        draw.polygon([(x0 + extent // 2, y0), (x0, y0 + extent), (x0 + extent, y0 + extent)], fill=colour)
    pixels = np.asarray(image, dtype=np.int16) + rng.integers(-12, 12, size=(size, size, 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def features(image: Image.Image) -> NDArray[np.float32]:
    """The model's input: 3x32x32, values 0..1 (the same preprocessing OnnxClassifier applies)."""
    resized = image.convert("RGB").resize((SIZE, SIZE), Image.Resampling.BILINEAR)
    return (np.asarray(resized, dtype=np.float32) / 255.0).transpose(2, 0, 1)


def dataset(count: int, seed: int) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, len(CLASSES), size=count)
    x = np.stack([features(draw_sample(CLASSES[label], rng)) for label in labels])
    return x.reshape(count, -1), labels.astype(np.int64)


def train(
    x: NDArray[np.float32], y: NDArray[np.int64], epochs: int = 300, rate: float = 0.5
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    weights = np.zeros((x.shape[1], len(CLASSES)), dtype=np.float32)
    bias = np.zeros(len(CLASSES), dtype=np.float32)
    onehot = np.eye(len(CLASSES), dtype=np.float32)[y]
    for _ in range(epochs):
        logits = x @ weights + bias
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        gradient = (probabilities - onehot) / len(x)
        weights -= rate * (x.T @ gradient + 1e-4 * weights)
        bias -= rate * gradient.sum(axis=0)
    return weights, bias


def export(weights: NDArray[np.float32], bias: NDArray[np.float32], path: Path) -> None:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        nodes=[
            helper.make_node("Flatten", ["image"], ["flat"], axis=1),
            helper.make_node("Gemm", ["flat", "weights", "bias"], ["logits"]),
            helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
        ],
        name="demo_shapes",
        inputs=[helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, SIZE, SIZE])],
        outputs=[helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", len(CLASSES)])],
        initializer=[numpy_helper.from_array(weights, "weights"), numpy_helper.from_array(bias, "bias")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="blockwise")
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.write_bytes(model.SerializeToString())


def main() -> None:
    x, y = dataset(3000, seed=7)
    weights, bias = train(x, y)
    test_x, test_y = dataset(400, seed=8)
    accuracy = float(((test_x @ weights + bias).argmax(axis=1) == test_y).mean())
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    export(weights, bias, OUTPUT_DIR / "demo-shapes.onnx")
    (OUTPUT_DIR / "demo-shapes.json").write_text(
        json.dumps({"class_names": list(CLASSES), "input_width": SIZE, "input_height": SIZE}, indent=2) + "\n"
    )
    print(f"held-out accuracy {accuracy:.3f}; wrote {OUTPUT_DIR / 'demo-shapes.onnx'}")


if __name__ == "__main__":
    main()
