"""Properties shared by every classification version.

Each version module declares its own manifest class; these field declarations are the facts they
share (names, defaults, bounds, kinds), kept once so the versions cannot drift apart by accident.
"""

from typing import Annotated, Any

from pydantic import AliasChoices, Field

from blocks.kinds import (
    BOOLEAN_KIND,
    CLASSIFICATION_PREDICTION_KIND,
    FLOAT_ZERO_TO_ONE_KIND,
    IMAGE_KIND,
    INFERENCE_ID_KIND,
    ROBOFLOW_MODEL_ID_KIND,
    ROBOFLOW_PROJECT_KIND,
)
from blocks.manifest import OutputDefinition, Selector

HUMAN_NAME = "Single-Label Classification Model"
SHORT_DESCRIPTION = "Give an image the one class a classification model is most sure of."
LONG_DESCRIPTION = """
Runs a single-label (multi-class) classification model on each image and returns, per image, the
classes whose confidence reaches the threshold, the top class and its confidence.

The model id selects where the model runs: a local ONNX model registered in Blockwise under that id,
else a Roboflow model, through a self-hosted Roboflow Inference server when one is configured or the
hosted Roboflow API otherwise. Roboflow models need an API key.
"""
SEARCH_KEYWORDS: tuple[str, ...] = ()
MODEL_UI = {
    "section": "model",
    "icon": "far fa-chart-network",
    "blockPriority": 2,
    "inference": True,
    "popular": True,
}

FloatZeroToOne = Annotated[float, Field(ge=0.0, le=1.0)]

PREDICTIONS_OUTPUT = OutputDefinition("predictions", (CLASSIFICATION_PREDICTION_KIND,))
MODEL_ID_OUTPUT = OutputDefinition("model_id", (ROBOFLOW_MODEL_ID_KIND,))
INFERENCE_ID_OUTPUT = OutputDefinition("inference_id", (INFERENCE_ID_KIND,))

BATCH_PROPERTIES = frozenset({"images"})


Images = Selector(IMAGE_KIND)
ModelId = Selector(ROBOFLOW_MODEL_ID_KIND) | str
DisableActiveLearning = bool | Selector(BOOLEAN_KIND)
ActiveLearningTargetDataset = Selector(ROBOFLOW_PROJECT_KIND) | str | None
ConfidenceSelector = Selector(FLOAT_ZERO_TO_ONE_KIND)


def images_field() -> Any:
    return Field(
        title="Image",
        description="The image or images to classify.",
        examples=["$inputs.image", "$steps.cropping.crops"],
        validation_alias=AliasChoices("images", "image"),
    )


def model_id_field() -> Any:
    return Field(
        title="Model",
        description="The model to run: a Roboflow `project/version` or a local model's id.",
        examples=["my_project/3", "$inputs.model"],
    )


def confidence_field() -> Any:
    return Field(
        default=0.4,
        title="Confidence",
        description="Classes below this confidence are left out of the predictions.",
        examples=[0.3, "$inputs.confidence_threshold"],
    )


def disable_active_learning_field() -> Any:
    # Active learning is forwarded to Roboflow; with a local model, images go to a local dataset.
    return Field(
        default=True,
        title="Disable Active Learning",
        description="Turn off collecting images for the project's active learning.",
        examples=[True, "$inputs.disable_active_learning"],
    )


def active_learning_target_dataset_field() -> Any:
    return Field(
        default=None,
        title="Active Learning Target Dataset",
        description="The dataset that collected images go to; the model's project when empty.",
        examples=["my_project", "$inputs.al_target_project"],
    )
