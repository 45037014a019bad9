// A step whose block type the server does not know (or could not describe): drawn from what the
// definition holds, a handle for each of its wires, and editable as JSON in the inspector.

import { Handle, Position } from "@xyflow/react";
import { useState } from "react";
import { useShallow } from "zustand/react/shallow";

import { FLOW_IN } from "../graph";
import { graphFor, definitionOf, layoutOf, useDocument, type FlowNode } from "../store/document";
import { useCatalog } from "../store/catalog";
import { NameField } from "./NameField";

/** Why the block's details are missing: unknown type, or the server's failure. */
export function useUnavailable(typeIdentifier: string) {
  return useCatalog((s) => s.unavailable[typeIdentifier]);
}

export function UnknownHandles({ id, name, typeIdentifier }: { id: string; name: string; typeIdentifier: string }) {
  const unavailable = useUnavailable(typeIdentifier);
  // The flow wire's handle (a Continue If gating this step) is the block node's own, drawn on top.
  const inputs = useDocument(
    useShallow((s) => [...new Set(s.edges.filter((e) => e.target === id && e.targetHandle !== FLOW_IN).map((e) => e.targetHandle ?? ""))]),
  );
  const outputs = useDocument(useShallow((s) => [...new Set(s.edges.filter((e) => e.source === id).map((e) => e.sourceHandle ?? ""))]));
  if (!unavailable) return null;
  return (
    <div className="unknown-block" data-testid={`node-unknown-${name}`}>
      <div className="node-issues errors">{unavailable.unknown ? "This server does not know this block type." : unavailable.reason}</div>
      {inputs.map((handle) => (
        <div className="row" key={`in-${handle}`}>
          <Handle type="target" position={Position.Left} id={handle} data-testid={`handle-in-${name}-${handle}`} />
          {handle}
        </div>
      ))}
      {outputs.map((handle) => (
        <div className="row out" key={`out-${handle}`}>
          {handle}
          <Handle type="source" position={Position.Right} id={handle} data-testid={`handle-out-${name}-${handle}`} />
        </div>
      ))}
    </div>
  );
}

/** The step as its definition holds it (wires as selectors), and the step replaced from edited JSON. */
function stepOf(node: FlowNode): { index: number; step: Record<string, unknown> } {
  const state = useDocument.getState();
  const index = state.nodes.filter((n) => n.data.kind === "block").findIndex((n) => n.id === node.id);
  return { index, step: definitionOf(state).steps[index] };
}

function replaceStep(index: number, step: Record<string, unknown>): void {
  const state = useDocument.getState();
  const definition = definitionOf(state);
  definition.steps[index] = step;
  const graph = graphFor(definition, layoutOf(state));
  const selectedName = String(step.name);
  state.setGraph(() => ({
    nodes: graph.nodes.map((n) => (n.data.kind === "block" && n.data.name === selectedName ? { ...n, selected: true } : n)),
    edges: graph.edges,
  }));
  void useCatalog.getState().ensureDetail(String(step.type));
}

export function UnknownStepSettings({ node }: { node: FlowNode }) {
  const typeIdentifier = node.data.kind === "block" ? node.data.typeIdentifier : "";
  const unavailable = useUnavailable(typeIdentifier);
  const [text, setText] = useState(() => JSON.stringify(stepOf(node).step, null, 2));
  const [error, setError] = useState("");
  const apply = () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      setError(`Not JSON: ${String(e)}`);
      return;
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed) || typeof (parsed as { name?: unknown }).name !== "string") {
      setError('A step is a JSON object with a "type" and a "name".');
      return;
    }
    setError("");
    replaceStep(stepOf(node).index, parsed as Record<string, unknown>);
  };
  return (
    <div>
      <h3>{typeIdentifier}</h3>
      <p className="status-error" data-testid="unknown-block-reason">
        {unavailable?.unknown
          ? `This server does not know the block type ${typeIdentifier}.`
          : `The block could not be loaded: ${unavailable?.reason}`}{" "}
        The step is kept as it is; edit it as JSON.
      </p>
      <NameField node={node} />
      <div className="field">
        <label htmlFor="unknown-step-json">Step as JSON</label>
        <textarea id="unknown-step-json" rows={10} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
        {error && (
          <p className="status-error" role="alert">
            {error}
          </p>
        )}
        <button type="button" onClick={apply}>
          Apply JSON
        </button>
      </div>
    </div>
  );
}
