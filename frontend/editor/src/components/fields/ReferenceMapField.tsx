// A map of names to references (Continue If's `evaluation_parameters`): a row per name, each a "Name"
// field and a "Source" dropdown offered by the kinds rule; every named source is a wire into the
// node's handle `property.name`, so imported maps draw and edit entry by entry, never overwritten.

import { useState } from "react";

import type { PropertyInfo } from "../../api";
import { connect } from "../../actions/editing";
import { uniqueName } from "../../graph";
import { useDocument, type FlowEdge, type FlowNode } from "../../store/document";
import { keyOfHandle, propertyOfHandle } from "../../wiring";
import { sourcesFor, sourceValue, SourceOptions } from "./sources";

function renameEntry(edge: FlowEdge, property: string, name: string) {
  const targetHandle = `${property}.${name}`;
  useDocument.getState().setGraph((g) => ({
    nodes: g.nodes,
    edges: g.edges.map((e) =>
      e.id === edge.id ? { ...e, id: `${e.source}/${e.sourceHandle}->${e.target}/${targetHandle}`, targetHandle } : e,
    ),
  }));
}

function removeEntry(edge: FlowEdge) {
  useDocument.getState().setGraph((g) => ({ nodes: g.nodes, edges: g.edges.filter((e) => e.id !== edge.id) }));
}

function EntryRow({
  node,
  property,
  edge,
  name,
  taken,
  onPick,
}: {
  node: FlowNode;
  property: PropertyInfo;
  edge?: FlowEdge;
  name: string;
  taken: string[];
  onPick?: (name: string) => void;
}) {
  const nodes = useDocument((s) => s.nodes);
  const [draft, setDraft] = useState(name);
  const sources = sourcesFor(node, property, nodes);
  const commitName = () => {
    const wanted = draft.trim().replace(/[^A-Za-z0-9_]+/g, "_");
    if (!wanted || wanted === name) return setDraft(name);
    const fresh = uniqueName(
      wanted,
      taken.filter((t) => t !== name),
    );
    setDraft(fresh);
    if (edge) renameEntry(edge, property.name, fresh);
    else onPick?.(fresh);
  };
  return (
    <div className="map-row" role="group" aria-label={`${property.name} ${name}`}>
      <input
        aria-label="Name"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commitName}
        onKeyDown={(e) => e.key === "Enter" && commitName()}
      />
      <select
        aria-label="Source"
        value={edge ? sourceValue(edge.source, edge.sourceHandle ?? "") : ""}
        onChange={(e) => {
          const chosen = sources.find((s) => s.value === e.target.value);
          const key = draft.trim() || name;
          if (chosen)
            connect({ source: chosen.node, sourceHandle: chosen.handle, target: node.id, targetHandle: `${property.name}.${key}` });
          if (chosen && !edge) onPick?.("");
        }}
      >
        <option value="">choose a source</option>
        <SourceOptions sources={sources} />
      </select>
      {edge && (
        <button type="button" className="icon-button" aria-label={`Remove ${name}`} onClick={() => removeEntry(edge)}>
          ×
        </button>
      )}
    </div>
  );
}

export function ReferenceMapField({ node, property }: { node: FlowNode; property: PropertyInfo }) {
  const edges = useDocument((s) => s.edges);
  const entries = edges.filter(
    (e) => e.target === node.id && propertyOfHandle(e.targetHandle) === property.name && keyOfHandle(e.targetHandle ?? ""),
  );
  const taken = entries.map((e) => keyOfHandle(e.targetHandle ?? "") ?? "");
  const [pending, setPending] = useState<string | null>(null);
  return (
    <div className="map-field">
      {entries.map((edge) => {
        const name = keyOfHandle(edge.targetHandle ?? "") ?? "";
        return <EntryRow key={edge.id} node={node} property={property} edge={edge} name={name} taken={taken} />;
      })}
      {pending !== null && (
        <EntryRow
          key={`new-${pending}`}
          node={node}
          property={property}
          name={pending}
          taken={taken}
          onPick={(n) => setPending(n || null)}
        />
      )}
      <button
        type="button"
        onClick={() => setPending(uniqueName(taken.length === 0 ? "left" : "value", [...taken]))}
        disabled={pending !== null}
      >
        Add
      </button>
    </div>
  );
}
