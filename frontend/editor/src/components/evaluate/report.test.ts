import { describe, expect, it } from "vitest";

import { classBars, gateVerdict, matrixCells, points, reliabilityBars, significanceText } from "./report";

describe("the confusion matrix's cells", () => {
  it("shades each cell by its share of the true label's images and names what it counts", () => {
    const { columns, rows } = matrixCells({
      labels: ["green", "red"],
      matrix: [
        [1, 1],
        [0, 2],
      ],
      unpredicted: [0, 0],
    });
    expect(columns).toEqual(["green", "red"]);
    expect(rows.map((r) => [r.label, r.total, r.cells.map((c) => c.share)])).toEqual([
      ["green", 2, [0.5, 0.5]],
      ["red", 2, [0, 1]],
    ]);
    expect(rows[0].cells.map((c) => c.name)).toEqual(["green predicted correctly: 1 image", "green predicted red: 1 image"]);
    expect(rows[1].cells.map((c) => c.correct)).toEqual([false, true]);
  });

  it("adds a column for images with no prediction only when there are some", () => {
    const { columns, rows } = matrixCells({
      labels: ["a", "b"],
      matrix: [
        [2, 0],
        [0, 0],
      ],
      unpredicted: [0, 3],
    });
    expect(columns).toEqual(["a", "b", null]);
    expect(rows[1].cells.map((c) => [c.count, c.share])).toEqual([
      [0, 0],
      [0, 0],
      [3, 1],
    ]);
    expect(rows[1].cells[2].name).toBe("b with no prediction: 3 images");
  });

  it("gives a class never present an empty row, not a division by zero", () => {
    const { rows } = matrixCells({
      labels: ["a", "never"],
      matrix: [
        [1, 1],
        [0, 0],
      ],
      unpredicted: [0, 0],
    });
    expect(rows[1]).toEqual(expect.objectContaining({ label: "never", total: 0 }));
    expect(rows[1].cells.map((c) => c.share)).toEqual([0, 0]);
  });
});

describe("the per-class bars", () => {
  it("gives precision, recall and F1 per class in label order", () => {
    const scores = (p: number, r: number, f1: number, support: number) => ({ precision: p, recall: r, f1, support });
    expect(classBars({ red: scores(0.5, 1, 0.667, 2), green: scores(1, 0.5, 0.667, 2) })).toEqual([
      {
        label: "green",
        support: 2,
        bars: [
          { metric: "precision", value: 1 },
          { metric: "recall", value: 0.5 },
          { metric: "f1", value: 0.667 },
        ],
      },
      {
        label: "red",
        support: 2,
        bars: [
          { metric: "precision", value: 0.5 },
          { metric: "recall", value: 1 },
          { metric: "f1", value: 0.667 },
        ],
      },
    ]);
  });
});

describe("the reliability diagram", () => {
  it("keeps the bins that hold images, with the gap between accuracy and confidence", () => {
    const empty = { count: 0, confidence: null, accuracy: null };
    const bars = reliabilityBars([
      { low: 0, high: 0.1, ...empty },
      { low: 0.8, high: 0.9, count: 4, confidence: 0.85, accuracy: 0.75 },
      { low: 0.9, high: 1, count: 6, confidence: 0.95, accuracy: 1 },
    ]);
    expect(bars.map((b) => [b.low, b.count, b.accuracy])).toEqual([
      [0.8, 4, 0.75],
      [0.9, 6, 1],
    ]);
    expect(bars[0].gap).toBeCloseTo(-0.1);
    expect(bars[1].gap).toBeCloseTo(0.05);
  });
});

describe("a comparison in words", () => {
  it("says whether McNemar's test finds the difference significant", () => {
    const base = { test: "mcnemar_exact", alpha: 0.05 };
    expect(significanceText({ ...base, became_right: 0, became_wrong: 8, p_value: 0.0078125, significant: true })).toBe(
      "The difference is significant (McNemar p = 0.0078 < 0.05): 0 became right, 8 became wrong.",
    );
    expect(significanceText({ ...base, became_right: 1, became_wrong: 2, p_value: 1, significant: false })).toBe(
      "The difference is not significant (McNemar p = 1.0 ≥ 0.05): 1 became right, 2 became wrong.",
    );
  });

  it("gives metric deltas in points with their sign", () => {
    expect([points(0.025), points(-0.01), points(0), points(-0.0001)]).toEqual(["+2.5 points", "−1.0 points", "no change", "no change"]);
  });
});

describe("the upgrade gate's verdict", () => {
  it("says pass or fail with the accuracy's change and the limit", () => {
    const limits = { max_accuracy_drop: 1 };
    expect(gateVerdict({ passed: false, accuracy_drop: 62.5, limits })).toBe("Fails: accuracy drops 62.50 points (at most 1 allowed).");
    expect(gateVerdict({ passed: true, accuracy_drop: 0, limits })).toBe("Passes: accuracy does not change (at most 1 allowed).");
    expect(gateVerdict({ passed: true, accuracy_drop: -6.25, limits })).toBe("Passes: accuracy rises 6.25 points (at most 1 allowed).");
  });
});
