// A list of steps a flow-control step gates (`next_steps`): each is a wire from this step's handle to
// the gated step's flow handle; here they are listed, removable, and added from a dropdown.

import type { PropertyInfo } from "../../api";
import { connect } from "../../actions/editing";
import { FLOW_IN } from "../../graph";
import { useDocument, type FlowNode } from "../../store/document";

export function StepListField({ node, property }: { node: FlowNode; property: PropertyInfo }) {
  const nodes = useDocument((s) => s.nodes);
  const edges = useDocument((s) => s.edges);
  const gated = edges.filter((e) => e.source === node.id && e.sourceHandle === property.name && e.targetHandle === FLOW_IN);
  const nameOf = (id: string) => nodes.find((n) => n.id === id)?.data.name ?? id;
  const candidates = nodes.filter((n) => n.data.kind === "block" && n.id !== node.id && !gated.some((e) => e.target === n.id));
  return (
    <div className="step-list">
      <ul aria-label={`${property.name} list`}>
        {gated.map((edge) => (
          <li key={edge.id}>
            <span>{nameOf(edge.target)}</span>
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove ${nameOf(edge.target)}`}
              onClick={() => useDocument.getState().setGraph((g) => ({ nodes: g.nodes, edges: g.edges.filter((e) => e.id !== edge.id) }))}
            >
              ×
            </button>
          </li>
        ))}
        {gated.length === 0 && <li className="hint">No steps yet: draw a wire from the node's {property.name} handle, or add one here.</li>}
      </ul>
      <select
        id={`field-${property.name}`}
        aria-label={property.name}
        value=""
        onChange={(e) =>
          e.target.value && connect({ source: node.id, sourceHandle: property.name, target: e.target.value, targetHandle: FLOW_IN })
        }
      >
        <option value="">add a step…</option>
        {candidates.map((n) => (
          <option key={n.id} value={n.id}>
            {n.data.name}
          </option>
        ))}
      </select>
    </div>
  );
}
