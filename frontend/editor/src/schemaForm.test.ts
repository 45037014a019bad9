import { describe, expect, it } from "vitest";

import { examplesOf, literalForm } from "./schemaForm";

describe("the editor a property's schema asks for", () => {
  it("reads the literal branch of anyOf: bounds, null, enum", () => {
    const confidence = { anyOf: [{ maximum: 1.0, minimum: 0.0, type: "number" }, { reference: true, type: "string" }, { type: "null" }] };
    expect(literalForm(confidence)).toEqual({ control: "number", options: [], nullable: true, min: 0, max: 1, bounds: "0 – 1" });
    const width = {
      anyOf: [
        { exclusiveMinimum: 0, type: "integer" },
        { reference: true, type: "string" },
      ],
    };
    expect(literalForm(width)).toMatchObject({ control: "integer", nullable: false, min: 0, bounds: "> 0" });
    const flip = {
      anyOf: [
        { reference: true, type: "string" },
        { enum: ["vertical", "horizontal"], type: "string" },
      ],
    };
    expect(literalForm(flip)).toMatchObject({ control: "enum", options: ["vertical", "horizontal"] });
    expect(literalForm({ anyOf: [{ type: "boolean" }, { reference: true, type: "string" }] }).control).toBe("boolean");
    expect(literalForm({ $ref: "#/$defs/StatementGroup" }).control).toBe("json");
    expect(literalForm({ anyOf: [{ type: "number" }], gt: 0 }).bounds).toBe("> 0");
  });

  it("shows literal examples and leaves references out", () => {
    expect(examplesOf({ examples: ["my_project/3", "$inputs.model", true, [1, 2]] })).toEqual(["my_project/3", "true", "[1,2]"]);
  });
});
