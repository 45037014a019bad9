"""The shipped demo model (registry/demo, trained by scripts/train_demo_model.py) on ordinary images."""

import json

import numpy as np
import pytest

from blocks.images import WorkflowImage
from executor.models.local import LocalModelInfo, OnnxClassifier
from scripts.train_demo_model import CLASSES, OUTPUT_DIR, draw_sample


@pytest.fixture(scope="module")
def classifier() -> OnnxClassifier:
    meta = json.loads((OUTPUT_DIR / "demo-shapes.json").read_text())
    info = LocalModelInfo(
        model_id="demo-shapes/1",
        path=str(OUTPUT_DIR / "demo-shapes.onnx"),
        class_names=tuple(meta["class_names"]),
        input_width=meta["input_width"],
        input_height=meta["input_height"],
    )
    return OnnxClassifier(info, threads=1)


@pytest.mark.parametrize("background", ["light", "dark", "noisy"])
def test_at_least_97_percent_right(classifier, background):
    # Seeds the trainer never used, so these images are new to the model.
    rng = np.random.default_rng(9000 + len(background))
    labels = [CLASSES[i] for i in rng.integers(0, len(CLASSES), size=120)]
    images = [
        WorkflowImage(pixels=np.asarray(draw_sample(label, rng, kind=background)), parent_id="i", root_parent_id="i")
        for label in labels
    ]
    predicted = [CLASSES[i] for i in classifier.scores(images).argmax(axis=1)]
    right = sum(p == t for p, t in zip(predicted, labels, strict=True))
    assert right / len(labels) >= 0.97, (background, right)


def test_a_yellow_shape_on_a_light_background_is_yellow(classifier):
    pixels = np.full((96, 96, 3), 235, dtype=np.uint8)
    pixels[30:70, 20:60] = (230, 210, 40)
    image = WorkflowImage(pixels=pixels, parent_id="i", root_parent_id="i")
    scores = classifier.scores([image])[0]
    assert CLASSES[int(scores.argmax())] == "yellow"
    assert scores.max() > 0.9
