// The name of a step, input or output; renaming updates every selector that names it.

import { useEffect, useState } from "react";

import { useDocument, type FlowNode } from "../store/document";

/** A name field that renames on Enter or when it loses focus (every selector follows). */
export function NameField({ node }: { node: FlowNode }) {
  const [draft, setDraft] = useState(node.data.name);
  useEffect(() => setDraft(node.data.name), [node.data.name]);
  const commit = () => {
    if (draft.trim() && draft !== node.data.name) setDraft(useDocument.getState().renameNode(node.id, draft.trim()) ?? node.data.name);
  };
  return (
    <div className="field">
      <label htmlFor="field-name">name</label>
      <input
        id="field-name"
        data-testid="field-name"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === "Enter" && commit()}
      />
    </div>
  );
}
