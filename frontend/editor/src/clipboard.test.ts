import { describe, expect, it } from "vitest";

import { copyDefinition, isDefinition, pasteGraph, withFreshNames } from "./clipboard";
import { definitionToGraph, type Definition } from "./graph";

const source: Definition = {
  version: "1.0",
  inputs: [{ type: "WorkflowImage", name: "image" }],
  steps: [
    { type: "roboflow_core/roboflow_classification_model@v2", name: "classifier", images: "$inputs.image", model_id: "m/1" },
    { type: "roboflow_core/property_definition@v1", name: "top", data: "$steps.classifier.predictions", operations: [] },
  ],
  outputs: [{ type: "JsonField", name: "label", selector: "$steps.top.output" }],
};

describe("the clipboard format", () => {
  it("is a Roboflow definition of the copied nodes, keeping only the wires among them", () => {
    const { nodes, edges } = definitionToGraph(source);
    const copied = copyDefinition(
      nodes.filter((n) => n.data.name !== "image"),
      edges,
    );
    expect(copied).toEqual({
      version: "1.0",
      inputs: [],
      steps: [
        { type: "roboflow_core/roboflow_classification_model@v2", name: "classifier", model_id: "m/1" },
        { type: "roboflow_core/property_definition@v1", name: "top", data: "$steps.classifier.predictions", operations: [] },
      ],
      outputs: [{ type: "JsonField", name: "label", selector: "$steps.top.output" }],
    });
    expect(isDefinition(JSON.parse(JSON.stringify(copied)))).toBe(true);
    expect(isDefinition({ nodes: [] })).toBe(false);
  });

  it("pastes with fresh names and selectors that follow them", () => {
    const existing = definitionToGraph(source).nodes.map((n) => n.data);
    expect(withFreshNames(source, existing)).toEqual({
      version: "1.0",
      inputs: [{ type: "WorkflowImage", name: "image_2" }],
      steps: [
        { type: "roboflow_core/roboflow_classification_model@v2", name: "classifier_2", images: "$inputs.image_2", model_id: "m/1" },
        { type: "roboflow_core/property_definition@v1", name: "top_2", data: "$steps.classifier_2.predictions", operations: [] },
      ],
      outputs: [{ type: "JsonField", name: "label_2", selector: "$steps.top_2.output" }],
    });
  });

  it("keeps free names, numbers on from a copied copy, and gives pasted nodes unused ids", () => {
    // A node renamed after it was added keeps its id: `step:free` is taken though `free` is not.
    const renamed = {
      id: "step:free",
      type: "block" as const,
      position: { x: 0, y: 0 },
      data: { kind: "block" as const, name: "renamed", typeIdentifier: "t@v1", literals: {} },
    };
    const current = [...definitionToGraph(source).nodes, renamed];
    const copy: Definition = {
      version: "1.0",
      inputs: [],
      steps: [
        { type: "t@v1", name: "classifier" },
        { type: "t@v1", name: "free" },
      ],
      outputs: [],
    };
    const pasted = pasteGraph(copy, current as never, { x: 0, y: 0 });
    expect(pasted.nodes.map((n) => [n.id, n.data.name])).toEqual([
      ["step:classifier_2", "classifier_2"],
      ["step:free#2", "free"],
    ]);
    const again = withFreshNames({ ...copy, steps: [{ type: "t@v1", name: "classifier_2" }] }, [
      ...current.map((n) => n.data),
      { kind: "block", name: "classifier_2", typeIdentifier: "t@v1", literals: {} },
    ]);
    expect(again.steps[0].name).toBe("classifier_3");
  });
});
