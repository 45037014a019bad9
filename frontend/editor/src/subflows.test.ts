import { describe, expect, it } from "vitest";

import type { Definition } from "./graph";
import { childPorts, groupSteps, INNER_WORKFLOW, ungroupStep } from "./subflows";

const CLASSIFY = "roboflow_core/roboflow_classification_model@v2";
const PROPERTY = "roboflow_core/property_definition@v1";
const CONTINUE = "roboflow_core/continue_if@v1";

const workflow = (): Definition => ({
  version: "1.0",
  inputs: [
    { type: "WorkflowImage", name: "image" },
    { type: "WorkflowParameter", name: "model", default_value: "demo-shapes/1" },
  ],
  steps: [
    { type: CLASSIFY, name: "classifier", images: "$inputs.image", model_id: "$inputs.model" },
    { type: PROPERTY, name: "top", data: "$steps.classifier.predictions", operations: [{ type: "ClassificationPropertyExtract" }] },
    { type: PROPERTY, name: "count", data: ["$steps.top.output", "$steps.classifier.predictions"] },
  ],
  outputs: [
    { type: "JsonField", name: "label", selector: "$steps.top.output" },
    { type: "JsonField", name: "all", selector: "$steps.count.*" },
  ],
});

const kindsOf = (step: Record<string, unknown>, output: string) =>
  step.type === CLASSIFY && output === "predictions" ? ["classification_prediction"] : step.type === PROPERTY ? ["*"] : undefined;

describe("groupSteps", () => {
  it("makes one inner workflow step whose bindings and outputs are the wires that crossed the selection", () => {
    const grouped = groupSteps(workflow(), ["top", "count"], kindsOf);
    if ("error" in grouped) throw new Error(grouped.error);
    expect(grouped.group).toBe("subflow");
    expect(grouped.definition.steps).toEqual([
      workflow().steps[0],
      {
        type: INNER_WORKFLOW,
        name: "subflow",
        workflow_definition: {
          version: "1.0",
          inputs: [{ type: "WorkflowParameter", name: "classifier_predictions", kind: ["classification_prediction"] }],
          steps: [
            { ...workflow().steps[1], data: "$inputs.classifier_predictions" },
            { type: PROPERTY, name: "count", data: ["$steps.top.output", "$inputs.classifier_predictions"] },
          ],
          outputs: [
            { type: "JsonField", name: "output", selector: "$steps.top.output" },
            { type: "JsonField", name: "count_all", selector: "$steps.count.*" },
          ],
        },
        parameter_bindings: { classifier_predictions: "$steps.classifier.predictions" },
      },
    ]);
    expect(grouped.definition.outputs).toEqual([
      { type: "JsonField", name: "label", selector: "$steps.subflow.output" },
      { type: "JsonField", name: "all", selector: "$steps.subflow.count_all" },
    ]);
  });

  it("binds workflow inputs under their own names, without their defaults", () => {
    const grouped = groupSteps(workflow(), ["classifier"]);
    if ("error" in grouped) throw new Error(grouped.error);
    const [group] = grouped.definition.steps;
    expect(group.parameter_bindings).toEqual({ image: "$inputs.image", model: "$inputs.model" });
    expect((group.workflow_definition as Definition).inputs).toEqual([
      { type: "WorkflowImage", name: "image" },
      { type: "WorkflowParameter", name: "model" },
    ]);
    expect(grouped.definition.steps[1].data).toBe("$steps.subflow.predictions");
  });

  it("is undone by ungroupStep: the same definition comes back", () => {
    for (const chosen of [["classifier"], ["top"], ["classifier", "top"], ["top", "count"], ["classifier", "top", "count"]]) {
      const grouped = groupSteps(workflow(), chosen, kindsOf);
      if ("error" in grouped) throw new Error(grouped.error);
      const back = ungroupStep(grouped.definition, grouped.group);
      if ("error" in back) throw new Error(back.error);
      expect(back.definition).toEqual(workflow());
      expect(back.steps).toEqual(chosen);
    }
  });

  it("leaves a grouped subflow's own child as it is, and nests it", () => {
    const inner = groupSteps(workflow(), ["classifier", "top"], kindsOf);
    if ("error" in inner) throw new Error(inner.error);
    const outer = groupSteps(inner.definition, ["subflow", "count"], kindsOf);
    if ("error" in outer) throw new Error(outer.error);
    expect(outer.group).toBe("subflow_2");
    const nested = (outer.definition.steps[0].workflow_definition as Definition).steps[0];
    expect(nested.workflow_definition).toEqual(inner.definition.steps[0].workflow_definition);
    const back = ungroupStep(outer.definition, "subflow_2");
    if ("error" in back) throw new Error(back.error);
    expect(back.definition).toEqual(inner.definition);
  });

  it("refuses a selection that a flow-control list crosses, and an empty one", () => {
    const gated: Definition = {
      ...workflow(),
      steps: [
        { type: CONTINUE, name: "gate", condition_statement: {}, evaluation_parameters: {}, next_steps: ["$steps.top"] },
        ...workflow().steps,
      ],
    };
    expect(groupSteps(gated, ["top"])).toEqual({
      error: "Cannot group: flow control from gate to top would cross the subflow's border; select both or neither.",
    });
    expect(groupSteps(gated, ["gate"])).toHaveProperty("error");
    expect("error" in groupSteps(gated, ["gate", "top"])).toBe(false);
    expect(groupSteps(workflow(), [])).toEqual({ error: "Select the steps to group first." });
  });
});

