// Two revisions compared on the canvas: their graphs as one, steps and wires marked added, removed or
// changed, with a legend and the changes in words. A read-only view over the canvas (its own React Flow
// store), so the open document, its selection and its viewport stay as they were; Escape leaves it.

import { Background, Controls, ReactFlow, ReactFlowProvider } from "@xyflow/react";
import { useEffect } from "react";
import { create } from "zustand";

import { api } from "../api";
import { describeChanges } from "../diff";
import type { Definition } from "../graph";
import { autoLayout } from "../layout";
import { diffGraphs, type DiffGraph } from "../revisionDiff";
import { reason } from "../server/client";
import { graphFor, useDocument, type FlowEdge, type FlowNode } from "../store/document";
import { useUi } from "../store/ui";
import { nodeTypes } from "./nodes";

interface Comparison extends DiffGraph<FlowNode, FlowEdge> {
  from: number;
  to: number;
  changes: string[];
}

export const useRevisionDiff = create<{ shown: Comparison | null }>()(() => ({ shown: null }));

export const leaveRevisionDiff = () => useRevisionDiff.setState({ shown: null });

/** The nodes with the sizes the open document's nodes have on screen (those it lacks, a removed step
 * say, as large as its largest node of their type), so the layout leaves room for each. */
function withSizes(nodes: FlowNode[]): FlowNode[] {
  const shown = useDocument.getState().nodes.filter((n) => n.measured?.width && n.measured.height);
  const sizes = new Map(shown.map((n) => [n.id, n.measured]));
  const largest = (type: string | undefined) =>
    shown.filter((n) => n.type === type).sort((a, b) => (b.measured?.height ?? 0) - (a.measured?.height ?? 0))[0]?.measured;
  return nodes.map((n) => ({ ...n, measured: sizes.get(n.id) ?? largest(n.type) }));
}

/** Fetches revisions `from` and `to` of a saved workflow and shows what `to` changed against `from`. */
export async function showRevisionDiff(workflowId: number, from: number, to: number): Promise<void> {
  try {
    const [before, after] = await Promise.all([api.revision(workflowId, from), api.revision(workflowId, to)]);
    const older = graphFor(before.specification as Definition, before.layout ?? {});
    const newer = graphFor(after.specification as Definition, after.layout ?? {});
    const diff = diffGraphs(older, newer);
    // A revision saved without a place for every node (by the API, say) is laid out as a whole.
    let nodes = diff.nodes;
    if (!older.complete || !newer.complete) {
      const positions = await autoLayout(withSizes(nodes), diff.edges);
      nodes = nodes.map((n) => ({ ...n, position: positions[n.id] ?? n.position }));
    }
    const changes = describeChanges(before.specification as Definition, after.specification as Definition);
    useRevisionDiff.setState({ shown: { ...diff, nodes, from, to, changes } });
  } catch (e) {
    useUi.getState().say(`Could not compare the revisions: ${reason(e)}`, "error");
  }
}

const LEGEND: Array<[string, string]> = [
  ["added", "Added"],
  ["removed", "Removed"],
  ["changed", "Changed"],
];

function Legend({ shown }: { shown: Comparison }) {
  return (
    <div className="diff-legend" role="region" aria-label="Revision differences" data-testid="diff-legend">
      <strong>
        r{shown.from} → r{shown.to}
      </strong>
      <ul className="diff-keys">
        {LEGEND.map(([status, label]) => (
          <li key={status} className={`diff-key diff-key-${status}`} data-testid={`diff-count-${status}`}>
            <span className="swatch" aria-hidden="true" />
            {label}: {shown.counts[status as keyof Comparison["counts"]]}
          </li>
        ))}
      </ul>
      <ul className="diff-changes" aria-label="Changes">
        {shown.changes.length === 0 ? <li>No differences.</li> : shown.changes.map((c) => <li key={c}>{c}</li>)}
      </ul>
      <button type="button" autoFocus onClick={leaveRevisionDiff}>
        Leave diff
      </button>
    </div>
  );
}

/** The comparison over the canvas, while one is shown. */
export function RevisionDiffView() {
  const shown = useRevisionDiff((s) => s.shown);
  useEffect(() => {
    if (!shown) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && leaveRevisionDiff();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [shown]);
  if (!shown) return null;
  return (
    <div className="diff-view" data-testid="diff-view">
      <ReactFlowProvider>
        <ReactFlow
          nodes={shown.nodes}
          edges={shown.edges}
          nodeTypes={nodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          fitView
          fitViewOptions={{ padding: 0.1, maxZoom: 1 }}
          minZoom={0.02}
        >
          <Background />
          <Controls showInteractive={false} />
        </ReactFlow>
      </ReactFlowProvider>
      <Legend shown={shown} />
    </div>
  );
}
