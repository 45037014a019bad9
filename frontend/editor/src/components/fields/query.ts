// What the query language's schema offers (Continue If's `condition_statement`, Property
// Definition's `operations`): statement kinds, comparators, unary operators and operations, each read
// from the block's `$defs`, never listed here.

export type Defs = Record<string, Record<string, unknown>>;
export type Json = Record<string, unknown>;

const props = (def: Json | undefined) => (def?.properties ?? {}) as Record<string, Json>;

function mapping(schema: Json | undefined): Record<string, string> {
  const items = (schema?.items as Json | undefined) ?? schema;
  return ((items?.discriminator as Json | undefined)?.mapping ?? {}) as Record<string, string>;
}

const defName = (ref: string) => ref.split("/").pop() ?? "";

/** The comparators of a binary statement, e.g. `(Number) >`, `==`. */
export const comparators = (defs: Defs) => Object.keys(mapping(props(defs.BinaryStatement).comparator));

/** The operators of a unary statement, e.g. `Exists`, `(Boolean) is True`. */
export const unaryOperators = (defs: Defs) => Object.keys(mapping(props(defs.UnaryStatement).operator));

/** The operations an operand (or Property Definition) may apply, e.g. `ClassificationPropertyExtract`. */
export const operationTypes = (defs: Defs, schema?: Json) =>
  Object.keys(mapping(schema ?? props(defs.StaticOperand).operations ?? props(defs.DynamicOperand).operations));

/** The group operators (`and`, `or`). */
export const groupOperators = (defs: Defs) => (props(defs.StatementGroup).operator?.enum as string[] | undefined) ?? ["and", "or"];

/** The operator a new group starts with: the schema's default. */
export const defaultGroupOperator = (defs: Defs) =>
  (props(defs.StatementGroup).operator?.default as string | undefined) ?? groupOperators(defs)[0];

/** An operation's own fields (besides `type`) and their schemas. */
export function operationFields(defs: Defs, type: string, operations?: Json): Array<[string, Json]> {
  const ref = mapping(operations ?? props(defs.StaticOperand).operations)[type];
  const def = ref ? defs[defName(ref)] : undefined;
  return Object.entries(props(def)).filter(([name]) => name !== "type");
}

/** Whether a property's schema is a query-language value this builder edits. */
export function isQuery(schema: Json): "condition" | "operations" | null {
  if (schema.$ref === "#/$defs/StatementGroup") return "condition";
  const found = mapping(schema);
  return schema.type === "array" &&
    Object.keys(found).length > 0 &&
    Object.values(found).every((r) => r.startsWith("#/$defs/")) &&
    !("StatementGroup" in found)
    ? "operations"
    : null;
}

export const newStatement = (defs: Defs): Json => ({
  type: "BinaryStatement",
  left_operand: { type: "DynamicOperand", operand_name: "", operations: [] },
  comparator: { type: comparators(defs).includes("==") ? "==" : comparators(defs)[0] },
  right_operand: { type: "StaticOperand", value: "" },
});

export const newGroup = (defs: Defs): Json => ({
  type: "StatementGroup",
  operator: defaultGroupOperator(defs),
  statements: [newStatement(defs)],
});
