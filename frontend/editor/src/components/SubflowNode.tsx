// A subflow on the canvas (an inner workflow step): its child's inputs and outputs as ports with their
// kinds, a double-click opens the child, and a child by reference that has a newer revision than the
// one pinned shows the upgrade badge.

import { useQuery } from "@tanstack/react-query";
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo, useEffect } from "react";

import { api } from "../api";
import { childKey, childOf, reference, kindsOf, useChildren } from "../actions/subflows";
import { FLOW_IN } from "../graph";
import { useNodeIssues } from "../hooks/useNodeIssues";
import { childPorts } from "../subflows";
import { useDocument, type FlowNode } from "../store/document";
import { useUi } from "../store/ui";
import { CategoryIcon } from "./icons";
import { Messages, RunBadge } from "./nodes";

const BINDINGS = "parameter_bindings";

/** The revision a saved parent pinned for this step's child (its lockfile), when it has one. */
function usePinned(step: string, explicit: number | null): number | null {
  const { id, revision } = useDocument((s) => s.meta);
  const saved = useQuery({
    queryKey: ["workflows", id, "revisions", revision, "lockfile"],
    queryFn: () => api.revision(id!, revision!),
    enabled: explicit === null && id !== null && revision !== null,
    staleTime: Infinity,
  });
  if (explicit !== null) return explicit;
  const entry = (saved.data?.lockfile as Record<string, { workflow?: { revision?: unknown } }> | undefined)?.[step];
  return typeof entry?.workflow?.revision === "number" ? entry.workflow.revision : null;
}

function ReferenceUpgradeBadge({ step, id, version }: { step: string; id: number; version: number | null }) {
  const current = useChildren((s) => s.known[childKey(id, null)]);
  const pinned = usePinned(step, version);
  if (!current || current === "missing" || pinned === null || current.revision <= pinned) return null;
  return (
    <button
      type="button"
      className="upgrade-badge nodrag"
      data-testid={`node-upgrade-${step}`}
      title={`Workflow ${id} has a newer revision than the one this step uses (${pinned}).`}
      onClick={() => useUi.getState().show({ type: "subflowUpgrade", step, workflow: id, from: pinned, to: current.revision })}
    >
      revision {current.revision} available
    </button>
  );
}

export const SubflowNode = memo(function SubflowNode({ id, data, selected }: NodeProps<FlowNode>) {
  const { errors, warnings } = useNodeIssues(id);
  const known = useChildren((s) => s.known);
  const literals = data.kind === "block" ? data.literals : {};
  const ref = reference(literals);
  const refId = ref?.id ?? null;
  const refVersion = ref?.version ?? null;
  useEffect(() => {
    if (refId === null) return;
    void useChildren.getState().fetch(refId, refVersion);
    void useChildren.getState().fetch(refId, null);
  }, [refId, refVersion]);
  // Bindings wired to names the child does not have still get a handle, so their wires draw.
  const bound = useDocument((s) =>
    s.edges
      .filter((e) => e.target === id && e.targetHandle?.startsWith(`${BINDINGS}.`))
      .map((e) => e.targetHandle!.slice(BINDINGS.length + 1))
      .join("\n"),
  );
  if (data.kind !== "block") return null;
  const child = childOf(data, known);
  const ports = child ? childPorts(child, kindsOf) : { inputs: [], outputs: [] };
  const strays = (bound ? bound.split("\n") : []).filter((name) => !ports.inputs.some((p) => p.name === name));
  const source = ref ? `workflow ${ref.id}${ref.version === null ? "" : ` revision ${ref.version}`}` : "inline";
  return (
    <div
      className={`node block subflow cat-flow_control${errors.length ? " has-errors" : warnings.length ? " has-warnings" : ""}${selected ? " selected" : ""}`}
      data-testid={`node-${data.name}`}
      title="Double-click to open the subflow"
    >
      <header>
        <CategoryIcon category="flow_control" /> <span className="title">Subflow</span>{" "}
        <small data-testid={`subflow-source-${data.name}`}>{source}</small>
        {ref && <ReferenceUpgradeBadge step={data.name} id={ref.id} version={ref.version} />}
        <div className="step-name">{data.name}</div>
      </header>
      <Handle type="target" position={Position.Top} id={FLOW_IN} className="flow-in" data-testid={`handle-flow-${data.name}`} />
      {ref && !child && (
        <div className="row">{known[childKey(ref.id, ref.version)] === "missing" ? "child not found" : "loading the child…"}</div>
      )}
      {[...ports.inputs, ...strays.map((name) => ({ name, kinds: [] as string[] }))].map((p) => (
        <div className="row" key={`in-${p.name}`} data-testid={`subflow-input-${data.name}-${p.name}`}>
          <Handle type="target" position={Position.Left} id={`${BINDINGS}.${p.name}`} data-testid={`handle-in-${data.name}-${p.name}`} />
          {p.name} <span className="kinds">{p.kinds.join(" | ")}</span>
        </div>
      ))}
      {ports.outputs.map((o) => (
        <div className="row out" key={`out-${o.name}`} data-testid={`subflow-output-${data.name}-${o.name}`}>
          {o.name} <span className="kinds">{o.kinds.join(" | ")}</span>
          <Handle type="source" position={Position.Right} id={o.name} data-testid={`handle-out-${data.name}-${o.name}`} />
        </div>
      ))}
      <Messages errors={errors} warnings={warnings} name={data.name} />
      <RunBadge name={data.name} />
    </div>
  );
});
