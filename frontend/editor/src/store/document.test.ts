import { beforeEach, describe, expect, it } from "vitest";

import type { Definition } from "../graph";
import { definitionOf, EMPTY_META, graphFor, HISTORY_DEPTH, isDirty, layoutOf, useDocument } from "./document";

const definition: Definition = {
  version: "1.0",
  inputs: [{ type: "WorkflowImage", name: "image" }],
  steps: [
    { type: "roboflow_core/roboflow_classification_model@v2", name: "classifier", images: "$inputs.image", model_id: "demo-shapes/1" },
    {
      type: "roboflow_core/property_definition@v1",
      name: "top",
      data: "$steps.classifier.predictions",
      operations: [],
      extra: ["$steps.classifier.predictions"],
    },
  ],
  outputs: [{ type: "JsonField", name: "label", selector: "$steps.top.output" }],
};

const history = () => useDocument.temporal.getState();

function open(layout = {}) {
  const graph = graphFor(definition, layout);
  useDocument
    .getState()
    .replace(
      { nodes: graph.nodes, edges: graph.edges },
      { id: 4, name: "Shapes", revision: 2 },
      { saved: true, needsLayout: !graph.complete },
    );
}

describe("the document store", () => {
  beforeEach(() => open());

  it("opens clean, with no history, and stands for its definition", () => {
    const state = useDocument.getState();
    expect(isDirty(state)).toBe(false);
    expect(history().pastStates).toEqual([]);
    expect(definitionOf(state)).toEqual(definition);
    expect(state.needsLayout).toBe(true);
  });

  it("puts nodes where the saved layout says, keyed by section and name", () => {
    open({ "steps/classifier": { x: 300, y: 40 } });
    const classifier = useDocument.getState().nodes.find((n) => n.data.name === "classifier")!;
    expect(classifier.position).toEqual({ x: 300, y: 40 });
    expect(useDocument.getState().needsLayout).toBe(true);
    expect(layoutOf(useDocument.getState())["steps/classifier"]).toEqual({ x: 300, y: 40 });
  });

  it("undoes and redoes a change of the graph, and is dirty until saved", () => {
    useDocument.getState().setGraph((g) => ({ nodes: g.nodes, edges: g.edges.slice(1) }));
    expect(isDirty(useDocument.getState())).toBe(true);
    expect(useDocument.getState().edges).toHaveLength(2);
    history().undo();
    expect(useDocument.getState().edges).toHaveLength(3);
    expect(isDirty(useDocument.getState())).toBe(false);
    history().redo();
    expect(useDocument.getState().edges).toHaveLength(2);
    useDocument.getState().markSaved({ id: 4, name: "Shapes", revision: 3 });
    expect(isDirty(useDocument.getState())).toBe(false);
  });

  it("keeps selection out of the history", () => {
    const id = useDocument.getState().nodes[0].id;
    useDocument.getState().onNodesChange([{ type: "select", id, selected: true }]);
    expect(history().pastStates).toEqual([]);
  });

  it("makes one undo step of typing into one field", () => {
    const id = useDocument.getState().nodes.find((n) => n.data.name === "classifier")!.id;
    for (const value of ["d", "de", "dem"]) {
      useDocument.getState().updateData(id, (d) => (d.kind === "block" ? { ...d, literals: { model_id: value } } : d), `${id}/model_id`);
    }
    expect(history().pastStates).toHaveLength(1);
    history().undo();
    const data = useDocument.getState().nodes.find((n) => n.id === id)!.data;
    expect(data.kind === "block" && data.literals.model_id).toBe("demo-shapes/1");
  });

  it("makes one undo step of a drag", () => {
    const id = useDocument.getState().nodes[0].id;
    useDocument.getState().beginGesture();
    for (const x of [10, 20, 30]) useDocument.getState().onNodesChange([{ type: "position", id, position: { x, y: 0 } }]);
    useDocument.getState().endGesture();
    expect(history().pastStates).toHaveLength(1);
    history().undo();
    expect(useDocument.getState().nodes[0].position).toEqual({ x: 0, y: 0 });
  });

  it("keeps at least a hundred steps", () => {
    for (let n = 0; n < 150; n += 1) useDocument.getState().setPositions({ [useDocument.getState().nodes[0].id]: { x: n + 1, y: 0 } });
    expect(history().pastStates).toHaveLength(150);
    expect(HISTORY_DEPTH).toBeGreaterThanOrEqual(100);
    history().undo(150);
    expect(useDocument.getState().nodes[0].position).toEqual({ x: 0, y: 0 });
  });

  it("renames a step and every selector that names it, in wires and inside literals", () => {
    const id = useDocument.getState().nodes.find((n) => n.data.name === "classifier")!.id;
    expect(useDocument.getState().renameNode(id, "top")).toBe("top_2");
    expect(useDocument.getState().renameNode(id, "shapes")).toBe("shapes");
    const renamed = definitionOf(useDocument.getState());
    expect(renamed.steps[1].data).toBe("$steps.shapes.predictions");
    expect(renamed.steps[1].extra).toEqual(["$steps.shapes.predictions"]);
    expect(renamed.steps[0].name).toBe("shapes");
  });

  it("starts empty after New", () => {
    useDocument.getState().replace({ nodes: [], edges: [] }, EMPTY_META, { saved: true, needsLayout: false });
    expect(definitionOf(useDocument.getState())).toEqual({ version: "1.0", inputs: [], steps: [], outputs: [] });
    expect(useDocument.getState().meta).toEqual({ id: null, name: "Untitled workflow", revision: null });
  });
});
