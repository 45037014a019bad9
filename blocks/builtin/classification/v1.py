"""Classification v1: the original version, with Roboflow's two legacy aliases."""

from collections.abc import Mapping
from typing import Any, Literal

from blocks.builtin.classification import fields
from blocks.builtin.classification.inference import classify_batch
from blocks.kinds import STRING_KIND
from blocks.manifest import BlockDefinition, BlockManifest, OutputDefinition, block_config
from blocks.runtime import BlockRunContext


class Manifest(BlockManifest):
    model_config = block_config(
        name=fields.HUMAN_NAME,
        version="v1",
        short_description=fields.SHORT_DESCRIPTION,
        long_description=fields.LONG_DESCRIPTION,
        block_type="model",
    )

    type: Literal[
        "roboflow_core/roboflow_classification_model@v1",
        "RoboflowClassificationModel",
        "ClassificationModel",
    ]
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
        with_model_id=False,
    )


DEFINITION = BlockDefinition(
    manifest=Manifest,
    # v1 declared its inference id as a plain string; v2 gave it its own kind.
    outputs=(fields.PREDICTIONS_OUTPUT, OutputDefinition("inference_id", (STRING_KIND,))),
    batch_properties=fields.BATCH_PROPERTIES,
    run=run,
)
