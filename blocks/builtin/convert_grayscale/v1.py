"""Convert grayscale v1."""

from typing import Literal

from pydantic import Field

from blocks.kinds import IMAGE_KIND
from blocks.manifest import BlockDefinition, BlockManifest, OutputDefinition, Selector, block_config


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


DEFINITION = BlockDefinition(manifest=Manifest, outputs=(OutputDefinition("image", (IMAGE_KIND,)),))
