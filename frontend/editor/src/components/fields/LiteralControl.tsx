// The literal editor of one property, chosen by its schema (schemaForm.ts): a select for an enum, a
// number field with its bounds, a checkbox, a text field, or JSON for anything structured; a
// nullable property gets a "none" choice.

import type { PropertyInfo } from "../../api";
import { literalForm } from "../../schemaForm";
import { JsonText } from "./JsonText";

interface Props {
  property: PropertyInfo;
  schema: Record<string, unknown>;
  value: unknown;
  set: (value: unknown) => void;
  models: string[];
}

function Control({ property, schema, value, set, models }: Props) {
  const form = literalForm(schema, property.name);
  const id = `field-${property.name}`;
  const placeholder = property.has_default && property.default !== null ? String(property.default) : "";
  switch (form.control) {
    case "enum":
      return (
        <select id={id} data-testid={id} value={String(value ?? property.default ?? "")} onChange={(e) => set(e.target.value)}>
          {value === undefined && property.default === undefined && <option value="">choose…</option>}
          {form.options.map((option) => (
            <option key={String(option)}>{String(option)}</option>
          ))}
        </select>
      );
    case "boolean":
      return (
        <input
          id={id}
          type="checkbox"
          data-testid={id}
          checked={Boolean(value ?? property.default)}
          onChange={(e) => set(e.target.checked)}
        />
      );
    case "number":
    case "integer":
      return (
        <input
          id={id}
          type="number"
          data-testid={id}
          min={form.min}
          max={form.max}
          step={form.control === "integer" ? 1 : "any"}
          placeholder={placeholder}
          value={typeof value === "number" ? String(value) : ""}
          onChange={(e) => set(e.target.value === "" ? undefined : Number(e.target.value))}
        />
      );
    case "string":
      return (
        <>
          <input
            id={id}
            data-testid={id}
            list={property.name === "model_id" ? "known-models" : undefined}
            placeholder={placeholder}
            value={typeof value === "string" ? value : ""}
            onChange={(e) => set(e.target.value)}
          />
          {property.name === "model_id" && (
            <datalist id="known-models">
              {models.map((m) => (
                <option key={m} value={m} />
              ))}
            </datalist>
          )}
        </>
      );
    default:
      return <JsonText id={id} value={value} set={set} />;
  }
}

export function LiteralControl(props: Props) {
  const form = literalForm(props.schema, props.property.name);
  const isNone = props.value === null;
  return (
    <div className="literal">
      {!isNone && <Control {...props} />}
      {form.bounds && !isNone && (
        <span className="bounds" data-testid={`bounds-${props.property.name}`}>
          {form.bounds}
        </span>
      )}
      {form.nullable && (
        <label className="inline">
          <input
            type="checkbox"
            aria-label={`${props.property.name}: none`}
            checked={isNone}
            onChange={(e) => props.set(e.target.checked ? null : undefined)}
          />
          none
        </label>
      )}
    </div>
  );
}
