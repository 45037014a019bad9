// The side panel's editor for the selected node: a step's name, version and properties, or an
// input's or output's settings.

import { useState } from "react";

import { useCatalog } from "../store/catalog";
import { useDocument, type FlowNode } from "../store/document";
import { useUi } from "../store/ui";
import { nodeForPointer, type GraphNode } from "../graph";
import { switchVersion } from "../versionSwitch";
import { InputSettings, OutputSettings } from "./IoSettings";
import { NameField } from "./NameField";
import { StepOutput } from "./outputs/StepOutput";
import { PropertyField } from "./PropertyField";
import { UnknownStepSettings, useUnavailable } from "./UnknownBlock";

function StepSettings({ node }: { node: FlowNode }) {
  const typeIdentifier = node.data.kind === "block" ? node.data.typeIdentifier : "";
  const detail = useCatalog((s) => s.details[typeIdentifier]);
  const [changes, setChanges] = useState<string | null>(null);
  const errors = useUi((s) => s.validation.errors);
  const unavailable = useUnavailable(typeIdentifier);
  if (!detail && unavailable) return <UnknownStepSettings node={node} />;
  if (node.data.kind !== "block" || !detail) return <p>Loading the block…</p>;
  const nodes = useDocument.getState().nodes as unknown as GraphNode[];
  const errorFor = (name: string) =>
    errors.find((i) => i.property === name && nodeForPointer(i.pointer, nodes)?.nodeId === node.id)?.message;
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
            void switchVersion(node.data.name, e.target.value).then(
              (said) => {
                setChanges(said);
                useUi.getState().say(`${node.data.name}: ${said}`, "info");
              },
              (error: unknown) => useUi.getState().say(`Could not switch the version: ${String(error)}`, "error"),
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
        {changes && (
          <div className="note" data-testid="version-changes">
            {changes}
          </div>
        )}
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
