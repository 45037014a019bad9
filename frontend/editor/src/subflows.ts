// Subflows: steps grouped into one inner workflow step (Roboflow's `roboflow_core/inner_workflow@v1`)
// with the child inline, and back. Pure functions on definitions: the wires that crossed the
// selection become the child's inputs (bound in `parameter_bindings`) and outputs (read as
// `$steps.{group}.{output}`), so grouping then ungrouping gives back the same definition.

import { inputTypeOf, kindNames } from "./records";
import { uniqueName, type Definition } from "./graph";

export const INNER_WORKFLOW = "roboflow_core/inner_workflow@v1";

type Record_ = Record<string, unknown>;
/** The kinds of one output of a step (from the catalog); undefined when unknown. */
export type KindsOf = (step: Record_, output: string) => string[] | undefined;
export type Port = { name: string; kinds: string[] };

const INPUT = /^\$inputs\.([A-Za-z_0-9-]+)$/;
const STEP = /^\$steps\.([A-Za-z_0-9-]+)(?:\.([A-Za-z_*0-9-]+))?$/;

/** Every string in a value (deep) passed through `change`; anything else kept as it is. */
function mapStrings(value: unknown, change: (text: string) => unknown): unknown {
  if (typeof value === "string") return change(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, change));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, change)]));
  return value;
}

/** A step with its values passed through `change`; not its `type` and `name`, nor an inner
 * workflow's own child, whose selectors name its own inputs and steps. */
function mapStep(step: Record_, change: (text: string) => unknown): Record_ {
  const own = (k: string) => k === "type" || k === "name" || (k === "workflow_definition" && step.type === INNER_WORKFLOW);
  return Object.fromEntries(Object.entries(step).map(([k, v]) => [k, own(k) ? v : mapStrings(v, change)]));
}

const nameOf = (item: Record_) => String(item.name);
const freeName = (wanted: string, taken: Set<string>) => (taken.has(wanted) ? uniqueName(wanted, taken) : wanted);

class Crossing extends Error {}

const crossing = (from: string, to: string) =>
  new Crossing(`Cannot group: flow control from ${from} to ${to} would cross the subflow's border; select both or neither.`);

/** The inline child of an inner workflow step, or null for any other step (or a child by reference). */
export function inlineChild(step: Record_ | undefined): Definition | null {
  const child = step?.type === INNER_WORKFLOW ? step.workflow_definition : null;
  return child && typeof child === "object" && Array.isArray((child as Definition).steps) ? (child as Definition) : null;
}

/** The selected steps as one inner workflow step with an inline child, where the first of them was. */
export function groupSteps(
  definition: Definition,
  names: string[],
  kindsOf: KindsOf = () => undefined,
): { definition: Definition; group: string } | { error: string } {
  const steps = definition.steps ?? [];
  const chosen = new Set(steps.map(nameOf).filter((n) => names.includes(n)));
  if (chosen.size === 0) return { error: "Select the steps to group first." };
  const group = uniqueName("subflow", steps.map(nameOf));
  const parentInputs = new Map((definition.inputs ?? []).map((i) => [nameOf(i), i]));
  const byName = new Map(steps.map((s) => [nameOf(s), s]));
  const inputs: Record_[] = [];
  const bindings: Record_ = {};
  const boundAs = new Map<string, string>();
  const outputs: Record_[] = [];
  const readAs = new Map<string, string>();

  // A value crossing into the selection: the selector outside becomes a bound child input.
  const inward = (owner: string) => (text: string) => {
    const input = INPUT.exec(text);
    const step = STEP.exec(text);
    if (!input && (!step || chosen.has(step[1]))) return text;
    if (step && !step[2]) throw crossing(step[1], owner);
    const known = boundAs.get(text);
    if (known) return `$inputs.${known}`;
    const name = freeName(input ? input[1] : `${step![1]}_${step![2]}`, new Set(boundAs.values()));
    boundAs.set(text, name);
    bindings[name] = text;
    if (input) {
      const { default_value: _d, ...record } = parentInputs.get(input[1]) ?? { type: "WorkflowParameter" };
      inputs.push({ ...record, name });
    } else {
      const kinds = kindsOf(byName.get(step![1]) ?? {}, step![2]);
      const image = kinds?.includes("image");
      inputs.push({ type: image ? "WorkflowImage" : "WorkflowParameter", name, ...(!image && kinds?.length ? { kind: kinds } : {}) });
    }
    return `$inputs.${name}`;
  };
  // A value of the selection read outside: a child output, read from the group step.
  const outward = (owner: string) => (text: string) => {
    const step = STEP.exec(text);
    if (!step || !chosen.has(step[1])) return text;
    if (!step[2]) throw crossing(owner, step[1]);
    const key = `${step[1]}.${step[2]}`;
    let name = readAs.get(key);
    if (!name) {
      const taken = new Set(readAs.values());
      name = step[2] !== "*" && !taken.has(step[2]) ? step[2] : uniqueName(`${step[1]}_${step[2] === "*" ? "all" : step[2]}`, taken);
      readAs.set(key, name);
      outputs.push({ type: "JsonField", name, selector: text });
    }
    return `$steps.${group}.${name}`;
  };
  try {
    const inner = steps.filter((s) => chosen.has(nameOf(s))).map((s) => mapStep(s, inward(nameOf(s))));
    const outer = steps.map((s) => (chosen.has(nameOf(s)) ? s : mapStep(s, outward(nameOf(s)))));
    const parentOutputs = (definition.outputs ?? []).map((o) => mapStrings(o, outward(`output ${nameOf(o)}`)) as Record_);
    const child: Definition = { version: String(definition.version ?? "1.0"), inputs, steps: inner, outputs };
    const at = outer.findIndex((s) => chosen.has(nameOf(s)));
    const groupStep = { type: INNER_WORKFLOW, name: group, workflow_definition: child, parameter_bindings: bindings };
    const kept = outer.flatMap((s, i) => (i === at ? [groupStep] : chosen.has(nameOf(s)) ? [] : [s]));
    return { definition: { ...definition, steps: kept, outputs: parentOutputs }, group };
  } catch (e) {
    if (e instanceof Crossing) return { error: e.message };
    throw e;
  }
}

