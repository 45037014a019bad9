// The confusion matrix as a heat map that is also a table: rows are the true labels, columns the
// predictions, each cell shaded by its share of the row (green on the diagonal, red off it). A cell is
// a button that lists the images it counts.

import { matrixCells, type ConfusionMatrix as Matrix, type MatrixCell } from "./report";

export type CellChoice = { label: string; prediction: string | null };

const shade = (cell: MatrixCell) =>
  `color-mix(in srgb, var(${cell.correct ? "--success" : "--danger"}) ${Math.round(cell.share * 85)}%, var(--surface))`;

export function ConfusionMatrix({
  confusion,
  chosen,
  onChoose,
}: {
  confusion: Matrix;
  chosen: CellChoice | null;
  onChoose: (cell: CellChoice) => void;
}) {
  const { columns, rows } = matrixCells(confusion);
  return (
    <table className="confusion" data-testid="confusion-matrix">
      <caption>Rows are the true labels, columns what the workflow predicted; a cell lists its images.</caption>
      <thead>
        <tr>
          <th scope="col">true ↓ predicted →</th>
          {columns.map((column) => (
            <th scope="col" key={column ?? ""}>
              {column ?? "none"}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.label}>
            <th scope="row">{row.label}</th>
            {row.cells.map((cell) => (
              <td key={cell.prediction ?? ""} style={{ background: shade(cell) }} className={cell.share > 0.55 ? "strong" : undefined}>
                <button
                  type="button"
                  aria-label={cell.name}
                  aria-pressed={chosen?.label === cell.label && chosen.prediction === cell.prediction}
                  disabled={cell.count === 0}
                  onClick={() => onChoose({ label: cell.label, prediction: cell.prediction })}
                >
                  {cell.count}
                </button>
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
