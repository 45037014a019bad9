// The side panel's editor for the selected node: a step's name, version and properties, or an
// input's or output's settings.

import { useState } from "react";

import type { BlockDetail } from "../api";
import { useCatalog } from "../store/catalog";
import { useDocument, type FlowNode } from "../store/document";
import { useUi } from "../store/ui";
import { nodeForPointer, type GraphNode } from "../graph";
import { InputSettings, OutputSettings } from "./IoSettings";
import { NameField } from "./NameField";
import { StepOutput } from "./outputs/StepOutput";
import { PropertyField } from "./PropertyField";

function changedFields(from: BlockDetail | undefined, to: BlockDetail | undefined): string {
  if (!from || !to || from.type_identifier === to.type_identifier) return "";
  const before = new Set(from.properties.map((p) => p.name));
  const after = new Set(to.properties.map((p) => p.name));
  const added = [...after].filter((p) => !before.has(p));
  const removed = [...before].filter((p) => !after.has(p));
  const parts = [added.length ? `adds ${added.join(", ")}` : "", removed.length ? `removes ${removed.join(", ")}` : ""].filter(Boolean);
  return `${to.version} ${parts.length ? parts.join("; ") : "has the same fields"} (from ${from.version}).`;
}

function StepSettings({ node }: { node: FlowNode }) {
  const typeIdentifier = node.data.kind === "block" ? node.data.typeIdentifier : "";
  const detail = useCatalog((s) => s.details[typeIdentifier]);
  const details = useCatalog((s) => s.details);
  const [previous, setPrevious] = useState<string | null>(null);
  const errors = useUi((s) => s.validation.errors);
  if (node.data.kind !== "block" || !detail) return <p>Loading the block…</p>;
  const nodes = useDocument.getState().nodes as unknown as GraphNode[];
  const errorFor = (name: string) => errors.find((i) => i.property === name && nodeForPointer(i.pointer, nodes)?.nodeId === node.id)?.message;
  const schemaProps = (detail.schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  return (
    <div>
      <h3>{detail.human_name}</h3>
      <NameField node={node} />
      <StepOutput name={node.data.name} />
      <div className="field">
        <label htmlFor="field-version">Version</label>
        <select
          id="field-version"
          data-testid="version-select"
          value={typeIdentifier}
          onChange={(e) => {
            const next = e.target.value;
            setPrevious(typeIdentifier);
            void useCatalog.getState().ensureDetail(next).then(() =>
              useDocument.getState().updateData(node.id, (d) => (d.kind === "block" ? { ...d, typeIdentifier: next } : d)),
            );
          }}
        >
          {detail.versions.map((v) => (
            <option key={v.type_identifier} value={v.type_identifier}>
              {v.version || v.type_identifier}
              {v.is_default ? " (default)" : ""}
              {v.state !== "published" ? ` (${v.state})` : ""}
            </option>
          ))}
        </select>
        {previous && <div className="note" data-testid="version-changes">{changedFields(details[previous], detail)}</div>}
      </div>
      {detail.properties
        .filter((p) => p.name !== "name" && p.name !== "type" && (p.accepts_literals || p.takes_reference || p.takes_step_selector))
        .map((p) => (
          <PropertyField key={p.name} node={node} property={p} schema={schemaProps[p.name] ?? {}} error={errorFor(p.name)} />
        ))}
      <a href={detail.docs_url} target="_blank" rel="noreferrer">
        Documentation of this block
      </a>
    </div>
  );
}

export function Inspector() {
  const selected = useDocument((s) => {
    const chosen = s.nodes.filter((n) => n.selected);
    return chosen.length === 1 ? chosen[0] : chosen.length;
  });
  if (typeof selected === "number") {
    return <p className="hint">{selected ? `${selected} nodes selected.` : "Select a node to edit it."}</p>;
  }
  if (selected.data.kind === "block") return <StepSettings key={selected.id} node={selected} />;
  if (selected.data.kind === "input") return <InputSettings key={selected.id} node={selected} />;
  return <OutputSettings key={selected.id} node={selected} />;
}
