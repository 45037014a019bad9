import { describe, expect, it } from "vitest";

import { describeChanges } from "./diff";
import type { Definition } from "./graph";

const base: Definition = {
  version: "1.0",
  inputs: [{ type: "WorkflowImage", name: "image" }],
  steps: [
    { type: "roboflow_core/roboflow_classification_model@v2", name: "classifier", images: "$inputs.image", model_id: "a/1" },
    { type: "roboflow_core/property_definition@v1", name: "top", data: "$steps.classifier.predictions", operations: [] },
  ],
  outputs: [{ type: "JsonField", name: "label", selector: "$steps.top.output" }],
};

describe("the changes between two definitions", () => {
  it("names the steps, inputs and outputs added, removed and changed", () => {
    const theirs: Definition = {
      ...base,
      inputs: [...base.inputs, { type: "WorkflowParameter", name: "threshold" }],
      steps: [
        { ...base.steps[0], model_id: "b/2" },
        { type: "roboflow_core/continue_if@v1", name: "gate" },
      ],
      outputs: [],
    };
    expect(describeChanges(base, theirs)).toEqual([
      "added input threshold",
      "changed step classifier",
      "added step gate",
      "removed step top",
      "removed output label",
    ]);
  });

  it("ignores key order and notices the rest of the definition", () => {
    const reordered: Definition = { ...base, steps: [Object.fromEntries(Object.entries(base.steps[0]).reverse()), base.steps[1]] };
    expect(describeChanges(base, reordered)).toEqual([]);
    expect(describeChanges(base, { ...base, version: "1.1" })).toEqual(["changed the workflow's settings"]);
  });
});
