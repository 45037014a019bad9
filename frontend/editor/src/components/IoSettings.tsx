// Settings of a workflow input (name, kind, default value) and of a workflow output (name, the step
// output it reports, its coordinates system).

import { useMemo, useState } from "react";

import { connect, deleteEdge } from "../actions/editing";
import type { NodeData } from "../graph";
import { useCatalog } from "../store/catalog";
import { useDocument, type FlowNode } from "../store/document";
import { NameField } from "./NameField";

/** A typed default: numbers and true/false as such, JSON when it parses, text otherwise. */
export function parseLiteral(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return text;
  }
}

function update(node: FlowNode, change: (data: NodeData) => NodeData, key?: string) {
  useDocument.getState().updateData(node.id, change, key);
}

export function InputSettings({ node }: { node: FlowNode }) {
  const table = useCatalog((s) => s.kinds);
  const kinds = useMemo(() => Object.keys(table).sort(), [table]);
  const data = node.data;
  const [draft, setDraft] = useState(data.kind === "input" && data.defaultValue !== undefined ? JSON.stringify(data.defaultValue) : "");
  if (data.kind !== "input") return null;
  const parameter = data.inputType === "WorkflowParameter";
  return (
    <div>
      <h3>{parameter ? "Parameter" : "Image input"}</h3>
      <NameField node={node} />
      {parameter && (
        <>
          <div className="field">
            <label htmlFor="field-kind">kind</label>
            <select
              id="field-kind"
              value={data.kinds?.[0] ?? "*"}
              onChange={(e) =>
                update(node, (d) => (d.kind === "input" ? { ...d, kinds: e.target.value === "*" ? undefined : [e.target.value] } : d))
              }
            >
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {k === "*" ? "* (any value)" : k}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="field-default_value">default_value</label>
            <input
              id="field-default_value"
              value={draft}
              onChange={(e) => {
                setDraft(e.target.value);
                const value = parseLiteral(e.target.value);
                update(node, (d) => (d.kind === "input" ? { ...d, defaultValue: value } : d), `${node.id}/default`);
              }}
            />
          </div>
        </>
      )}
    </div>
  );
}

export function OutputSettings({ node }: { node: FlowNode }) {
  const nodes = useDocument((s) => s.nodes);
  const edge = useDocument((s) => s.edges.find((e) => e.target === node.id));
  const details = useCatalog((s) => s.details);
  const data = node.data;
  if (data.kind !== "output") return null;
  const sources: Array<{ value: string; label: string; node: string; handle: string }> = [];
  for (const n of nodes) {
    if (n.data.kind === "input") sources.push({ value: `${n.id}\nvalue`, label: `$inputs.${n.data.name}`, node: n.id, handle: "value" });
    if (n.data.kind === "block") {
      const name = n.data.name;
      for (const handle of [...(details[n.data.typeIdentifier]?.outputs.map((o) => o.name) ?? []), "*"]) {
        sources.push({ value: `${n.id}\n${handle}`, label: `$steps.${name}.${handle}`, node: n.id, handle });
      }
    }
  }
  return (
    <div>
      <h3>Output</h3>
      <NameField node={node} />
      <div className="field">
        <label htmlFor="field-selector">selector</label>
        <select
          id="field-selector"
          value={edge ? `${edge.source}\n${edge.sourceHandle}` : ""}
          onChange={(e) => {
            if (edge) deleteEdge(edge.id);
            const chosen = sources.find((s) => s.value === e.target.value);
            if (chosen) connect({ source: chosen.node, sourceHandle: chosen.handle, target: node.id, targetHandle: "value" });
          }}
        >
          <option value="">not connected</option>
          {sources.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="field-coordinates_system">coordinates_system</label>
        <select
          id="field-coordinates_system"
          value={data.coordinatesSystem ?? "own"}
          onChange={(e) => update(node, (d) => (d.kind === "output" ? { ...d, coordinatesSystem: e.target.value as "own" | "parent" } : d))}
        >
          <option value="own">own</option>
          <option value="parent">parent</option>
        </select>
      </div>
    </div>
  );
}
