// The upgrade dialog's "Check against a dataset": the server runs the saved revision and its upgrade
// over a labelled dataset and compares them (the evaluation gate). Check only previews; "Apply if it
// passes" asks the server to upgrade the saved workflow and to refuse if the check fails.

import { useState } from "react";

import { ApiError } from "../../api";
import { openWorkflow } from "../../actions/documents";
import { reason } from "../../server/client";
import { isDirty, useDocument } from "../../store/document";
import { useUi } from "../../store/ui";
import { closeDialog } from "../Modal";
import { ComparisonView } from "./ComparisonView";
import { DatasetPicker } from "./DatasetPicker";
import { evaluationApi, type Gate } from "./evaluationApi";
import { gateVerdict } from "./report";

export function UpgradeGate({ step, to }: { step: string; to: string }) {
  const meta = useDocument((s) => s.meta);
  const dirty = useDocument(isDirty);
  const user = useUi((s) => s.user);
  const [wanted, setWanted] = useState(false);
  const [dataset, setDataset] = useState<number | null>(null);
  const [drop, setDrop] = useState("1");
  const [gate, setGate] = useState<Gate | null>(null);
  const [refusal, setRefusal] = useState("");
  const [busy, setBusy] = useState(false);
  const { id: workflowId, revision } = meta;
  if (workflowId === null || revision === null || !user) return null;
  const run = async (apply: boolean) => {
    if (dataset === null) return;
    setBusy(true);
    setRefusal("");
    try {
      const answer = await evaluationApi.gatedUpgrade(
        workflowId,
        revision,
        { [step]: to },
        { dataset, maxAccuracyDrop: Number(drop), apply },
      );
      setGate(answer.gate ?? null);
      if (apply && answer.revision !== null) {
        closeDialog();
        await openWorkflow(workflowId, { ask: false });
        useUi.getState().say(`Upgraded ${step} to ${to} in revision ${answer.revision}: it passed the check on the dataset.`, "success");
      }
    } catch (e) {
      // A failed required gate is a 409 that carries the comparison: show both.
      const refused = e instanceof ApiError ? (e.body.gate as Gate | undefined) : undefined;
      if (refused) setGate(refused);
      setRefusal(reason(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <fieldset className="gate" data-testid="upgrade-gate">
      <legend>
        <label>
          <input type="checkbox" checked={wanted} onChange={(e) => setWanted(e.target.checked)} /> Check against a dataset
        </label>
      </legend>
      {wanted && dirty && <p>Save the workflow first: the check runs the saved revision and its upgrade.</p>}
      {wanted && !dirty && (
        <>
          <DatasetPicker id="gate-dataset" chosen={dataset} onChoose={setDataset} />
          <div className="field">
            <label htmlFor="gate-drop">Largest accuracy drop allowed (points)</label>
            <input id="gate-drop" type="number" min={0} max={100} step={0.1} value={drop} onChange={(e) => setDrop(e.target.value)} />
          </div>
          <div className="buttons">
            <button type="button" onClick={() => void run(false)} disabled={busy || dataset === null}>
              Check
            </button>
            <button type="button" onClick={() => void run(true)} disabled={busy || dataset === null}>
              Apply if it passes
            </button>
          </div>
          {busy && <p>Running the saved revision and its upgrade over the dataset…</p>}
          {refusal && (
            <p className="status-error" role="alert" data-testid="gate-refusal">
              {refusal}
            </p>
          )}
          {gate && (
            <>
              <p className={`gate-verdict ${gate.passed ? "passed" : "failed"}`} data-testid="gate-verdict">
                {gateVerdict(gate)}
              </p>
              <ComparisonView comparison={gate.comparison} sides={[`Revision ${gate.base_revision}`, "Upgraded"]} />
            </>
          )}
        </>
      )}
    </fieldset>
  );
}
