// The canvas: nodes and wires from the document store, drop from the palette, wiring with kind
// checks, the quick-add search on a dropped wire or a double-click, and right-click menus.

import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  SelectionMode,
  useNodesInitialized,
  useReactFlow,
  type Connection,
  type Edge,
  type FinalConnectionState,
} from "@xyflow/react";
import { useCallback, useEffect } from "react";

import { startFrom } from "../actions/documents";
import { addBlock, connect, refusal, selectOnly } from "../actions/editing";
import { autoLayout } from "../layout";
import { TEMPLATES } from "../templates";
import { useCatalog } from "../store/catalog";
import { isDirty, useDocument, type FlowNode } from "../store/document";
import { useUi } from "../store/ui";
import { nodeTypes } from "./nodeTypes";
import { RevisionDiffView } from "./RevisionDiff";
import { openSubflow } from "../actions/subflows";
import { SubflowTrail } from "./SubflowTrail";

export async function runAutoLayout(options: { track: boolean }): Promise<void> {
  const { nodes, edges } = useDocument.getState();
  // Marks for the benchmark's profile (visible in the browser's performance timeline too).
  performance.mark("layout-start");
  const positions = await autoLayout(nodes, edges);
  performance.mark("layout-computed");
  const history = useDocument.temporal.getState();
  // Laying out a freshly opened document is not an edit anyone would undo, nor an unsaved change.
  const wasClean = !isDirty(useDocument.getState());
  if (!options.track) history.pause();
  useDocument.getState().setPositions(positions);
  if (!options.track) {
    history.resume();
    if (wasClean) useDocument.setState((s) => ({ savedSignature: s.signature }));
  }
  useDocument.setState((s) => ({ layouts: s.layouts + 1 }));
}

function EmptyHint() {
  const empty = useDocument((s) => s.nodes.length === 0);
  if (!empty) return null;
  return (
    <div className="empty-hint" data-testid="empty-hint">
      <strong>An empty workflow.</strong> Add an image input with <em>+ Image input</em>, then drag a block from the palette (or
      double-click here to search for one) and wire the image into it.
    </div>
  );
}

/** A new (empty) document offers workflows to start from. */
function Templates() {
  const empty = useDocument((s) => s.nodes.length === 0);
  if (!empty) return null;
  return (
    <div className="empty-templates" role="group" aria-label="Start from a template">
      Or start from a template:
      {TEMPLATES.map((t) => (
        <button key={t.title} type="button" onClick={() => void startFrom(t)}>
          {t.title}
        </button>
      ))}
    </div>
  );
}

const beginGesture = () => useDocument.getState().beginGesture();
const endGesture = () => useDocument.getState().endGesture();

export function Canvas() {
  const flow = useReactFlow<FlowNode>();
  const nodes = useDocument((s) => s.nodes);
  const edges = useDocument((s) => s.edges);
  const onNodesChange = useDocument((s) => s.onNodesChange);
  const onEdgesChange = useDocument((s) => s.onEdgesChange);
  const needsLayout = useDocument((s) => s.needsLayout);
  const generation = useDocument((s) => s.generation);
  const layouts = useDocument((s) => s.layouts);
  const initialized = useNodesInitialized();
  const show = useUi((s) => s.show);

  // Opened documents without saved positions are laid out once their nodes have been measured.
  useEffect(() => {
    if (!needsLayout || !initialized) return;
    useDocument.getState().layoutDone();
    void runAutoLayout({ track: false }).then(() => window.requestAnimationFrame(() => void flow.fitView({ padding: 0.1 })));
  }, [needsLayout, initialized, flow]);

  useEffect(() => {
    if (generation > 0 && !useDocument.getState().needsLayout)
      window.requestAnimationFrame(() => void flow.fitView({ padding: 0.1, maxZoom: 1 }));
  }, [generation, flow]);

  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      // Dropped on a handle that does not take it: the wire was refused while dragging; say why.
      if (state.isValid === false && state.fromHandle && state.toHandle) {
        const [from, to] = state.fromHandle.type === "source" ? [state.fromHandle, state.toHandle] : [state.toHandle, state.fromHandle];
        const why = refusal({ source: from.nodeId, sourceHandle: from.id ?? null, target: to.nodeId, targetHandle: to.id ?? null });
        if (why) useUi.getState().say(why, "error");
        return;
      }
      // Dropped on the canvas, away from any handle: offer the blocks that take this output.
      if (state.isValid !== null || !state.fromNode || !state.fromHandle || state.fromHandle.type !== "source") return;
      const point = "changedTouches" in event ? event.changedTouches[0] : event;
      show({
        type: "quickAdd",
        at: flow.screenToFlowPosition({ x: point.clientX, y: point.clientY }),
        screen: { x: point.clientX, y: point.clientY },
        from: { node: state.fromNode.id, handle: state.fromHandle.id ?? "value" },
      });
    },
    [flow, show],
  );

  return (
    <div
      className="canvas"
      data-testid="canvas"
      data-layouts={layouts}
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        const identifier = e.dataTransfer.getData("application/blockwise");
        const summary = useCatalog.getState().blocks.find((b) => b.type_identifier === identifier);
        if (summary) void addBlock(summary, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
      }}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={(c) => void connect(c)}
        // A wire that does not fit is refused while it is dragged: it does not snap to the handle.
        isValidConnection={(c: Connection | Edge) => refusal(c) === null}
        onConnectEnd={onConnectEnd}
        onNodeDoubleClick={(_, node) => void openSubflow(node.id)}
        onNodeDragStart={beginGesture}
        onNodeDragStop={endGesture}
        onSelectionDragStart={beginGesture}
        onSelectionDragStop={endGesture}
        onNodeContextMenu={(e, node) => {
          e.preventDefault();
          // Right-click on a node of the selection acts on the selection; on any other node, on it alone.
          if (!node.selected) selectOnly(node.id);
          const nodes = node.selected
            ? useDocument
                .getState()
                .nodes.filter((n) => n.selected)
                .map((n) => n.id)
            : [node.id];
          show({ type: "menu", screen: { x: e.clientX, y: e.clientY }, target: { node: node.id, nodes } });
        }}
        onEdgeContextMenu={(e, edge) => {
          e.preventDefault();
          show({ type: "menu", screen: { x: e.clientX, y: e.clientY }, target: { edge: edge.id } });
        }}
        onPaneClick={(e) => {
          // The second click of a double-click on empty canvas: search for a block to add there.
          if (e.detail !== 2) return;
          show({
            type: "quickAdd",
            at: flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }),
            screen: { x: e.clientX, y: e.clientY },
            from: null,
          });
        }}
        onPaneContextMenu={(e) => {
          e.preventDefault();
          show({
            type: "menu",
            screen: { x: e.clientX, y: e.clientY },
            target: { pane: flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }) },
          });
        }}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={["Shift", "Control", "Meta"]}
        selectionMode={SelectionMode.Partial}
        zoomOnDoubleClick={false}
        defaultViewport={{ x: 20, y: 20, zoom: 0.8 }}
        minZoom={0.02}
        onlyRenderVisibleElements
      >
        <Background />
        <Controls />
        <MiniMap pannable zoomable />
      </ReactFlow>
      <SubflowTrail />
      <EmptyHint />
      <Templates />
      <RevisionDiffView />
    </div>
  );
}
