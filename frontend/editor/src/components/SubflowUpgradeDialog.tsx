// The upgrade preview of a subflow whose saved child has a newer revision than the one it uses: what
// the child's new revision changed, the JSON Patch of the step, and the server's validation of the
// workflow after it. Apply pins the step to the new revision in one undoable change.

import { useQuery } from "@tanstack/react-query";

import { api } from "../api";
import { describeChanges } from "../diff";
import type { Definition } from "../graph";
import { reason } from "../server/client";
import { definitionOf, useDocument } from "../store/document";
import { useUi } from "../store/ui";
import { closeDialog as close, DialogButtons, Modal } from "./Modal";
import { UpgradePreview } from "./UpgradePreview";

async function preview(step: string, workflow: number, from: number, to: number) {
  const definition = definitionOf(useDocument.getState());
  const index = definition.steps.findIndex((s) => s.name === step);
  const upgraded = structuredClone(definition);
  upgraded.steps[index] = { ...upgraded.steps[index], workflow_version_id: String(to) };
  const op = "workflow_version_id" in definition.steps[index] ? "replace" : "add";
  const [before, after, validation] = await Promise.all([api.revision(workflow, from), api.revision(workflow, to), api.validate(upgraded)]);
  return {
    changes: describeChanges(before.specification as Definition, after.specification as Definition),
    patch: [{ op, path: `/steps/${index}/workflow_version_id`, value: String(to) }],
    validation,
  };
}

export function SubflowUpgradeDialog({ step, workflow, from, to }: { step: string; workflow: number; from: number; to: number }) {
  const plan = useQuery({
    queryKey: ["subflow-upgrade", step, workflow, from, to],
    queryFn: () => preview(step, workflow, from, to),
    gcTime: 0,
  });
  const apply = () => {
    close();
    const node = useDocument.getState().nodes.find((n) => n.data.kind === "block" && n.data.name === step);
    if (!node) return;
    useDocument
      .getState()
      .updateData(node.id, (d) => (d.kind === "block" ? { ...d, literals: { ...d.literals, workflow_version_id: String(to) } } : d));
    useUi.getState().say(`Upgraded ${step} to revision ${to} of workflow ${workflow}.`, "success");
  };
  return (
    <Modal title={`Upgrade ${step}`}>
      {plan.isError && (
        <p className="error" data-testid="upgrade-error">
          {reason(plan.error)}
        </p>
      )}
      {plan.isPending && <p>Preparing the preview…</p>}
      {plan.data && (
        <UpgradePreview
          summary={`workflow ${workflow}: revision ${from} → ${to}`}
          changes={plan.data.changes.map((c) => (
            <li key={c}>{c}</li>
          ))}
          plan={plan.data}
        />
      )}
      <DialogButtons>
        <button type="button" onClick={apply} disabled={!plan.data}>
          Apply
        </button>
      </DialogButtons>
    </Modal>
  );
}
