"""Metrics of a classifier's answers on labelled images, and the comparison of two sets of answers.

Pure functions over `ImagePrediction`s (no database): the evaluation selectors feed them the stored
results of a job, the gate the answers of an in-process run. Counting and averaging are
scikit-learn's (`sklearn.metrics`); the accuracy's interval (Wilson) and McNemar's exact test
(a binomial test on the discordant pairs) are SciPy's. What neither library has, the expected
calibration error over equal-width confidence bins, is a weighted mean over numpy's binning.

Every image counts: one that failed, or whose output names no class, is wrong (its row of the
confusion matrix counts it under `unpredicted`). Cancelled images are left out and counted apart.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

CONFIDENCE_LEVEL = 0.95
SIGNIFICANCE = 0.05
CALIBRATION_BINS = 10
DIGITS = 6


@dataclass(frozen=True, slots=True)
class ImagePrediction:
    file: str
    label: str
    status: str  # succeeded, failed, cancelled or pending (as job results)
    prediction: str | None = None
    confidence: float | None = None
    scores: Mapping[str, float] = field(default_factory=dict)
    error: str | None = None

    @property
    def counted(self) -> bool:
        return self.status in ("succeeded", "failed")

    @property
    def correct(self) -> bool:
        return self.prediction is not None and self.prediction == self.label


def classification_of(value: Any) -> tuple[str | None, float | None, dict[str, float]]:
    """The top class, its confidence and every listed class's confidence of a classification output
    (`{"top", "confidence", "predictions": [{"class", "confidence"}]}`, or a batch of one)."""
    if isinstance(value, list) and value:
        value = value[0]
    if not isinstance(value, Mapping):
        return None, None, {}
    listed = value.get("predictions")
    scores: dict[str, float] = {}
    if isinstance(listed, list):
        for entry in listed:
            if isinstance(entry, Mapping) and isinstance(entry.get("class"), str):
                confidence = entry.get("confidence")
                scores[entry["class"]] = float(confidence) if isinstance(confidence, int | float) else 0.0
    top = value.get("top")
    if not isinstance(top, str) or not top:
        top = max(scores, key=scores.__getitem__) if scores else None
    confidence = value.get("confidence")
    if top is None:
        return None, None, scores
    return top, float(confidence) if isinstance(confidence, int | float) else scores.get(top), scores


def image_prediction(
    *,
    file: str,
    label: str,
    status: str,
    outputs: Mapping[str, Any] | None,
    error: Mapping[str, Any] | None,
    output: str,
) -> ImagePrediction:
    """One image's answer (a job result's or an in-process run's) read at the workflow output `output`."""
    if status != "succeeded":
        return ImagePrediction(file=file, label=label, status=status, error=(error or {}).get("code"))
    top, confidence, scores = classification_of((outputs or {}).get(output))
    return ImagePrediction(file, label, status, top, confidence, scores)


def _r(value: float) -> float:
    return round(float(value), DIGITS)


def _accuracy(y_true: list[str], y_pred: list[str]) -> dict[str, Any]:
    # Imported when used: scikit-learn and SciPy take about a second to import, which every server
    # process would otherwise pay before its first answer.
    from scipy.stats import binomtest
    from sklearn.metrics import accuracy_score

    correct = sum(1 for true, pred in zip(y_true, y_pred, strict=True) if true == pred)
    interval = binomtest(correct, len(y_true)).proportion_ci(confidence_level=CONFIDENCE_LEVEL, method="wilson")
    return {
        "value": _r(accuracy_score(y_true, y_pred)),
        "low": _r(interval.low),
        "high": _r(interval.high),
        "confidence_level": CONFIDENCE_LEVEL,
    }


def _scores(precision: Any, recall: Any, f1: Any, support: Any) -> dict[str, Any]:
    return {"precision": _r(precision), "recall": _r(recall), "f1": _r(f1), "support": int(support)}


