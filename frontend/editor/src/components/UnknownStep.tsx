// A step whose block type this server does not know: drawn from what the definition holds (a handle
// for every wire it has) and editable as JSON, so nothing of it is lost.

import { Handle, Position } from "@xyflow/react";

import { FLOW_IN } from "../graph";
import { useDocument, type FlowNode } from "../store/document";
import { JsonText } from "./fields/JsonText";
import { NameField } from "./NameField";

export function UnknownHandles({ id }: { id: string }) {
  const text = useDocument((s) =>
    JSON.stringify([
      [...new Set(s.edges.filter((e) => e.target === id).map((e) => e.targetHandle ?? ""))],
      [...new Set(s.edges.filter((e) => e.source === id).map((e) => e.sourceHandle ?? ""))],
    ]),
  );
  const [inputs, outputs] = JSON.parse(text) as [string[], string[]];
  return (
    <>
      {inputs.map((h) => (
        <div className="row" key={`in-${h}`}>
          <Handle type="target" position={h === FLOW_IN ? Position.Top : Position.Left} id={h} />
          {h === FLOW_IN ? "" : h}
        </div>
      ))}
      {outputs.map((h) => (
        <div className="row out" key={`out-${h}`}>
          {h}
          <Handle type="source" position={Position.Right} id={h} />
        </div>
      ))}
    </>
  );
}

export function UnknownStepSettings({ node }: { node: FlowNode }) {
  const data = node.data;
  if (data.kind !== "block") return null;
  return (
    <div>
      <h3>{data.typeIdentifier}</h3>
      <p className="note" data-testid="unknown-block">
        This server does not know this block type: its fields are kept as they are and can be edited as JSON (wires stay on the canvas).
      </p>
      <NameField node={node} />
      <div className="field">
        <label htmlFor="field-json">Fields as JSON</label>
        <JsonText
          id="field-json"
          value={data.literals}
          empty={{}}
          set={(literals) => useDocument.getState().updateData(node.id, (d) => (d.kind === "block" ? { ...d, literals: literals as Record<string, unknown> } : d))}
        />
      </div>
    </div>
  );
}
