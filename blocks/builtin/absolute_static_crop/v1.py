"""Absolute static crop v1."""

import uuid
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field

from blocks.kinds import IMAGE_KIND, INTEGER_KIND
from blocks.manifest import BlockDefinition, BlockManifest, OutputDefinition, Selector, block_config
from blocks.runtime import BlockRunContext

PositiveInt = Annotated[int, Field(gt=0)]


def _pixels(title: str, description: str) -> object:
    return Field(title=title, description=description)


class Manifest(BlockManifest):
    model_config = block_config(
        name="Absolute Static Crop",
        version="v1",
        short_description="Crop the same pixel region out of every image.",
        long_description=(
            "Cuts a rectangle given by its centre and size in pixels out of each image. The crop keeps "
            "its lineage (parent and root image, and its offset in them)."
        ),
        block_type="transformation",
        ui_manifest={"section": "transformation", "icon": "far fa-crop-alt", "blockPriority": 1},
    )

    type: Literal["roboflow_core/absolute_static_crop@v1", "AbsoluteStaticCrop"]
    images: Selector(IMAGE_KIND) = Field(
        title="Image",
        description="The image or images to crop.",
        examples=["$inputs.image"],
    )
    x_center: PositiveInt | Selector(INTEGER_KIND) = _pixels("X Center", "Centre of the crop, in pixels from the left.")
    y_center: PositiveInt | Selector(INTEGER_KIND) = _pixels("Y Center", "Centre of the crop, in pixels from the top.")
    width: PositiveInt | Selector(INTEGER_KIND) = _pixels("Width", "Width of the crop in pixels.")
    height: PositiveInt | Selector(INTEGER_KIND) = _pixels("Height", "Height of the crop in pixels.")


def run(values: Mapping[str, Any], context: BlockRunContext) -> list[dict[str, Any] | Exception]:
    x_min = round(values["x_center"] - values["width"] / 2)
    y_min = round(values["y_center"] - values["height"] / 2)
    results: list[dict[str, Any] | Exception] = []
    for image in values["images"]:
        crop = image.crop(x_min, y_min, x_min + values["width"], y_min + values["height"], str(uuid.uuid4()))
        results.append({"crops": crop})
    return results


DEFINITION = BlockDefinition(
    manifest=Manifest,
    outputs=(OutputDefinition("crops", (IMAGE_KIND,)),),
    batch_properties=frozenset({"images"}),
    run=run,
)
