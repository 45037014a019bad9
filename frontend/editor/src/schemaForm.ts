// Which editor fits a property's literal, read from its JSON Schema: the literal branch of an
// `anyOf` (the reference branches are wires), its enum, bounds and type, and whether null is allowed.

export type Control = "enum" | "number" | "integer" | "boolean" | "string" | "json";

export interface LiteralForm {
  control: Control;
  options: unknown[];
  nullable: boolean;
  min?: number;
  max?: number;
  /** The bounds as a person reads them: `> 0`, `0 – 1`. */
  bounds: string;
}

type Schema = Record<string, unknown>;

const num = (v: unknown) => (typeof v === "number" ? v : undefined);

function boundsText(lower: number | undefined, lowerOpen: boolean, upper: number | undefined, upperOpen: boolean): string {
  if (lower !== undefined && upper !== undefined && !lowerOpen && !upperOpen) return `${lower} – ${upper}`;
  const parts = [
    lower !== undefined ? `${lowerOpen ? ">" : "≥"} ${lower}` : "",
    upper !== undefined ? `${upperOpen ? "<" : "≤"} ${upper}` : "",
  ];
  return parts.filter(Boolean).join(", ");
}

export function literalForm(schema: Schema, name = ""): LiteralForm {
  const branches = (schema.anyOf as Schema[] | undefined) ?? (schema.oneOf as Schema[] | undefined) ?? [schema];
  const nullable = branches.some((b) => b.type === "null");
  const literals = branches.filter((b) => !b.reference && b.type !== "null");
  const literal = literals.find((b) => Array.isArray(b.enum)) ?? literals.find((b) => b.type !== undefined) ?? literals[0] ?? {};
  const lowerOpen = num(literal.exclusiveMinimum) !== undefined || num(literal.gt) !== undefined || num(schema.gt) !== undefined;
  const upperOpen = num(literal.exclusiveMaximum) !== undefined || num(literal.lt) !== undefined || num(schema.lt) !== undefined;
  const min =
    num(literal.minimum) ?? num(literal.exclusiveMinimum) ?? num(literal.gt) ?? num(literal.ge) ?? num(schema.gt) ?? num(schema.ge);
  const max =
    num(literal.maximum) ?? num(literal.exclusiveMaximum) ?? num(literal.lt) ?? num(literal.le) ?? num(schema.lt) ?? num(schema.le);
  const base = { options: [] as unknown[], nullable, min, max, bounds: boundsText(min, lowerOpen, max, upperOpen) };
  if (Array.isArray(literal.enum)) return { ...base, control: "enum", options: literal.enum };
  if (literal.type === "boolean") return { ...base, control: "boolean" };
  if (literal.type === "integer") return { ...base, control: "integer" };
  if (literal.type === "number") return { ...base, control: "number" };
  if (literal.type === "string" || name === "model_id") return { ...base, control: "string" };
  return { ...base, control: "json" };
}

/** The schema's examples, as text, without the references (those are offered as sources). */
export function examplesOf(schema: Schema): string[] {
  const examples = Array.isArray(schema.examples) ? schema.examples : [];
  return examples.filter((e) => !(typeof e === "string" && e.startsWith("$"))).map((e) => (typeof e === "string" ? e : JSON.stringify(e)));
}
