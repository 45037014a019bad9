// What went into the shown run: each image input's images as thumbnails with their size, so an old
// run opened from the history shows its inputs beside each step's output.

import { useUi } from "../../store/ui";

/** The shown run's images for one input (on its node), or for every input (in the Run panel). */
export function RunInputs({ name }: { name?: string }) {
  const inputs = useUi((s) => s.run?.inputs);
  const shown = Object.entries(inputs ?? {}).filter(([input]) => name === undefined || input === name);
  if (shown.length === 0) return null;
  return (
    <div className="run-inputs" data-testid={name === undefined ? "run-inputs" : `node-inputs-${name}`}>
      {shown.flatMap(([input, images]) =>
        images.map((image, index) => (
          <figure key={`${input}-${index}`} className="run-input">
            <img src={image.thumbnail} alt={`${input} input${images.length > 1 ? ` ${index + 1}` : ""}`} className="thumbnail" />
            <figcaption>
              {name === undefined ? `${input} ` : ""}
              {image.width}×{image.height}
            </figcaption>
          </figure>
        )),
      )}
    </div>
  );
}
