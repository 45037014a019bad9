import { describe, expect, it } from "vitest";

import { fits, kindTable } from "./kinds";

// The table is the server's answer; these tests check only that it is read, not a rule of our own.
const table = kindTable([
  { name: "*", description: "", serialised_data_type: "", accepted_by: ["*", "image", "float_zero_to_one"] },
  { name: "image", description: "", serialised_data_type: "", accepted_by: ["*", "image"] },
  { name: "float_zero_to_one", description: "", serialised_data_type: "", accepted_by: ["*", "float_zero_to_one"] },
]);

describe("wires fit by the server's kinds table", () => {
  it("looks each produced kind up", () => {
    expect(fits(table, ["image"], ["image"])).toBe(true);
    expect(fits(table, ["image"], ["float_zero_to_one"])).toBe(false);
    expect(fits(table, ["*"], ["float_zero_to_one"])).toBe(true);
    expect(fits(table, ["unknown_kind"], ["image"])).toBe(false);
  });
});
