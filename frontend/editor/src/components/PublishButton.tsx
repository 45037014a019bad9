// The toolbar's "Publish as block": for a saved workflow with nothing unsaved (what is published is
// the saved revision).

import { isDirty, useDocument } from "../store/document";
import { useUi } from "../store/ui";

export function PublishButton() {
  const saved = useDocument((s) => s.meta.id !== null && !isDirty(s));
  return (
    <button
      onClick={() => useUi.getState().show({ type: "publish" })}
      disabled={!saved}
      title={saved ? "Publish the saved revision as a block version" : "Save the workflow first"}
    >
      Publish as block
    </button>
  );
}
