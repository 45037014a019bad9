// A labelled dataset to evaluate on: one of the person's own, or a zip uploaded here (one folder per
// class), which is then chosen. Used by the Evaluate panel and the upgrade dialog's check.

import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";

import { queryClient, reason } from "../../server/client";
import { useUi } from "../../store/ui";
import { FilePickerButton } from "../FilePickerButton";
import { evaluationApi, evaluationKeys, type Dataset } from "./evaluationApi";

const counts = (d: Dataset) => `${d.total} images, ${Object.keys(d.classes).length} classes`;
const describe = (d: Dataset) => `${d.name} (${counts(d)})`;

export function DatasetPicker({ id, chosen, onChoose }: { id: string; chosen: number | null; onChoose: (dataset: number | null) => void }) {
  const datasets = useQuery({ queryKey: evaluationKeys.datasets, queryFn: evaluationApi.datasets });
  const found = datasets.data?.results ?? [];
  // The newest dataset is chosen until the person picks one.
  const newest = found[0]?.id ?? null;
  useEffect(() => {
    if (chosen === null && newest !== null) onChoose(newest);
  }, [chosen, newest, onChoose]);
  const upload = async (file: File) => {
    try {
      const created = await evaluationApi.uploadDataset(file);
      await queryClient.invalidateQueries({ queryKey: evaluationKeys.datasets });
      onChoose(created.id);
      const skipped = created.skipped.length ? `; ${created.skipped.length} files skipped` : "";
      useUi.getState().say(`Dataset "${created.name}" uploaded: ${counts(created)}${skipped}.`, "success");
    } catch (e) {
      useUi.getState().say(`Dataset not uploaded: ${reason(e)}`, "error");
    }
  };
  return (
    <div className="field dataset-picker">
      <label htmlFor={id}>Dataset</label>
      <select id={id} value={chosen ?? ""} onChange={(e) => onChoose(e.target.value ? Number(e.target.value) : null)}>
        {found.length === 0 && <option value="">No dataset yet: upload one</option>}
        {found.map((d) => (
          <option key={d.id} value={d.id}>
            {describe(d)}
          </option>
        ))}
      </select>
      <FilePickerButton accept=".zip,application/zip" inputLabel="Dataset zip" onFile={(file) => void upload(file)}>
        Upload dataset
      </FilePickerButton>
    </div>
  );
}
