// What both upgrade dialogs (a block version, a subflow's child revision) show: the change in one line,
// the list of what changed, the JSON Patch and the server's validation after it.

import type { ReactNode } from "react";

export interface PreviewedUpgrade {
  patch: unknown[];
  validation: { valid: boolean; errors: unknown[] };
}

export function UpgradePreview({ summary, changes, plan }: { summary: ReactNode; changes: ReactNode[]; plan: PreviewedUpgrade }) {
  return (
    <>
      <p data-testid="upgrade-summary">{summary}</p>
      <ul data-testid="upgrade-changes">{changes}</ul>
      <details>
        <summary>JSON Patch ({plan.patch.length} operations)</summary>
        <pre data-testid="upgrade-patch">{JSON.stringify(plan.patch, null, 2)}</pre>
      </details>
      <p data-testid="upgrade-validation">
        {plan.validation.valid ? "The upgraded workflow is valid." : `The upgraded workflow has ${plan.validation.errors.length} errors.`}
      </p>
    </>
  );
}
