"""Image preprocessing v1."""

from typing import Annotated, Literal

from pydantic import Field

from blocks.kinds import IMAGE_KIND, INTEGER_KIND, STRING_KIND
from blocks.manifest import BlockDefinition, BlockManifest, OutputDefinition, Selector, block_config

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


DEFINITION = BlockDefinition(manifest=Manifest, outputs=(OutputDefinition("image", (IMAGE_KIND,)),))
