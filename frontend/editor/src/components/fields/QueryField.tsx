// A query-language property as a structured builder with its JSON beside it; either edits the same
// value, so what one shows the other shows, and the JSON round-trips unchanged.

import { useState } from "react";

import type { PropertyInfo } from "../../api";
import { useCatalog } from "../../store/catalog";
import { useDocument, type FlowNode } from "../../store/document";
import { keyOfHandle } from "../../wiring";
import { ConditionBuilder } from "./ConditionBuilder";
import { OperationsEditor } from "./OperationsEditor";
import { isQuery, type Defs, type Json } from "./query";

interface Props {
  node: FlowNode;
  property: PropertyInfo;
  schema: Record<string, unknown>;
  value: unknown;
  set: (v: unknown) => void;
}

function JsonView({ name, value, set }: { name: string; value: unknown; set: (v: unknown) => void }) {
  const shown = value === undefined ? "" : JSON.stringify(value, null, 2);
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState("");
  return (
    <div className="json-view">
      <label htmlFor={`json-${name}`}>{name} as JSON</label>
      <textarea
        id={`json-${name}`}
        rows={Math.min(16, Math.max(4, (draft ?? shown).split("\n").length))}
        spellCheck={false}
        value={draft ?? shown}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => {
          if (draft === null) return;
          try {
            set(draft.trim() ? JSON.parse(draft) : undefined);
            setDraft(null);
            setError("");
          } catch {
            setError("Not valid JSON yet: the builder keeps the last valid value.");
          }
        }}
      />
      {error && <div className="note">{error}</div>}
    </div>
  );
}

function useParameterNames(node: FlowNode): string[] {
  const text = useDocument((s) =>
    s.edges
      .filter((e) => e.target === node.id && e.targetHandle?.startsWith("evaluation_parameters."))
      .map((e) => keyOfHandle(e.targetHandle ?? ""))
      .join("\n"),
  );
  return text ? text.split("\n") : [];
}

export function QueryField({ node, property, schema, value, set }: Props) {
  const type = node.data.kind === "block" ? node.data.typeIdentifier : "";
  const defs = useCatalog((s) => (s.details[type]?.schema.$defs ?? {}) as Defs);
  const names = useParameterNames(node);
  const kind = isQuery(schema);
  return (
    <div className="query-field">
      <div className="builder" id={`field-${property.name}`} tabIndex={-1}>
        {kind === "condition" ? (
          <ConditionBuilder defs={defs} names={names} value={value as Json | undefined} set={set} />
        ) : (
          <OperationsEditor defs={defs} schema={schema} label="Operation" value={Array.isArray(value) ? (value as Json[]) : []} set={set} />
        )}
      </div>
      <JsonView key={JSON.stringify(value ?? null)} name={property.name} value={value} set={set} />
    </div>
  );
}

QueryField.handles = (schema: Record<string, unknown>) => isQuery(schema) !== null;
