import { describe, expect, it } from "vitest";

import { definitionToGraph, FLOW_IN, graphToDefinition, stepId, type Definition } from "./graph";

const gated: Definition = {
  version: "1.0.0",
  description: "kept as it was",
  inputs: [
    { type: "InferenceImage", name: "image", extra_field: 1 },
    { type: "WorkflowParameter", name: "threshold", kind: [{ name: "float" }], default_value: 0.5 },
  ],
  steps: [
    { type: "roboflow_core/roboflow_classification_model@v2", name: "classifier", images: "$inputs.image", model_id: "demo-shapes/1" },
    {
      type: "roboflow_core/continue_if@v1",
      name: "gate",
      condition_statement: { type: "StatementGroup", statements: [] },
      evaluation_parameters: { left: "$steps.classifier.predictions", limit: "$inputs.threshold" },
      next_steps: ["$steps.crop", "$steps.grey"],
    },
    { type: "roboflow_core/absolute_static_crop@v1", name: "crop", images: "$inputs.image", x_center: 10 },
    { type: "roboflow_core/convert_grayscale@v1", name: "grey", image: "$inputs.image", unknown_field: { nested: ["$steps.gone.x"] } },
  ],
  outputs: [
    { type: "JsonField", name: "crops", selector: "$steps.crop.crops", extra: true },
    { type: "JsonField", name: "dangling", selector: "$steps.nowhere.output", coordinates_system: "odd" },
  ],
};

describe("what the canvas draws as wires, and gives back as it was", () => {
  it("draws next_steps as flow wires in order and evaluation_parameters as one wire per name", () => {
    const { edges } = definitionToGraph(gated);
    const flow = edges.filter((e) => e.targetHandle === FLOW_IN);
    expect(flow.map((e) => [e.source, e.sourceHandle, e.target])).toEqual([
      [stepId("gate"), "next_steps", stepId("crop")],
      [stepId("gate"), "next_steps", stepId("grey")],
    ]);
    const named = edges.filter((e) => e.target === stepId("gate")).map((e) => [e.source, e.sourceHandle, e.targetHandle]);
    expect(named).toEqual([
      [stepId("classifier"), "predictions", "evaluation_parameters.left"],
      ["input:threshold", "value", "evaluation_parameters.limit"],
    ]);
  });

  it("exports exactly what it imported, fields it has no form for included", () => {
    const { nodes, edges, extras } = definitionToGraph(gated);
    expect(graphToDefinition(nodes, edges, extras)).toEqual(gated);
  });

  it("adds a wired name to the map and a gated step to the list", () => {
    const { nodes, edges, extras } = definitionToGraph(gated);
    const more = [
      ...edges,
      { id: "x", source: "input:image", sourceHandle: "value", target: stepId("gate"), targetHandle: "evaluation_parameters.picture" },
      { id: "y", source: stepId("gate"), sourceHandle: "next_steps", target: stepId("classifier"), targetHandle: FLOW_IN },
    ];
    const gate = graphToDefinition(
      nodes,
      more.filter((e) => e.target !== stepId("crop") || e.targetHandle !== FLOW_IN),
      extras,
    ).steps[1];
    expect(gate.evaluation_parameters).toEqual({
      left: "$steps.classifier.predictions",
      limit: "$inputs.threshold",
      picture: "$inputs.image",
    });
    expect(gate.next_steps).toEqual(["$steps.grey", "$steps.classifier"]);
  });

  it("writes a changed parameter kind and an input type in the editor's spelling", () => {
    const { nodes, edges, extras } = definitionToGraph(gated);
    const threshold = nodes[1].data;
    if (threshold.kind === "input") threshold.kinds = ["integer"];
    const image = nodes[0].data;
    if (image.kind === "input") image.inputType = "WorkflowParameter";
    const inputs = graphToDefinition(nodes, edges, extras).inputs;
    expect(inputs[0]).toEqual({ type: "WorkflowParameter", name: "image", extra_field: 1 });
    expect(inputs[1].kind).toEqual(["integer"]);
  });
});
