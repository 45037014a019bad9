// A list of operations (Property Definition's `operations`, an operand's `operations`): each a type
// offered from the schema and its own fields; unknown fields are kept as they are.

import type { Defs, Json } from "./query";
import { operationFields, operationTypes } from "./query";

function FieldValue({ label, schema, value, set }: { label: string; schema: Json; value: unknown; set: (v: unknown) => void }) {
  if (Array.isArray(schema.enum)) {
    return (
      <select aria-label={label} value={String(value ?? "")} onChange={(e) => set(e.target.value)}>
        <option value="">choose…</option>
        {(schema.enum as unknown[]).map((o) => (
          <option key={String(o)}>{String(o)}</option>
        ))}
      </select>
    );
  }
  const text = value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  return (
    <input
      aria-label={label}
      defaultValue={text}
      onBlur={(e) => {
        const raw = e.target.value;
        if (schema.type === "string") return set(raw);
        try {
          set(JSON.parse(raw));
        } catch {
          set(raw);
        }
      }}
    />
  );
}

export function OperationsEditor({
  defs,
  value,
  set,
  label,
  schema,
}: {
  defs: Defs;
  value: Json[];
  set: (v: Json[]) => void;
  label: string;
  schema?: Json;
}) {
  const types = operationTypes(defs, schema);
  const change = (index: number, next: Json | null) =>
    set(next === null ? value.filter((_, i) => i !== index) : value.map((op, i) => (i === index ? next : op)));
  return (
    <div className="operations" role="group" aria-label={label}>
      {value.map((op, index) => (
        <div className="operation" key={index}>
          <select
            aria-label={`${label} ${index + 1}`}
            value={String(op.type ?? "")}
            onChange={(e) => change(index, { type: e.target.value })}
          >
            {types.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
          {operationFields(defs, String(op.type), schema).map(([name, schema]) => (
            <FieldValue
              key={`${index}-${String(op.type)}-${name}`}
              label={name}
              schema={schema}
              value={op[name]}
              set={(v) => change(index, { ...op, [name]: v })}
            />
          ))}
          <button type="button" className="icon-button" aria-label={`Remove ${label} ${index + 1}`} onClick={() => change(index, null)}>
            ×
          </button>
        </div>
      ))}
      <button type="button" onClick={() => set([...value, { type: types[0] }])}>
        Add operation
      </button>
    </div>
  );
}
