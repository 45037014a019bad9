// A save refused because someone saved a newer revision: what theirs changed, and the ways forward.

import { create, openWorkflow, overwrite } from "../actions/documents";
import { reason } from "../server/client";
import { useDocument } from "../store/document";
import { useUi } from "../store/ui";
import { closeDialog as close, DialogButtons, Modal } from "./Modal";

export function StaleSave({ current, changes }: { current: number; changes: string[] | null }) {
  const id = useDocument((s) => s.meta.id);
  const name = useDocument((s) => s.meta.name);
  const failed = (e: unknown) => useUi.getState().say(`Not saved: ${reason(e)}`, "error");
  return (
    <Modal title="Someone saved a newer revision">
      <p>Revision {current} was saved after the one you started from. Yours is not saved yet.</p>
      {changes === null && <p>What it changed could not be read.</p>}
      {changes?.length === 0 && <p>It changed nothing in the definition (only the layout or the name).</p>}
      {changes && changes.length > 0 && (
        <>
          <p>Revision {current} changed:</p>
          <ul data-testid="their-changes" aria-label="Their changes">
            {changes.map((change) => (
              <li key={change}>{change}</li>
            ))}
          </ul>
        </>
      )}
      <DialogButtons>
        <button type="button" onClick={() => (close(), id !== null && void openWorkflow(id, { ask: false }))}>
          Open theirs
        </button>
        <button type="button" onClick={() => (close(), void create(`${name} (copy)`).catch(failed))}>
          Save as a copy
        </button>
        <button type="button" onClick={() => (close(), void overwrite(current))}>
          Overwrite
        </button>
      </DialogButtons>
    </Modal>
  );
}
