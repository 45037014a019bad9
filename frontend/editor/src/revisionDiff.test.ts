import { describe, expect, it } from "vitest";

import { definitionToGraph, type Definition } from "./graph";
import { diffGraphs } from "./revisionDiff";

const step = (name: string, extra: Record<string, unknown> = {}) => ({
  type: "roboflow_core/roboflow_classification_model@v2",
  name,
  images: "$inputs.image",
  model_id: "demo-shapes/1",
  ...extra,
});

const definition = (steps: Array<Record<string, unknown>>): Definition => ({
  version: "1.0",
  inputs: [{ type: "WorkflowImage", name: "image" }],
  steps,
  outputs: [{ type: "JsonField", name: "predictions", selector: `$steps.${String(steps[0].name)}.predictions` }],
});

const classes = (items: Array<{ id: string; className: string }>) => Object.fromEntries(items.map((i) => [i.id, i.className]));

describe("diffGraphs", () => {
  it("marks added, removed and changed steps and wires, key order aside", () => {
    const before = definitionToGraph(definition([step("a"), step("gone")]));
    const after = definitionToGraph(definition([{ ...step("a", { confidence: 0.7 }) }, step("new")]));
    const diff = diffGraphs(before, after);
    expect(classes(diff.nodes)).toEqual({
      "input:image": "diff-unchanged",
      "step:a": "diff-changed",
      "step:new": "diff-added",
      "step:gone": "diff-removed",
      "output:predictions": "diff-unchanged",
    });
    expect(classes(diff.edges)).toEqual({
      "input:image/value->step:a/images": "diff-unchanged",
      "input:image/value->step:new/images": "diff-added",
      "input:image/value->step:gone/images": "diff-removed",
      "step:a/predictions->output:predictions/value": "diff-unchanged",
    });
    expect(diff.counts).toEqual({ added: 2, removed: 2, changed: 1 });
  });

  it("finds nothing between a revision and itself, whatever its key order", () => {
    const reordered = definition([Object.fromEntries(Object.entries(step("a")).reverse())]);
    const diff = diffGraphs(definitionToGraph(definition([step("a")])), definitionToGraph(reordered));
    expect(diff.counts).toEqual({ added: 0, removed: 0, changed: 0 });
  });
});
