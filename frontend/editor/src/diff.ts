// What one workflow definition changed against another, in words a person reads: steps, inputs and
// outputs added, removed or changed (matched by name), and the rest of the definition.

import type { Definition } from "./graph";

type Section = "inputs" | "steps" | "outputs";
const SECTIONS: Array<[Section, string]> = [
  ["inputs", "input"],
  ["steps", "step"],
  ["outputs", "output"],
];

function byName(items: unknown): Map<string, string> {
  const found = new Map<string, string>();
  for (const item of Array.isArray(items) ? items : []) {
    if (item && typeof item === "object" && "name" in item) found.set(String(item.name), stable(item));
  }
  return found;
}

/** JSON with object keys sorted, so key order is no change. */
export function stable(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** The changes from `before` to `after`, e.g. `added step crop`, `changed step classifier`. */
export function describeChanges(before: Definition, after: Definition): string[] {
  const changes: string[] = [];
  for (const [section, word] of SECTIONS) {
    const old = byName(before[section]);
    const now = byName(after[section]);
    for (const [name, text] of now) {
      if (!old.has(name)) changes.push(`added ${word} ${name}`);
      else if (old.get(name) !== text) changes.push(`changed ${word} ${name}`);
    }
    for (const name of old.keys()) if (!now.has(name)) changes.push(`removed ${word} ${name}`);
  }
  const rest = (d: Definition) => stable({ ...d, inputs: null, steps: null, outputs: null });
  if (rest(before) !== rest(after)) changes.push("changed the workflow's settings");
  return changes;
}
