// Two sets of answers on the same images side by side: their summaries and the change, whether the
// difference is significant (McNemar's test), and every image whose prediction changed.

import { becameWord, percent, points, significanceText, type Comparison, type SideSummary } from "./report";

const ROWS: Array<{ name: string; value: (s: SideSummary) => string; delta?: keyof NonNullable<Comparison["deltas"]> }> = [
  { name: "Images", value: (s) => String(s.images) },
  { name: "Correct", value: (s) => String(s.correct) },
  { name: "Accuracy", value: (s) => percent(s.accuracy), delta: "accuracy" },
  { name: "Macro F1", value: (s) => percent(s.macro_f1), delta: "macro_f1" },
  { name: "Weighted F1", value: (s) => percent(s.weighted_f1), delta: "weighted_f1" },
];

export function ComparisonView({ comparison, sides }: { comparison: Comparison; sides: [string, string] }) {
  const { a, b } = comparison.summary;
  const deltas = comparison.deltas;
  return (
    <div className="comparison" data-testid="comparison">
      <table className="side-by-side" data-testid="comparison-summary">
        <caption>Side by side</caption>
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">{sides[0]}</th>
            <th scope="col">{sides[1]}</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {ROWS.map((row) => (
            <tr key={row.name}>
              <th scope="row">{row.name}</th>
              <td>{a ? row.value(a) : "–"}</td>
              <td>{b ? row.value(b) : "–"}</td>
              <td>{row.delta && deltas ? points(deltas[row.delta] as number) : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p data-testid="comparison-significance" className={comparison.significance.significant ? "significant" : undefined}>
        {significanceText(comparison.significance)}
      </p>
      {comparison.changed.length === 0 ? (
        <p data-testid="comparison-changed-count">No image changed its prediction.</p>
      ) : (
        <table className="changed" data-testid="comparison-changed">
          <caption data-testid="comparison-changed-count">
            {comparison.changed.length} image{comparison.changed.length === 1 ? "" : "s"} changed
          </caption>
          <thead>
            <tr>
              <th scope="col">Image</th>
              <th scope="col">Label</th>
              <th scope="col">{sides[0]}</th>
              <th scope="col">{sides[1]}</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {comparison.changed.map((change, i) => (
              <tr key={i} className={`became-${change.became}`}>
                <th scope="row">{change.file}</th>
                <td>{change.label}</td>
                <td>{change.from ?? "none"}</td>
                <td>{change.to ?? "none"}</td>
                <td>{becameWord(change.became)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
