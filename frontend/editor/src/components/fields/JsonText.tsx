// A value edited as JSON text: applied when the field is left and the text parses; until then the
// last valid value stays and the field says so.

import { useState } from "react";

export function JsonText({ id, value, set, empty }: { id: string; value: unknown; set: (v: unknown) => void; empty?: unknown }) {
  const shown = value === undefined ? "" : JSON.stringify(value, null, 2);
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState("");
  const text = draft ?? shown;
  return (
    <>
      <textarea
        id={id}
        data-testid={id}
        rows={Math.min(16, Math.max(3, text.split("\n").length))}
        value={text}
        spellCheck={false}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => {
          if (draft === null) return;
          try {
            set(draft.trim() ? JSON.parse(draft) : empty);
            setDraft(null);
            setError("");
          } catch {
            setError("Not valid JSON yet: the last valid value is kept.");
          }
        }}
      />
      {error && <div className="note">{error}</div>}
    </>
  );
}
