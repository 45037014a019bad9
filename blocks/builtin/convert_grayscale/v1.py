"""Convert grayscale v1."""

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
from pydantic import Field

from blocks.images import WorkflowImage
from blocks.kinds import IMAGE_KIND
from blocks.manifest import BlockDefinition, BlockManifest, OutputDefinition, Selector, block_config
from blocks.runtime import BlockRunContext


class Manifest(BlockManifest):
    model_config = block_config(
        name="Image Convert Grayscale",
        version="v1",
        title="ConvertGrayscaleManifest",
        short_description="Turn a colour image into a grayscale one.",
        long_description="Converts an RGB image to a single luminance channel, kept in an image of the same size.",
        block_type="classical_computer_vision",
        ui_manifest={"section": "classical_cv", "icon": "far fa-palette", "blockPriority": 7, "opencv": True},
    )

    type: Literal["roboflow_core/convert_grayscale@v1"]
    image: Selector(IMAGE_KIND) = Field(
        title="Input Image", description="The image to convert.", examples=["$inputs.image"]
    )


# ITU-R BT.601 luma weights, as common image libraries use for RGB to gray.
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def run(values: Mapping[str, Any], context: BlockRunContext) -> dict[str, Any]:
    image: WorkflowImage = values["image"]
    gray = np.clip(image.pixels.astype(np.float32) @ LUMA + 0.5, 0, 255).astype(np.uint8)
    # Kept as three equal channels so every block downstream sees the same pixel layout.
    return {"image": image.with_pixels(np.repeat(gray[:, :, None], 3, axis=2))}


DEFINITION = BlockDefinition(manifest=Manifest, outputs=(OutputDefinition("image", (IMAGE_KIND,)),), run=run)
