// A finished evaluation's report: accuracy with its interval, the confusion matrix whose cells list
// their images, per-class bars, the reliability diagram, the misclassified images and a comparison.

import { useState } from "react";

import { ClassBars, ReliabilityDiagram } from "./Charts";
import { Compare } from "./Compare";
import { ConfusionMatrix, type CellChoice } from "./ConfusionMatrix";
import type { Evaluation } from "./evaluationApi";
import { ImageList } from "./ImageList";
import { percent, type Metrics } from "./report";

function Headline({ metrics }: { metrics: Metrics }) {
  const { accuracy } = metrics;
  const topK = Object.entries(metrics.top_k_accuracy);
  return (
    <dl className="evaluation-headline">
      <dt>Accuracy</dt>
      <dd data-testid="report-accuracy">
        {percent(accuracy.value)} ({metrics.correct} of {metrics.images}; {percent(accuracy.confidence_level, 0)} interval{" "}
        {percent(accuracy.low)}–{percent(accuracy.high)})
      </dd>
      <dt>Macro F1</dt>
      <dd>{percent(metrics.macro_avg.f1)}</dd>
      <dt>Weighted F1</dt>
      <dd>{percent(metrics.weighted_avg.f1)}</dd>
      {topK.map(([k, value]) => (
        <div key={k}>
          <dt>Top-{k} accuracy</dt>
          <dd>{percent(value)}</dd>
        </div>
      ))}
      {metrics.failed > 0 && (
        <>
          <dt>Failed images</dt>
          <dd>{metrics.failed}</dd>
        </>
      )}
    </dl>
  );
}

const cellTitle = (cell: CellChoice) =>
  cell.prediction === null ? `${cell.label} images with no prediction` : `${cell.label} images predicted ${cell.prediction}`;

export function Report({ evaluation, metrics }: { evaluation: Evaluation; metrics: Metrics }) {
  const [cell, setCell] = useState<CellChoice | null>(null);
  return (
    <div className="evaluation-report" data-testid="evaluation-report">
      <Headline metrics={metrics} />
      <section aria-label="Confusion matrix">
        <h4>Confusion matrix</h4>
        <ConfusionMatrix confusion={metrics.confusion_matrix} chosen={cell} onChoose={setCell} />
        {cell && (
          <section aria-label={cellTitle(cell)}>
            <h5>{cellTitle(cell)}</h5>
            <ImageList
              evaluation={evaluation.id}
              filter={{ label: cell.label, prediction: cell.prediction ?? "" }}
              title={cellTitle(cell)}
              testid="cell-images"
            />
          </section>
        )}
      </section>
      <section aria-label="Per class">
        <h4>Per class</h4>
        <ClassBars perClass={metrics.per_class} />
      </section>
      <section aria-label="Reliability">
        <h4>Reliability</h4>
        <ReliabilityDiagram calibration={metrics.calibration} />
      </section>
      <section aria-label="Misclassified images">
        <h4>Misclassified images</h4>
        <ImageList evaluation={evaluation.id} filter={{ outcome: "wrong" }} title="Misclassified images" testid="misclassified" />
      </section>
      <section aria-label="Compare">
        <h4>Compare</h4>
        <Compare evaluation={evaluation} />
      </section>
      <a href={`/api/v1/evaluations/${evaluation.id}/predictions.csv`} download>
        predictions.csv
      </a>
    </div>
  );
}
