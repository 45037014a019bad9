// Workflows to start from, offered by a new (empty) document: every one is valid here and runs on the
// demo model that `make run` seeds.

import type { Definition } from "./graph";

const CLASSIFIER = "roboflow_core/roboflow_classification_model@v2";
const PROPERTY = "roboflow_core/property_definition@v1";
const MODEL = "demo-shapes/1";
const IMAGE = { type: "WorkflowImage", name: "image" };
const TOP_CLASS = [{ type: "ClassificationPropertyExtract", property_name: "top_class" }];

export interface Template {
  title: string;
  name: string;
  definition: Definition;
}

export const TEMPLATES: Template[] = [
  {
    title: "Classify an image",
    name: "Classify an image",
    definition: {
      version: "1.0",
      inputs: [IMAGE],
      steps: [{ type: CLASSIFIER, name: "classifier", images: "$inputs.image", model_id: MODEL }],
      outputs: [{ type: "JsonField", name: "predictions", selector: "$steps.classifier.predictions" }],
    },
  },
  {
    title: "Crop then classify",
    name: "Crop then classify",
    definition: {
      version: "1.0",
      inputs: [IMAGE],
      steps: [
        {
          type: "roboflow_core/absolute_static_crop@v1",
          name: "crop",
          images: "$inputs.image",
          x_center: 40,
          y_center: 40,
          width: 64,
          height: 64,
        },
        { type: CLASSIFIER, name: "classifier", images: "$steps.crop.crops", model_id: MODEL },
      ],
      outputs: [{ type: "JsonField", name: "predictions", selector: "$steps.classifier.predictions" }],
    },
  },
  {
    title: "Classify then a condition",
    name: "Classify then a condition",
    definition: {
      version: "1.0",
      inputs: [IMAGE],
      steps: [
        { type: CLASSIFIER, name: "classifier", images: "$inputs.image", model_id: MODEL },
        { type: PROPERTY, name: "top", data: "$steps.classifier.predictions", operations: TOP_CLASS },
        {
          type: "roboflow_core/continue_if@v1",
          name: "only_green",
          condition_statement: {
            type: "StatementGroup",
            statements: [
              {
                type: "BinaryStatement",
                left_operand: { type: "DynamicOperand", operand_name: "label" },
                comparator: { type: "==" },
                right_operand: { type: "StaticOperand", value: "green" },
              },
            ],
          },
          evaluation_parameters: { label: "$steps.top.output" },
          next_steps: ["$steps.green"],
        },
        { type: PROPERTY, name: "green", data: "$steps.top.output", operations: [{ type: "StringToUpperCase" }] },
      ],
      outputs: [
        { type: "JsonField", name: "label", selector: "$steps.top.output" },
        { type: "JsonField", name: "green", selector: "$steps.green.output" },
      ],
    },
  },
];
