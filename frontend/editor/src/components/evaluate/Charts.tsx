// The per-class bars (precision, recall, F1) and the reliability diagram, each readable as a table.

import { classBars, percent, reliabilityBars, type CalibrationBin, type ClassScores } from "./report";

const TICKS = [0, 0.5, 1];
const METRIC_NAMES = { precision: "Precision", recall: "Recall", f1: "F1" } as const;

export function ClassBars({ perClass }: { perClass: Record<string, ClassScores> }) {
  return (
    <table className="class-bars" data-testid="class-bars">
      <caption className="quiet-caption">Per class</caption>
      <thead>
        <tr>
          <th scope="col">Class</th>
          {Object.values(METRIC_NAMES).map((name) => (
            <th scope="col" key={name}>
              {name}
            </th>
          ))}
          <th scope="col">Images</th>
        </tr>
      </thead>
      <tbody>
        {classBars(perClass).map(({ label, support, bars }) => (
          <tr key={label} data-testid={`class-bars-${label}`}>
            <th scope="row">{label}</th>
            {bars.map(({ metric, value }) => (
              <td key={metric}>
                <span className={`meter meter-${metric}`} style={{ width: `${Math.round(value * 100)}%` }} aria-hidden="true" />
                <span className="meter-value">{percent(value)}</span>
              </td>
            ))}
            <td>{support}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Bars of each confidence bin's accuracy against the diagonal a perfectly calibrated model follows. */
export function ReliabilityDiagram({ calibration }: { calibration: { ece: number | null; bins: CalibrationBin[] } }) {
  const bars = reliabilityBars(calibration.bins);
  if (!bars.length) return <p>No confidences to judge.</p>;
  const summary = `Expected calibration error ${calibration.ece === null ? "unknown" : percent(calibration.ece)}`;
  return (
    <figure className="reliability" data-testid="reliability">
      <svg viewBox="-14 -4 118 118" role="img" aria-labelledby="reliability-title">
        <title id="reliability-title">Reliability diagram: accuracy per confidence bin. {summary}.</title>
        <rect x="0" y="0" width="100" height="100" className="frame" />
        {bars.map((bar) => (
          <rect
            key={bar.low}
            data-testid={`reliability-bar-${bar.low}`}
            className={bar.gap < 0 ? "over" : "under"}
            x={bar.low * 100}
            width={(bar.high - bar.low) * 100}
            y={100 - bar.accuracy * 100}
            height={bar.accuracy * 100}
          >
            <title>{`${percent(bar.low, 0)}–${percent(bar.high, 0)} confident: ${percent(bar.accuracy)} right of ${bar.count}`}</title>
          </rect>
        ))}
        <line x1="0" y1="100" x2="100" y2="0" className="diagonal" />
        {TICKS.map((t) => (
          <g key={t} className="ticks">
            <text x={t * 100} y="105" textAnchor="middle">
              {t}
            </text>
            <text x="-2" y={101 - t * 100} textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        <text x="50" y="111" textAnchor="middle">
          confidence
        </text>
        <text x="-8" y="50" textAnchor="middle" transform="rotate(-90 -8 50)">
          accuracy
        </text>
      </svg>
      <figcaption data-testid="reliability-ece">{summary}.</figcaption>
      <details>
        <summary>Reliability table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Confidence</th>
              <th scope="col">Images</th>
              <th scope="col">Mean confidence</th>
              <th scope="col">Accuracy</th>
            </tr>
          </thead>
          <tbody>
            {bars.map((bar) => (
              <tr key={bar.low}>
                <th scope="row">
                  {percent(bar.low, 0)}–{percent(bar.high, 0)}
                </th>
                <td>{bar.count}</td>
                <td>{percent(bar.confidence)}</td>
                <td>{percent(bar.accuracy)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