describe("ungroupStep", () => {
  it("renames child steps whose names the parent uses, and puts literal bindings and defaults in place", () => {
    const parent: Definition = {
      version: "1.0",
      inputs: [{ type: "WorkflowImage", name: "image" }],
      steps: [
        { type: PROPERTY, name: "top", data: "$inputs.image" },
        {
          type: INNER_WORKFLOW,
          name: "inner",
          workflow_definition: {
            version: "1.0",
            inputs: [
              { type: "WorkflowImage", name: "picture" },
              { type: "WorkflowParameter", name: "model", default_value: "a/1" },
              { type: "WorkflowParameter", name: "confidence" },
            ],
            steps: [
              { type: CLASSIFY, name: "top", images: "$inputs.picture", model_id: "$inputs.model", confidence: "$inputs.confidence" },
            ],
            outputs: [{ type: "JsonField", name: "p", selector: "$steps.top.predictions" }],
          },
          parameter_bindings: { picture: "$inputs.image", confidence: 0.7 },
        },
      ],
      outputs: [{ type: "JsonField", name: "out", selector: "$steps.inner.p" }],
    };
    const back = ungroupStep(parent, "inner");
    if ("error" in back) throw new Error(back.error);
    expect(back.steps).toEqual(["top_2"]);
    expect(back.definition.steps[1]).toEqual({ type: CLASSIFY, name: "top_2", images: "$inputs.image", model_id: "a/1", confidence: 0.7 });
    expect(back.definition.outputs).toEqual([{ type: "JsonField", name: "out", selector: "$steps.top_2.predictions" }]);
  });

  it("refuses a step that is not an inline subflow", () => {
    const byReference: Definition = {
      ...workflow(),
      steps: [{ type: INNER_WORKFLOW, name: "saved", workflow_workspace_id: "w", workflow_id: "3", parameter_bindings: {} }],
    };
    expect(ungroupStep(byReference, "saved")).toEqual({
      error: "saved is not a subflow with its steps inline: there is nothing here to ungroup.",
    });
    expect(ungroupStep(workflow(), "top")).toHaveProperty("error");
  });
});

describe("childPorts", () => {
  it("lists the child's inputs and outputs with their kinds", () => {
    const grouped = groupSteps(workflow(), ["classifier", "top"], kindsOf);
    if ("error" in grouped) throw new Error(grouped.error);
    expect(childPorts(grouped.definition.steps[0].workflow_definition as Definition, kindsOf)).toEqual({
      inputs: [
        { name: "image", kinds: ["image"] },
        { name: "model", kinds: ["*"] },
      ],
      outputs: [
        { name: "output", kinds: ["*"] },
        { name: "predictions", kinds: ["classification_prediction"] },
      ],
    });
  });
});
