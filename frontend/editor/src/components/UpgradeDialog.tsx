// The upgrade preview of one step: the server's list of changes, its JSON Patch and the validation
// after it; Apply replaces the document in one undoable change.

import { useQuery } from "@tanstack/react-query";

import { reason } from "../server/client";
import { applyUpgrade, previewUpgrade } from "../upgrades";
import { useUi } from "../store/ui";
import { UpgradeGate } from "./evaluate/UpgradeGate";
import { closeDialog as close, DialogButtons, Modal } from "./Modal";
import { UpgradePreview } from "./UpgradePreview";

export function UpgradeDialog({ step, to }: { step: string; to: string }) {
  // A preview of the document as it is now: never served from a cache.
  const preview = useQuery({ queryKey: ["upgrade", step, to], queryFn: () => previewUpgrade(step, to), gcTime: 0, staleTime: 0 });
  const plan = preview.data ?? null;
  const error = preview.isError ? reason(preview.error) : "";
  const apply = async () => {
    if (!plan) return;
    close();
    await applyUpgrade(plan);
    useUi.getState().say(`Upgraded ${step} to ${to}.`, "success");
  };
  const moved = plan?.steps.find((s) => s.step === step);
  return (
    <Modal title={`Upgrade ${step}`}>
      {error && (
        <p className="error" data-testid="upgrade-error">
          {error}
        </p>
      )}
      {!plan && !error && <p>Preparing the preview…</p>}
      {plan && (
        <UpgradePreview
          summary={moved ? `${moved.from} → ${moved.to}` : `${step} has nothing to upgrade.`}
          changes={(moved?.changes ?? []).map((c, i) => (
            <li key={i}>
              <code>{c.code}</code> {c.message}
            </li>
          ))}
          plan={plan}
        />
      )}
      {moved && <UpgradeGate step={step} to={to} />}
      <DialogButtons>
        <button type="button" onClick={() => void apply()} disabled={!moved}>
          Apply
        </button>
      </DialogButtons>
    </Modal>
  );
}
