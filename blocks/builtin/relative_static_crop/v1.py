"""Relative static crop v1 (Roboflow spells its identifier `relative_statoic_crop`)."""

import uuid
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field

from blocks.kinds import FLOAT_ZERO_TO_ONE_KIND, IMAGE_KIND
from blocks.manifest import BlockDefinition, BlockManifest, OutputDefinition, Selector, block_config
from blocks.runtime import BlockRunContext

Fraction = Annotated[float, Field(ge=0.0, le=1.0)]


def _fraction(title: str, description: str) -> object:
    return Field(title=title, description=description)


class Manifest(BlockManifest):
    model_config = block_config(
        name="Relative Static Crop",
        version="v1",
        short_description="Crop the same region, as fractions of the size, out of every image.",
        long_description=(
            "Cuts a rectangle given by its centre and size as fractions (0 to 1) of the image's width "
            "and height out of each image, so it adapts to images of any size."
        ),
        block_type="transformation",
        ui_manifest={"section": "transformation", "icon": "far fa-crop-alt", "blockPriority": 2},
    )

    type: Literal["roboflow_core/relative_statoic_crop@v1", "RelativeStaticCrop"]
    images: Selector(IMAGE_KIND) = Field(
        title="Image", description="The image or images to crop.", examples=["$inputs.image"]
    )
    x_center: Fraction | Selector(
        FLOAT_ZERO_TO_ONE_KIND
    ) = _fraction("X Center", "Centre of the crop, as a fraction of the width.")
    y_center: Fraction | Selector(
        FLOAT_ZERO_TO_ONE_KIND
    ) = _fraction("Y Center", "Centre of the crop, as a fraction of the height.")
    width: Fraction | Selector(
        FLOAT_ZERO_TO_ONE_KIND
    ) = _fraction("Width", "Width of the crop, as a fraction of the image width.")
    height: Fraction | Selector(
        FLOAT_ZERO_TO_ONE_KIND
    ) = _fraction("Height", "Height of the crop, as a fraction of the image height.")


def run(values: Mapping[str, Any], context: BlockRunContext) -> list[dict[str, Any] | Exception]:
    results: list[dict[str, Any] | Exception] = []
    for image in values["images"]:
        width, height = round(values["width"] * image.width), round(values["height"] * image.height)
        x_min = round(values["x_center"] * image.width - width / 2)
        y_min = round(values["y_center"] * image.height - height / 2)
        results.append({"crops": image.crop(x_min, y_min, x_min + width, y_min + height, str(uuid.uuid4()))})
    return results


DEFINITION = BlockDefinition(
    manifest=Manifest,
    outputs=(OutputDefinition("crops", (IMAGE_KIND,)),),
    batch_properties=frozenset({"images"}),
    run=run,
)
