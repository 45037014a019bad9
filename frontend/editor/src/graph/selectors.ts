// Selectors (`$inputs.x`, `$steps.s.out`) as the canvas reads them: which node and handle one names,
// and renaming an input or a step inside every selector of a value.

import { inputId, stepId, VALUE_HANDLE } from "./model";

// The selector grammar is the server's (blocks/selectors.py), served as regex sources in the
// connections payload's `selectors`; these match it until the catalog store passes them in.
let INPUT_SELECTOR = /^\$inputs\.([A-Za-z_0-9-]+)$/;
let STEP_OUTPUT_SELECTOR = /^\$steps\.([A-Za-z_0-9-]+)\.([A-Za-z_*0-9-]+)$/;
export function setSelectorGrammar(sources: { input: string; step_output: string }): void {
  INPUT_SELECTOR = new RegExp(sources.input);
  STEP_OUTPUT_SELECTOR = new RegExp(sources.step_output);
}

/** The node and handle a selector names (`$inputs.image` -> the input's value handle), if it is one. */
export function selectorSource(value: unknown): { node: string; handle: string } | null {
  if (typeof value !== "string") return null;
  const input = INPUT_SELECTOR.exec(value);
  if (input) return { node: inputId(input[1]), handle: VALUE_HANDLE };
  const step = STEP_OUTPUT_SELECTOR.exec(value);
  if (step) return { node: stepId(step[1]), handle: step[2] };
  return null;
}

/** Every selector in a value (deep), with `$inputs.old` / `$steps.old...` renamed. */
export function renameInSelectors(value: unknown, section: "inputs" | "steps", from: string, to: string): unknown {
  if (typeof value === "string") {
    const prefix = `$${section}.${from}`;
    if (value === prefix) return `$${section}.${to}`;
    if (value.startsWith(`${prefix}.`)) return `$${section}.${to}${value.slice(prefix.length)}`;
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => renameInSelectors(item, section, from, to));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameInSelectors(v, section, from, to)]));
  }
  return value;
}
