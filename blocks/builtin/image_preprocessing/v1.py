"""Image preprocessing v1."""

from collections.abc import Mapping
from typing import Annotated, Any, Literal

import numpy as np
from PIL import Image
from pydantic import Field

from blocks.images import WorkflowImage
from blocks.kinds import IMAGE_KIND, INTEGER_KIND, STRING_KIND
from blocks.manifest import BlockDefinition, BlockManifest, OutputDefinition, Selector, block_config
from blocks.runtime import BlockRunContext, BlockRunError

PositiveInt = Annotated[int, Field(gt=0)]


class Manifest(BlockManifest):
    model_config = block_config(
        name="Image Preprocessing",
        version="v1",
        title="ImagePreprocessingManifest",
        short_description="Resize, rotate or flip an image.",
        long_description=(
            "Transforms an image in one of three ways, chosen by `task_type`: resize it to a width "
            "and height, rotate it by a number of degrees, or flip it vertically, horizontally or both."
        ),
        block_type="classical_computer_vision",
        search_keywords=("resize", "rotate", "flip", "scale", "transform", "mirror"),
        ui_manifest={"section": "classical_cv", "icon": "far fa-image", "blockPriority": 0.1, "opencv": True},
    )

    type: Literal["roboflow_core/image_preprocessing@v1"]
    image: Selector(IMAGE_KIND) = Field(
        title="Input Image", description="The image to transform.", examples=["$inputs.image"]
    )
    task_type: Literal["resize", "rotate", "flip"] = Field(
        title="Task Type", description="Which transformation to apply."
    )
    width: PositiveInt | Selector(INTEGER_KIND) = Field(
        default=640,
        title="Width",
        description="Target width in pixels, for `resize`.",
        json_schema_extra={"relevant_for": {"task_type": {"values": ["resize"], "required": True}}},
    )
    height: PositiveInt | Selector(INTEGER_KIND) = Field(
        default=640,
        title="Height",
        description="Target height in pixels, for `resize`.",
        json_schema_extra={"relevant_for": {"task_type": {"values": ["resize"], "required": True}}},
    )
    rotation_degrees: int | Selector(INTEGER_KIND) = Field(
        default=90,
        title="Degrees of Rotation",
        description="Degrees to rotate by, counter-clockwise, for `rotate`.",
        json_schema_extra={"relevant_for": {"task_type": {"values": ["rotate"], "required": True}}},
    )
    flip_type: Selector(STRING_KIND) | Literal["vertical", "horizontal", "both"] = Field(
        default="vertical",
        title="Flip Type",
        description="The axis to flip about, for `flip`.",
        json_schema_extra={"relevant_for": {"task_type": {"values": ["flip"], "required": True}}},
    )


def run(values: Mapping[str, Any], context: BlockRunContext) -> dict[str, Any]:
    image: WorkflowImage = values["image"]
    task = values["task_type"]
    if task == "resize":
        width, height = values["width"], values["height"]
        if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
            raise BlockRunError(f"Step `{context.step_name}`: resize needs positive integer width and height.")
        pixels = np.asarray(Image.fromarray(image.pixels).resize((width, height), Image.Resampling.BILINEAR))
    elif task == "rotate":
        degrees = values["rotation_degrees"]
        if not isinstance(degrees, int):
            raise BlockRunError(f"Step `{context.step_name}`: rotation_degrees must be an integer.")
        # Positive angles turn counter-clockwise; the canvas grows to keep every pixel.
        pixels = np.asarray(Image.fromarray(image.pixels).rotate(degrees, expand=True))
    else:
        flip = values["flip_type"]
        if flip not in {"vertical", "horizontal", "both"}:
            raise BlockRunError(f"Step `{context.step_name}`: flip_type must be vertical, horizontal or both.")
        pixels = image.pixels
        if flip in {"vertical", "both"}:
            pixels = pixels[::-1, :, :]
        if flip in {"horizontal", "both"}:
            pixels = pixels[:, ::-1, :]
    return {"image": image.with_pixels(pixels)}


DEFINITION = BlockDefinition(manifest=Manifest, outputs=(OutputDefinition("image", (IMAGE_KIND,)),), run=run)
