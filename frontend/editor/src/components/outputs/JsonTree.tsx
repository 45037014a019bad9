// A JSON value as a tree: objects and lists fold open (the first two levels open), images inline as
// their thumbnail and size.

import { isImage } from "./summary";

function Leaf({ value }: { value: unknown }) {
  const kind = value === null ? "null" : typeof value;
  return <span className={`json-${kind}`}>{typeof value === "string" ? `"${value}"` : String(value)}</span>;
}

export function JsonTree({ value, label, depth = 0 }: { value: unknown; label?: string; depth?: number }) {
  const name = label !== undefined ? <span className="json-key">{label}: </span> : null;
  if (isImage(value)) {
    return (
      <div className="json-row json-image">
        {name}
        {value.thumbnail && <img src={value.thumbnail} alt={`${label ?? "image"} thumbnail`} />}
        <span className="json-size">
          {value.width}×{value.height}
        </span>
      </div>
    );
  }
  if (value && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    return (
      <details className="json-node" open={depth < 2}>
        <summary>
          {name}
          <span className="json-count">{Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`}</span>
        </summary>
        <div className="json-children">
          {entries.map(([k, v]) => (
            <JsonTree key={k} label={k} value={v} depth={depth + 1} />
          ))}
        </div>
      </details>
    );
  }
  return (
    <div className="json-row">
      {name}
      <Leaf value={value} />
    </div>
  );
}
