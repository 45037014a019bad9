// What the Evaluate panel draws, worked out from an evaluation's metrics: the confusion matrix's cells
// with their shade, the per-class bars, the reliability diagram's bins, and a comparison in words.
// Pure functions: the components only lay them out.

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ConfusionMatrix {
  labels: string[];
  /** Rows are the true labels, columns the predictions. */
  matrix: number[][];
  /** Per true label, the images with no predicted class (failed, or no class in the output). */
  unpredicted: number[];
}

export interface CalibrationBin {
  low: number;
  high: number;
  count: number;
  confidence: number | null;
  accuracy: number | null;
}

export interface Metrics {
  images: number;
  correct: number;
  failed: number;
  cancelled: number;
  accuracy: { value: number; low: number; high: number; confidence_level: number };
  per_class: Record<string, ClassScores>;
  macro_avg: ClassScores;
  weighted_avg: ClassScores;
  confusion_matrix: ConfusionMatrix;
  top_k_accuracy: Record<string, number>;
  calibration: { ece: number | null; bins: CalibrationBin[] };
  misclassified: Array<{ file: string; label: string; prediction: string | null; confidence: number | null; error: string | null }>;
}

export interface Significance {
  test: string;
  became_right: number;
  became_wrong: number;
  p_value: number;
  significant: boolean;
  alpha: number;
}

export interface ChangedImage {
  file: string;
  label: string;
  from: string | null;
  to: string | null;
  from_confidence: number | null;
  to_confidence: number | null;
  became: "right" | "wrong" | "still_wrong";
}

export interface SideSummary {
  images: number;
  correct: number;
  accuracy: number;
  macro_f1: number;
  weighted_f1: number;
}

export interface Comparison {
  images: number;
  changed: ChangedImage[];
  deltas: { accuracy: number; macro_f1: number; weighted_f1: number; per_class_f1: Record<string, number> } | null;
  significance: Significance;
  summary: { a: SideSummary | null; b: SideSummary | null };
}

export const percent = (value: number, digits = 1) => `${(value * 100).toFixed(digits)} %`;

/** A change in points with its sign: "+2.5 points", "−1.0 points", "no change". */
export function points(delta: number): string {
  const value = Math.round(delta * 1000) / 10;
  if (value === 0) return "no change";
  return `${value > 0 ? "+" : "−"}${Math.abs(value).toFixed(1)} points`;
}

export interface MatrixCell {
  label: string;
  /** The predicted class; null for the images with none. */
  prediction: string | null;
  count: number;
  /** The cell's share of its row (the true label's images), which sets its shade. */
  share: number;
  correct: boolean;
  /** What the cell counts, in words (its accessible name). */
  name: string;
}

/** The matrix as rows of cells, with an "unpredicted" column only when some image had no class. */
export function matrixCells(confusion: ConfusionMatrix): {
  columns: Array<string | null>;
  rows: Array<{ label: string; total: number; cells: MatrixCell[] }>;
} {
  const withNone = confusion.unpredicted.some((n) => n > 0);
  const columns: Array<string | null> = [...confusion.labels, ...(withNone ? [null] : [])];
  const rows = confusion.labels.map((label, r) => {
    const counts = [...confusion.matrix[r], ...(withNone ? [confusion.unpredicted[r]] : [])];
    const total = counts.reduce((a, b) => a + b, 0);
    const cells = columns.map((prediction, c) => {
      const count = counts[c];
      const images = `${count} image${count === 1 ? "" : "s"}`;
      const said = prediction === null ? "with no prediction" : prediction === label ? "predicted correctly" : `predicted ${prediction}`;
      return {
        label,
        prediction,
        count,
        share: total ? count / total : 0,
        correct: prediction === label,
        name: `${label} ${said}: ${images}`,
      };
    });
    return { label, total, cells };
  });
  return { columns, rows };
}

export interface ClassBar {
  label: string;
  support: number;
  bars: Array<{ metric: "precision" | "recall" | "f1"; value: number }>;
}

/** One group of bars per class (precision, recall, F1), classes in label order. */
export function classBars(perClass: Record<string, ClassScores>): ClassBar[] {
  return Object.keys(perClass)
    .sort()
    .map((label) => {
      const s = perClass[label];
      return { label, support: s.support, bars: (["precision", "recall", "f1"] as const).map((metric) => ({ metric, value: s[metric] })) };
    });
}

export interface ReliabilityBar {
  low: number;
  high: number;
  count: number;
  accuracy: number;
  confidence: number;
  /** accuracy − confidence: below zero the model is overconfident in this bin. */
  gap: number;
}

/** The bins that hold images, as bars of their accuracy against the diagonal of perfect calibration. */
export function reliabilityBars(bins: CalibrationBin[]): ReliabilityBar[] {
  return bins.flatMap((b) =>
    b.count && b.accuracy !== null && b.confidence !== null
      ? [{ low: b.low, high: b.high, count: b.count, accuracy: b.accuracy, confidence: b.confidence, gap: b.accuracy - b.confidence }]
      : [],
  );
}

/** McNemar's verdict in a sentence. */
export function significanceText(s: Significance): string {
  const pairs = `${s.became_right} became right, ${s.became_wrong} became wrong`;
  const verdict = s.significant
    ? `The difference is significant (McNemar p = ${s.p_value.toPrecision(2)} < ${s.alpha})`
    : `The difference is not significant (McNemar p = ${s.p_value.toPrecision(2)} ≥ ${s.alpha})`;
  return `${verdict}: ${pairs}.`;
}

const BECAME: Record<ChangedImage["became"], string> = { right: "now right", wrong: "now wrong", still_wrong: "still wrong" };

export function becameWord(became: ChangedImage["became"]): string {
  return BECAME[became];
}

/** The gate's verdict in a sentence: "Passes: accuracy drops 0.50 points (at most 1 allowed)." */
export function gateVerdict(gate: { passed: boolean; accuracy_drop: number; limits: { max_accuracy_drop: number } }): string {
  const drop = gate.accuracy_drop;
  const change =
    drop > 0
      ? `accuracy drops ${drop.toFixed(2)} points`
      : drop < 0
        ? `accuracy rises ${(-drop).toFixed(2)} points`
        : "accuracy does not change";
  return `${gate.passed ? "Passes" : "Fails"}: ${change} (at most ${gate.limits.max_accuracy_drop} allowed).`;
}
