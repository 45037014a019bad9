"""Classification v3: `confidence_mode` picks the model's own threshold or a custom one."""

from collections.abc import Mapping
from typing import Any, Literal, Self

from pydantic import Field, model_validator

from blocks.builtin.classification import fields
from blocks.builtin.classification.inference import classify_batch
from blocks.kinds import STRING_KIND
from blocks.manifest import BlockDefinition, BlockManifest, Selector, block_config
from blocks.runtime import BlockRunContext


class Manifest(BlockManifest):
    model_config = block_config(
        name=fields.HUMAN_NAME,
        version="v3",
        short_description=fields.SHORT_DESCRIPTION,
        long_description=fields.LONG_DESCRIPTION,
        block_type="model",
        ui_manifest=fields.MODEL_UI,
        migrations=[
            {
                "from": "roboflow_core/roboflow_classification_model@v2",
                # Always custom: a v2 step that left `confidence` out used 0.4, which is also the
                # default of `custom_confidence`, so the step keeps its threshold either way.
                "operations": [
                    {"op": "set", "property": "confidence_mode", "value": "custom"},
                    {"op": "rename", "from": "confidence", "to": "custom_confidence"},
                ],
            }
        ],
    )

    type: Literal["roboflow_core/roboflow_classification_model@v3"]
    images: fields.Images = fields.images_field()
    model_id: fields.ModelId = fields.model_id_field()
    confidence_mode: Literal["default", "custom"] | Selector(STRING_KIND) = Field(
        default="default",
        title="Confidence Mode",
        description="`default` uses the threshold the model was trained with; `custom` uses ours.",
        json_schema_extra={
            "always_visible": True,
            "values_metadata": {"default": {"name": "Default"}, "custom": {"name": "Custom"}},
        },
    )
    custom_confidence: fields.FloatZeroToOne | fields.ConfidenceSelector | None = Field(
        default=0.4,
        title="Custom Confidence",
        description="The threshold used when the confidence mode is `custom`.",
        json_schema_extra={"relevant_for": {"confidence_mode": {"values": ["custom"], "required": True}}},
    )
    disable_active_learning: fields.DisableActiveLearning = fields.disable_active_learning_field()
    active_learning_target_dataset: fields.ActiveLearningTargetDataset = fields.active_learning_target_dataset_field()

    @model_validator(mode="after")
    def _custom_mode_needs_a_threshold(self) -> Self:
        if self.confidence_mode == "custom" and self.custom_confidence is None:
            raise ValueError("custom_confidence must be provided when confidence_mode is 'custom'")
        return self


def run(values: Mapping[str, Any], context: BlockRunContext) -> list[dict[str, Any] | Exception]:
    # "default" asks the model for the threshold it was trained with.
    custom = values["confidence_mode"] == "custom"
    return classify_batch(
        values["images"],
        model_id=values["model_id"],
        confidence=values["custom_confidence"] if custom else "default",
        disable_active_learning=values["disable_active_learning"],
        active_learning_target_dataset=values["active_learning_target_dataset"],
        context=context,
        with_model_id=True,
    )


DEFINITION = BlockDefinition(
    manifest=Manifest,
    outputs=(fields.PREDICTIONS_OUTPUT, fields.INFERENCE_ID_OUTPUT, fields.MODEL_ID_OUTPUT),
    batch_properties=fields.BATCH_PROPERTIES,
    run=run,
)
