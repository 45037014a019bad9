// Images of an evaluation with their thumbnails, label and prediction: those of a confusion-matrix
// cell, or the misclassified ones. The server filters them (items API) and draws the thumbnails.

import { useQuery } from "@tanstack/react-query";

import { reason } from "../../server/client";
import { evaluationApi, evaluationKeys, type ItemQuery } from "./evaluationApi";
import { percent } from "./report";

const THUMBNAIL_PX = 96;

export function ImageList({ evaluation, filter, title, testid }: { evaluation: number; filter: ItemQuery; title: string; testid: string }) {
  const items = useQuery({ queryKey: evaluationKeys.items(evaluation, filter), queryFn: () => evaluationApi.items(evaluation, filter) });
  if (items.isError)
    return (
      <p className="status-error" role="alert">
        Could not list the images: {reason(items.error)}
      </p>
    );
  if (!items.data) return <p>Listing the images…</p>;
  const { count, results } = items.data;
  return (
    <div data-testid={testid}>
      <p data-testid={`${testid}-count`}>
        {count === 0
          ? "No images."
          : `${count} image${count === 1 ? "" : "s"}${count > results.length ? `, the first ${results.length} shown` : ""}.`}
      </p>
      <ul className="evaluation-images" aria-label={title}>
        {results.map((item) => (
          <li key={item.index}>
            <img src={`${item.image}?size=${THUMBNAIL_PX * 2}`} alt={item.file} width={THUMBNAIL_PX} height={THUMBNAIL_PX} loading="lazy" />
            <span className="file" title={item.file}>
              {item.file}
            </span>
            <span>
              {item.label} → {item.prediction ?? (item.error ? `failed (${item.error})` : "none")}
              {item.confidence !== null && ` (${percent(item.confidence, 0)})`}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
