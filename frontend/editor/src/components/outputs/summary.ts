// A step's result in a few words for its node: a classification's top class and confidence, an
// image's thumbnail and size, a value as text, or the step's status (skipped, passed, stopped, failed).

import type { StepResult } from "../../api";

export interface ImagePreview {
  type: "image";
  width: number;
  height: number;
  thumbnail?: string;
}

export type Summary =
  | { kind: "status"; text: string }
  | { kind: "classification"; text: string }
  | { kind: "image"; text: string; thumbnail?: string }
  | { kind: "value"; text: string };

interface Classification {
  top?: string;
  confidence?: number;
  predictions?: Array<{ class: string; confidence: number }>;
}

export function isImage(value: unknown): value is ImagePreview {
  const v = value as ImagePreview | null;
  return !!v && typeof v === "object" && v.type === "image" && typeof v.width === "number" && typeof v.height === "number";
}

function isClassification(value: unknown): value is Classification {
  return !!value && typeof value === "object" && Array.isArray((value as Classification).predictions);
}

const short = (text: string) => (text.length > 40 ? `${text.slice(0, 39)}…` : text);

export function summarise(result: StepResult | undefined): Summary | null {
  if (!result) return null;
  if (result.status !== "ran") return { kind: "status", text: result.status };
  const values = Object.values(result.outputs ?? {});
  const classification = values.find(isClassification);
  if (classification) {
    const confidence =
      classification.confidence ?? classification.predictions?.find((p) => p.class === classification.top)?.confidence ?? 0;
    return { kind: "classification", text: `${classification.top ?? "?"} ${confidence.toFixed(2)}` };
  }
  const image = values.find(isImage) ?? values.flatMap((v) => (Array.isArray(v) ? v : [])).find(isImage);
  if (image) return { kind: "image", text: `${image.width}×${image.height}`, thumbnail: image.thumbnail };
  if (values.length === 1) {
    const only = values[0];
    return { kind: "value", text: short(typeof only === "string" ? only : JSON.stringify(only)) };
  }
  return { kind: "value", text: short(JSON.stringify(result.outputs)) };
}