/** An inner workflow step with an inline child replaced by the child's steps, wired as the bindings
 * and outputs said; child steps whose names are taken here get fresh ones. */
export function ungroupStep(definition: Definition, name: string): { definition: Definition; steps: string[] } | { error: string } {
  const steps = definition.steps ?? [];
  const at = steps.findIndex((s) => nameOf(s) === name);
  const child = inlineChild(steps[at]);
  if (!child) return { error: `${name} is not a subflow with its steps inline: there is nothing here to ungroup.` };
  const raw = steps[at].parameter_bindings;
  const bindings = (raw && typeof raw === "object" ? raw : {}) as Record_;
  const defaults = new Map(
    (child.inputs ?? []).filter((i) => i.default_value !== undefined && i.default_value !== null).map((i) => [nameOf(i), i.default_value]),
  );
  const taken = new Set(steps.filter((_, i) => i !== at).map(nameOf));
  const renames = new Map<string, string>();
  for (const step of child.steps) {
    const fresh = freeName(nameOf(step), taken);
    taken.add(fresh);
    renames.set(nameOf(step), fresh);
  }
  const inner = (text: string): unknown => {
    const input = INPUT.exec(text);
    if (input) return input[1] in bindings ? bindings[input[1]] : defaults.has(input[1]) ? defaults.get(input[1]) : text;
    const step = STEP.exec(text);
    const renamed = step ? renames.get(step[1]) : undefined;
    return renamed ? `$steps.${renamed}${step![2] ? `.${step![2]}` : ""}` : text;
  };
  const exits = new Map((child.outputs ?? []).map((o) => [nameOf(o), inner(String(o.selector ?? ""))]));
  const outer = (text: string): unknown => {
    const step = STEP.exec(text);
    return step && step[1] === name && step[2] && exits.has(step[2]) ? exits.get(step[2]) : text;
  };
  const unpacked = child.steps.map((s) => ({ ...mapStep(s, inner), name: renames.get(nameOf(s)) }));
  const others = steps.map((s) => mapStep(s, outer));
  return {
    definition: {
      ...definition,
      steps: [...others.slice(0, at), ...unpacked, ...others.slice(at + 1)],
      outputs: (definition.outputs ?? []).map((o) => mapStrings(o, outer) as Record_),
    },
    steps: [...renames.values()],
  };
}

/** A child's inputs and outputs as ports with their kinds. */
export function childPorts(child: Definition, kindsOf: KindsOf = () => undefined): { inputs: Port[]; outputs: Port[] } {
  const inputKinds = (input: Record_) => (inputTypeOf(input.type) === "WorkflowImage" ? ["image"] : (kindNames(input.kind) ?? ["*"]));
  const inputs = (child.inputs ?? []).map((i) => ({ name: nameOf(i), kinds: inputKinds(i) }));
  const byName = new Map((child.steps ?? []).map((s) => [nameOf(s), s]));
  const outputs = (child.outputs ?? []).map((o) => {
    const selector = String(o.selector ?? "");
    const input = INPUT.exec(selector);
    const step = STEP.exec(selector);
    const known = input
      ? inputs.find((i) => i.name === input[1])?.kinds
      : step?.[2] && step[2] !== "*" && byName.has(step[1])
        ? kindsOf(byName.get(step[1])!, step[2])
        : undefined;
    return { name: nameOf(o), kinds: known?.length ? known : ["*"] };
  });
  return { inputs, outputs };
}