def _per_class(y_true: list[str], y_pred: list[str], labels: list[str]) -> dict[str, Any]:
    from sklearn.metrics import precision_recall_fscore_support

    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per_class = {label: _scores(*values) for label, *values in zip(labels, precision, recall, f1, support, strict=True)}
    averages = {}
    for average in ("macro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=average, zero_division=0)
        averages[f"{average}_avg"] = _scores(p, r, f, len(y_true))
    return {"per_class": per_class, **averages}


def _confusion(y_true: list[str], y_pred: list[str], labels: list[str]) -> dict[str, Any]:
    """Rows are true labels, columns predictions; an image with no prediction counts under `unpredicted`."""
    from sklearn.metrics import confusion_matrix

    with warnings.catch_warnings():
        # Every label is passed, so a one-label matrix is the right shape; sklearn warns regardless.
        warnings.filterwarnings("ignore", message="A single label was found", category=UserWarning)
        matrix = confusion_matrix(y_true, y_pred, labels=labels)
    support = [sum(1 for true in y_true if true == label) for label in labels]
    return {
        "labels": labels,
        "matrix": matrix.tolist(),
        "unpredicted": [count - int(row.sum()) for count, row in zip(support, matrix, strict=True)],
    }


def _top_k(answered: list[ImagePrediction], total: int) -> dict[str, float]:
    """Top-k accuracy for every k from 2 to the most classes an output listed (below the number of
    classes, where it would be 1 by construction). Failed images count as misses."""
    from sklearn.metrics import top_k_accuracy_score

    labels = sorted({p.label for p in answered} | {name for p in answered for name in p.scores})
    widest = max((len(p.scores) for p in answered), default=0)
    if not answered or widest < 2:
        return {}
    y_true = [p.label for p in answered]
    y_score = np.array([[p.scores.get(label, 0.0) for label in labels] for p in answered])
    if len(labels) == 2:
        return {}
    return {
        str(k): _r(top_k_accuracy_score(y_true, y_score, k=k, labels=labels, normalize=False) / total)
        for k in range(2, min(widest, len(labels) - 1) + 1)
    }


def _calibration(answered: list[ImagePrediction]) -> dict[str, Any]:
    """Expected calibration error: the image-weighted mean gap between confidence and accuracy per bin."""
    rated = [p for p in answered if p.confidence is not None]
    confidences = np.array([p.confidence for p in rated], dtype=float)
    hits = np.array([p.correct for p in rated], dtype=float)
    edges = np.linspace(0.0, 1.0, CALIBRATION_BINS + 1)
    which = np.clip(np.digitize(confidences, edges[1:-1], right=True), 0, CALIBRATION_BINS - 1)
    bins, ece = [], 0.0
    for index in range(CALIBRATION_BINS):
        inside = which == index
        count = int(inside.sum())
        confidence = float(confidences[inside].mean()) if count else None
        accuracy = float(hits[inside].mean()) if count else None
        if count and confidence is not None and accuracy is not None:
            ece += count / len(rated) * abs(accuracy - confidence)
        bins.append(
            {
                "low": _r(edges[index]),
                "high": _r(edges[index + 1]),
                "count": count,
                "confidence": None if confidence is None else _r(confidence),
                "accuracy": None if accuracy is None else _r(accuracy),
            }
        )
    return {"ece": _r(ece) if rated else None, "bins": bins}


def _wrong(prediction: ImagePrediction) -> dict[str, Any]:
    return {
        "file": prediction.file,
        "label": prediction.label,
        "prediction": prediction.prediction,
        "confidence": prediction.confidence,
        "error": prediction.error,
    }


def metrics_compute(predictions: Sequence[ImagePrediction]) -> dict[str, Any] | None:
    """Every metric of the answered images; None when no image was answered."""
    counted = [p for p in predictions if p.counted]
    if not counted:
        return None
    y_true = [p.label for p in counted]
    y_pred = [p.prediction or "" for p in counted]
    labels = sorted(set(y_true) | {pred for pred in y_pred if pred})
    answered = [p for p in counted if p.status == "succeeded"]
    return {
        "images": len(counted),
        "correct": sum(1 for p in counted if p.correct),
        "failed": sum(1 for p in counted if p.status == "failed"),
        "cancelled": sum(1 for p in predictions if p.status == "cancelled"),
        "accuracy": _accuracy(y_true, y_pred),
        **_per_class(y_true, y_pred, labels),
        "confusion_matrix": _confusion(y_true, y_pred, labels),
        "top_k_accuracy": _top_k(answered, len(counted)),
        "calibration": _calibration(answered),
        "misclassified": [_wrong(p) for p in counted if not p.correct],
    }


def _became(before: ImagePrediction, after: ImagePrediction) -> str:
    if after.correct:
        return "right"
    return "wrong" if before.correct else "still_wrong"


def _mcnemar(worse: int, better: int) -> dict[str, Any]:
    """McNemar's exact test: under no difference, each discordant image is equally likely either way."""
    from scipy.stats import binomtest

    discordant = worse + better
    p_value = binomtest(min(worse, better), discordant, 0.5).pvalue if discordant else 1.0
    return {
        "test": "mcnemar_exact",
        "became_right": better,
        "became_wrong": worse,
        "p_value": _r(p_value),
        "significant": bool(p_value < SIGNIFICANCE),
        "alpha": SIGNIFICANCE,
    }


def _deltas(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    labels = sorted(set(a["per_class"]) | set(b["per_class"]))

    def f1(metrics: Mapping[str, Any], label: str) -> float:
        return float(metrics["per_class"].get(label, {}).get("f1", 0.0))

    return {
        "accuracy": _r(b["accuracy"]["value"] - a["accuracy"]["value"]),
        "macro_f1": _r(b["macro_avg"]["f1"] - a["macro_avg"]["f1"]),
        "weighted_f1": _r(b["weighted_avg"]["f1"] - a["weighted_avg"]["f1"]),
        "per_class_f1": {label: _r(f1(b, label) - f1(a, label)) for label in labels},
    }


def comparison_compute(a: Sequence[ImagePrediction], b: Sequence[ImagePrediction]) -> dict[str, Any]:
    """Two sets of answers on the same images, paired by position; images cancelled on either side are left out."""
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x.counted and y.counted]
    metrics_a = metrics_compute([x for x, _ in pairs])
    metrics_b = metrics_compute([y for _, y in pairs])
    changed = [
        {
            "file": y.file,
            "label": y.label,
            "from": x.prediction,
            "to": y.prediction,
            "from_confidence": x.confidence,
            "to_confidence": y.confidence,
            "became": _became(x, y),
        }
        for x, y in pairs
        if x.prediction != y.prediction
    ]
    better = sum(1 for x, y in pairs if y.correct and not x.correct)
    worse = sum(1 for x, y in pairs if x.correct and not y.correct)
    return {
        "images": len(pairs),
        "changed": changed,
        "deltas": _deltas(metrics_a, metrics_b) if metrics_a and metrics_b else None,
        "significance": _mcnemar(worse, better),
        "summary": {"a": _summary(metrics_a), "b": _summary(metrics_b)},
    }


def _summary(metrics: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if metrics is None:
        return None
    return {
        "images": metrics["images"],
        "correct": metrics["correct"],
        "accuracy": metrics["accuracy"]["value"],
        "macro_f1": metrics["macro_avg"]["f1"],
        "weighted_f1": metrics["weighted_avg"]["f1"],
    }
