// Continue If's condition as a tree a person edits: groups (and / or) of binary and unary statements,
// each operand a static value or a named evaluation parameter with its operations. Every edit
// copies the part it changes, so fields the builder does not show stay as they were.

import { OperationsEditor } from "./OperationsEditor";
import { comparators, defaultGroupOperator, groupOperators, newGroup, newStatement, unaryOperators, type Defs, type Json } from "./query";

interface Ctx {
  defs: Defs;
  names: string[];
}

function staticText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value ?? "");
}

function parseStatic(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function Operand({ ctx, value, set, label }: { ctx: Ctx; value: Json; set: (v: Json) => void; label: string }) {
  const named = value.type === "DynamicOperand";
  return (
    <div className="operand" role="group" aria-label={label}>
      <select
        aria-label={`${label} kind`}
        value={named ? "named" : "static"}
        onChange={(e) =>
          set(
            e.target.value === "named"
              ? { type: "DynamicOperand", operand_name: ctx.names[0] ?? "", operations: value.operations ?? [] }
              : { type: "StaticOperand", value: "", operations: value.operations ?? [] },
          )
        }
      >
        <option value="static">value</option>
        <option value="named">named</option>
      </select>
      {named ? (
        <select
          aria-label={`${label} name`}
          value={String(value.operand_name ?? "")}
          onChange={(e) => set({ ...value, operand_name: e.target.value })}
        >
          {!ctx.names.includes(String(value.operand_name ?? "")) && (
            <option value={String(value.operand_name ?? "")}>{String(value.operand_name ?? "") || "choose…"}</option>
          )}
          {ctx.names.map((n) => (
            <option key={n}>{n}</option>
          ))}
        </select>
      ) : (
        <input
          aria-label={`${label} value`}
          defaultValue={staticText(value.value)}
          onBlur={(e) => set({ ...value, value: parseStatic(e.target.value) })}
        />
      )}
      {(named || Array.isArray(value.operations)) && (
        <OperationsEditor
          defs={ctx.defs}
          label={`${label} operation`}
          value={(value.operations as Json[] | undefined) ?? []}
          set={(ops) => set({ ...value, operations: ops })}
        />
      )}
    </div>
  );
}

function Statement({ ctx, value, set, remove, path }: { ctx: Ctx; value: Json; set: (v: Json) => void; remove: () => void; path: string }) {
  if (value.type === "StatementGroup") return <Group ctx={ctx} value={value} set={set} remove={remove} path={path} />;
  const unary = value.type === "UnaryStatement";
  const options = unary ? unaryOperators(ctx.defs) : comparators(ctx.defs);
  const key = unary ? "operator" : "comparator";
  const chosen = ((value[key] as Json | undefined)?.type as string | undefined) ?? "";
  return (
    <div className="statement" role="group" aria-label={`Condition ${path}`}>
      {unary ? (
        <Operand ctx={ctx} label="Operand" value={(value.operand as Json) ?? {}} set={(v) => set({ ...value, operand: v })} />
      ) : (
        <Operand ctx={ctx} label="Left" value={(value.left_operand as Json) ?? {}} set={(v) => set({ ...value, left_operand: v })} />
      )}
      <select
        aria-label={unary ? "Operator" : "Comparator"}
        value={chosen}
        onChange={(e) => set({ ...value, [key]: { ...(value[key] as Json), type: e.target.value } })}
      >
        {options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
      {!unary && (
        <Operand ctx={ctx} label="Right" value={(value.right_operand as Json) ?? {}} set={(v) => set({ ...value, right_operand: v })} />
      )}
      <label className="inline">
        <input type="checkbox" checked={Boolean(value.negate)} onChange={(e) => set({ ...value, negate: e.target.checked })} /> not
      </label>
      <button type="button" className="icon-button" aria-label={`Remove condition ${path}`} onClick={remove}>
        ×
      </button>
    </div>
  );
}

function Group({ ctx, value, set, remove, path }: { ctx: Ctx; value: Json; set: (v: Json) => void; remove?: () => void; path: string }) {
  const statements = (value.statements as Json[] | undefined) ?? [];
  const change = (index: number, next: Json | null) =>
    set({
      ...value,
      statements: next === null ? statements.filter((_, i) => i !== index) : statements.map((s, i) => (i === index ? next : s)),
    });
  return (
    <div className="statement-group" role="group" aria-label={`Group ${path || "top"}`}>
      <div className="group-head">
        <select
          aria-label="Combine with"
          value={String(value.operator ?? "or")}
          onChange={(e) => set({ ...value, operator: e.target.value })}
        >
          {groupOperators(ctx.defs).map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
        {remove && (
          <button type="button" className="icon-button" aria-label={`Remove group ${path}`} onClick={remove}>
            ×
          </button>
        )}
      </div>
      {statements.map((s, i) => (
        <Statement
          key={i}
          ctx={ctx}
          value={s}
          path={path ? `${path}.${i + 1}` : String(i + 1)}
          set={(v) => change(i, v)}
          remove={() => change(i, null)}
        />
      ))}
      <div className="group-actions">
        <button type="button" onClick={() => set({ ...value, statements: [...statements, newStatement(ctx.defs)] })}>
          Add condition
        </button>
        <button type="button" onClick={() => set({ ...value, statements: [...statements, newGroup(ctx.defs)] })}>
          Add group
        </button>
      </div>
    </div>
  );
}

export function ConditionBuilder({
  defs,
  names,
  value,
  set,
}: {
  defs: Defs;
  names: string[];
  value: Json | undefined;
  set: (v: Json) => void;
}) {
  const group = value ?? { type: "StatementGroup", operator: defaultGroupOperator(defs), statements: [] };
  return <Group ctx={{ defs, names }} value={group} set={set} path="" />;
}
