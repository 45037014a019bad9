"""Metrics and comparisons checked against cases worked out by hand, including a class the model
never predicts (c), a class that is never the true label (d), and an image that failed."""

from __future__ import annotations

import math

import pytest

from registry.evaluation_metrics import ImagePrediction, classification_of, comparison_compute, metrics_compute


def answer(file: str, label: str, scores: dict[str, float]) -> ImagePrediction:
    top = max(scores, key=scores.__getitem__)
    return ImagePrediction(file, label, "succeeded", top, scores[top], scores)


CASE = [
    answer("1.png", "a", {"a": 0.91, "b": 0.09}),
    answer("2.png", "a", {"a": 0.82, "c": 0.18}),
    answer("3.png", "a", {"b": 0.63, "a": 0.37}),
    answer("4.png", "b", {"b": 0.74, "a": 0.26}),
    answer("5.png", "b", {"b": 0.95}),
    answer("6.png", "c", {"d": 0.55, "b": 0.30, "c": 0.15}),
    ImagePrediction("7.png", "c", "failed", error="model_timeout"),
    ImagePrediction("8.png", "a", "cancelled"),
]


def wilson(correct: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = correct / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_metrics_of_the_hand_worked_case():
    metrics = metrics_compute(CASE)
    assert metrics is not None
    low, high = wilson(4, 7)

    assert (metrics["images"], metrics["correct"], metrics["failed"], metrics["cancelled"]) == (7, 4, 1, 1)
    assert metrics["accuracy"] == {
        "value": round(4 / 7, 6),
        "low": pytest.approx(low, abs=1e-6),
        "high": pytest.approx(high, abs=1e-6),
        "confidence_level": 0.95,
    }
    # a: 2 of 2 predicted right, 2 of 3 found; b: 2 of 3 predicted right, 2 of 2 found;
    # c never predicted; d predicted once, never the true label.
    assert metrics["per_class"] == {
        "a": {"precision": 1.0, "recall": round(2 / 3, 6), "f1": 0.8, "support": 3},
        "b": {"precision": round(2 / 3, 6), "recall": 1.0, "f1": 0.8, "support": 2},
        "c": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 2},
        "d": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0},
    }
    assert metrics["macro_avg"] == {"precision": round(5 / 12, 6), "recall": round(5 / 12, 6), "f1": 0.4, "support": 7}
    assert metrics["weighted_avg"] == {
        "precision": round((3 * 1 + 2 * 2 / 3) / 7, 6),
        "recall": round(4 / 7, 6),
        "f1": round((3 * 0.8 + 2 * 0.8) / 7, 6),
        "support": 7,
    }
    assert metrics["confusion_matrix"] == {
        "labels": ["a", "b", "c", "d"],
        "matrix": [[2, 1, 0, 0], [0, 2, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]],
        "unpredicted": [0, 0, 1, 0],
    }
    # Top-2 misses only 6.png (c is third) and the failed image; top-3 misses only the failed one.
    assert metrics["top_k_accuracy"] == {"2": round(5 / 7, 6), "3": round(6 / 7, 6)}
    assert metrics["misclassified"] == [
        {"file": "3.png", "label": "a", "prediction": "b", "confidence": 0.63, "error": None},
        {"file": "6.png", "label": "c", "prediction": "d", "confidence": 0.55, "error": None},
        {"file": "7.png", "label": "c", "prediction": None, "confidence": None, "error": "model_timeout"},
    ]


def test_calibration_bins_and_expected_calibration_error():
    calibration = metrics_compute(CASE)["calibration"]  # type: ignore[index]

    filled = {
        (b["low"], b["high"]): (b["count"], b["confidence"], b["accuracy"]) for b in calibration["bins"] if b["count"]
    }
    assert filled == {
        (0.5, 0.6): (1, 0.55, 0.0),
        (0.6, 0.7): (1, 0.63, 0.0),
        (0.7, 0.8): (1, 0.74, 1.0),
        (0.8, 0.9): (1, 0.82, 1.0),
        (0.9, 1.0): (2, 0.93, 1.0),
    }
    assert len(calibration["bins"]) == 10
    assert sum(b["count"] for b in calibration["bins"]) == 6
    # |1 - .93| * 2 + |1 - .82| + |1 - .74| + .63 + .55, over 6 rated images
    assert calibration["ece"] == pytest.approx((0.14 + 0.18 + 0.26 + 0.63 + 0.55) / 6, abs=1e-6)


def test_nothing_answered_has_no_metrics():
    assert metrics_compute([ImagePrediction("1.png", "a", "cancelled")]) is None


def test_classification_of_reads_roboflow_classification_outputs():
    value = {"top": "red", "confidence": 0.9, "predictions": [{"class": "red", "confidence": 0.9}, {"class": "blue"}]}
    assert classification_of(value) == ("red", 0.9, {"red": 0.9, "blue": 0.0})
    assert classification_of([value]) == ("red", 0.9, {"red": 0.9, "blue": 0.0})
    assert classification_of({"top": "", "predictions": []}) == (None, None, {})
    assert classification_of("red") == (None, None, {})


def flipped(prediction: ImagePrediction, to: str | None) -> ImagePrediction:
    return ImagePrediction(prediction.file, prediction.label, "succeeded", to, 0.5, {})


def test_a_comparison_lists_the_images_that_changed_and_tests_the_difference():
    before = [ImagePrediction(f"{i}.png", "a", "succeeded", "b", 0.6, {}) for i in range(10)]
    before += [ImagePrediction(f"{i}.png", "a", "succeeded", "a", 0.9, {}) for i in range(10, 20)]
    after = [flipped(p, "a") if i < 6 else p for i, p in enumerate(before)]
    after[19] = flipped(before[19], "c")
    after[9] = flipped(before[9], "c")

    comparison = comparison_compute(before, after)

    assert comparison["changed"] == [
        *(
            {
                "file": f"{i}.png",
                "label": "a",
                "from": "b",
                "to": "a",
                "from_confidence": 0.6,
                "to_confidence": 0.5,
                "became": "right",
            }
            for i in range(6)
        ),
        {
            "file": "9.png",
            "label": "a",
            "from": "b",
            "to": "c",
            "from_confidence": 0.6,
            "to_confidence": 0.5,
            "became": "still_wrong",
        },
        {
            "file": "19.png",
            "label": "a",
            "from": "a",
            "to": "c",
            "from_confidence": 0.9,
            "to_confidence": 0.5,
            "became": "wrong",
        },
    ]
    # 6 became right, 1 became wrong: p = 2 * P(X <= 1), X ~ Bin(7, 1/2) = 2 * 8 / 128
    assert comparison["significance"] == {
        "test": "mcnemar_exact",
        "became_right": 6,
        "became_wrong": 1,
        "p_value": 0.125,
        "significant": False,
        "alpha": 0.05,
    }
    assert comparison["deltas"]["accuracy"] == round(15 / 20 - 10 / 20, 6)
    assert comparison["summary"]["a"]["accuracy"] == 0.5
    assert comparison["summary"]["b"]["accuracy"] == 0.75


def test_seven_images_all_fixed_is_significant_and_no_change_is_not():
    before = [ImagePrediction(f"{i}.png", "a", "succeeded", "b", 0.6, {}) for i in range(7)]
    after = [flipped(p, "a") for p in before]
    assert comparison_compute(before, after)["significance"]["p_value"] == round(2 / 128, 6)
    assert comparison_compute(before, after)["significance"]["significant"] is True
    same = comparison_compute(before, before)
    assert (same["changed"], same["significance"]["p_value"], same["significance"]["significant"]) == ([], 1.0, False)
