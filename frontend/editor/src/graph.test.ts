import { describe, expect, it } from "vitest";

import { definitionToGraph, graphToDefinition, nodeForPointer, uniqueName, type Definition } from "./graph";

const classification: Definition = {
  version: "1.0",
  inputs: [
    { type: "WorkflowImage", name: "image" },
    { type: "WorkflowParameter", name: "confidence", default_value: 0.4 },
  ],
  steps: [
    {
      type: "roboflow_core/roboflow_classification_model@v2",
      name: "classifier",
      images: "$inputs.image",
      model_id: "demo-shapes/1",
      confidence: "$inputs.confidence",
    },
    {
      type: "roboflow_core/property_definition@v1",
      name: "top",
      data: "$steps.classifier.predictions",
      operations: [{ type: "ClassificationPropertyExtract", property_name: "top_class" }],
    },
  ],
  outputs: [
    { type: "JsonField", name: "predictions", selector: "$steps.classifier.predictions" },
    { type: "JsonField", name: "label", selector: "$steps.top.output" },
    { type: "JsonField", name: "everything", selector: "$steps.classifier.*" },
  ],
};

describe("definition <-> graph", () => {
  it("turns selectors into edges and keeps literals on the node", () => {
    const { nodes, edges } = definitionToGraph(classification);
    expect(nodes.map((n) => n.id)).toEqual([
      "input:image",
      "input:confidence",
      "step:classifier",
      "step:top",
      "output:predictions",
      "output:label",
      "output:everything",
    ]);
    const classifier = nodes.find((n) => n.id === "step:classifier")!;
    expect(classifier.data).toEqual({
      kind: "block",
      name: "classifier",
      typeIdentifier: "roboflow_core/roboflow_classification_model@v2",
      literals: { model_id: "demo-shapes/1" },
    });
    expect(edges.map((e) => [e.source, e.sourceHandle, e.target, e.targetHandle])).toEqual([
      ["input:image", "value", "step:classifier", "images"],
      ["input:confidence", "value", "step:classifier", "confidence"],
      ["step:classifier", "predictions", "step:top", "data"],
      ["step:classifier", "predictions", "output:predictions", "value"],
      ["step:top", "output", "output:label", "value"],
      ["step:classifier", "*", "output:everything", "value"],
    ]);
  });

  it("round-trips a definition", () => {
    const { nodes, edges } = definitionToGraph(classification);
    const back = graphToDefinition(nodes, edges);
    expect(back.inputs).toEqual(classification.inputs);
    expect(back.outputs).toEqual(classification.outputs);
    expect(back.steps).toEqual([{ ...classification.steps[0] }, { ...classification.steps[1] }]);
    expect(definitionToGraph(back).edges).toEqual(edges);
  });

  it("lays nodes out in columns by depth", () => {
    const { nodes } = definitionToGraph(classification);
    const x = Object.fromEntries(nodes.map((n) => [n.id, n.position.x]));
    expect(x["input:image"]).toBe(0);
    expect(x["step:classifier"]).toBe(300);
    expect(x["step:top"]).toBe(600);
    expect(x["output:label"]).toBe(900);
  });

  it("finds the node of a validator pointer", () => {
    const { nodes } = definitionToGraph(classification);
    expect(nodeForPointer("/steps/1/operations", nodes)).toEqual({ nodeId: "step:top", field: "operations" });
    expect(nodeForPointer("/outputs/0/selector", nodes)).toEqual({ nodeId: "output:predictions", field: "selector" });
    expect(nodeForPointer("/version", nodes)).toBeNull();
  });
});

describe("step names", () => {
  it("are unique and selector-safe", () => {
    expect(uniqueName("Single-Label Classification Model", [])).toBe("single-label_classification_model");
    expect(uniqueName("classifier", ["classifier", "classifier_2"])).toBe("classifier_3");
  });
});
