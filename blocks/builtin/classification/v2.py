"""Classification v2: adds the `model_id` output and the `inference_id` kind to its id output."""

from collections.abc import Mapping
from typing import Any, Literal

from blocks.builtin.classification import fields
from blocks.builtin.classification.inference import classify_batch
from blocks.manifest import BlockDefinition, BlockManifest, block_config
from blocks.runtime import BlockRunContext


class Manifest(BlockManifest):
    model_config = block_config(
        name=fields.HUMAN_NAME,
        version="v2",
        short_description=fields.SHORT_DESCRIPTION,
        long_description=fields.LONG_DESCRIPTION,
        block_type="model",
        ui_manifest=fields.MODEL_UI,
    )

    type: Literal["roboflow_core/roboflow_classification_model@v2"]
    images: fields.Images = fields.images_field()
    model_id: fields.ModelId = fields.model_id_field()
    confidence: fields.FloatZeroToOne | fields.ConfidenceSelector = fields.confidence_field()
    disable_active_learning: fields.DisableActiveLearning = fields.disable_active_learning_field()
    active_learning_target_dataset: fields.ActiveLearningTargetDataset = fields.active_learning_target_dataset_field()


def run(values: Mapping[str, Any], context: BlockRunContext) -> list[dict[str, Any] | Exception]:
    return classify_batch(
        values["images"],
        model_id=values["model_id"],
        confidence=values["confidence"],
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
