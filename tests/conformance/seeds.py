"""Valid workflow definitions that the mutation generator bends: each is valid for Roboflow 1.8.3
and for us, and together they use every built-in block, every input type and the batch, crop and
flow-control paths of the compiler."""

from typing import Any

CLASSIFIER_V2 = "roboflow_core/roboflow_classification_model@v2"
CLASSIFIER_V3 = "roboflow_core/roboflow_classification_model@v3"


def classify() -> dict[str, Any]:
    """Spec 1.5: one classifier fed by parameters."""
    return {
        "version": "1.0",
        "inputs": [
            {"type": "WorkflowImage", "name": "image"},
            {"type": "WorkflowParameter", "name": "model_id", "default_value": "my-project/3"},
            {"type": "WorkflowParameter", "name": "confidence", "default_value": 0.4},
        ],
        "steps": [
            {
                "type": CLASSIFIER_V2,
                "name": "classifier",
                "images": "$inputs.image",
                "model_id": "$inputs.model_id",
                "confidence": "$inputs.confidence",
            }
        ],
        "outputs": [
            {"type": "JsonField", "name": "predictions", "selector": "$steps.classifier.predictions"},
            {"type": "JsonField", "name": "model", "selector": "$steps.classifier.model_id"},
        ],
    }


def crop_and_branch() -> dict[str, Any]:
    """Static crops, image operations, a v3 classifier, a property and a condition gating a step."""
    return {
        "version": "1.0",
        "inputs": [
            {"type": "WorkflowImage", "name": "image"},
            {"type": "WorkflowParameter", "name": "wanted", "kind": ["string"], "default_value": "cat"},
        ],
        "steps": [
            {
                "type": "roboflow_core/relative_statoic_crop@v1",
                "name": "centre",
                "images": "$inputs.image",
                "x_center": 0.5,
                "y_center": 0.5,
                "width": 0.6,
                "height": 0.6,
            },
            {"type": "roboflow_core/convert_grayscale@v1", "name": "grey", "image": "$steps.centre.crops"},
            {
                "type": "roboflow_core/image_preprocessing@v1",
                "name": "resize",
                "image": "$steps.grey.image",
                "task_type": "resize",
                "width": 224,
                "height": 224,
            },
            {
                "type": CLASSIFIER_V3,
                "name": "classifier",
                "images": "$steps.resize.image",
                "model_id": "pets/2",
                "confidence_mode": "custom",
                "custom_confidence": 0.5,
            },
            {
                "type": "roboflow_core/property_definition@v1",
                "name": "top",
                "data": "$steps.classifier.predictions",
                "operations": [{"type": "ClassificationPropertyExtract", "property_name": "top_class"}],
            },
            {
                "type": "roboflow_core/continue_if@v1",
                "name": "only_wanted",
                "condition_statement": {
                    "type": "StatementGroup",
                    "statements": [
                        {
                            "type": "BinaryStatement",
                            "left_operand": {"type": "DynamicOperand", "operand_name": "label"},
                            "comparator": {"type": "=="},
                            "right_operand": {"type": "DynamicOperand", "operand_name": "wanted"},
                        }
                    ],
                },
                "evaluation_parameters": {"label": "$steps.top.output", "wanted": "$inputs.wanted"},
                "next_steps": ["$steps.second_opinion"],
            },
            {
                "type": "roboflow_core/absolute_static_crop@v1",
                "name": "second_opinion",
                "images": "$steps.resize.image",
                "x_center": 112,
                "y_center": 112,
                "width": 100,
                "height": 100,
            },
        ],
        "outputs": [
            {"type": "JsonField", "name": "label", "selector": "$steps.top.output"},
            {"type": "JsonField", "name": "zoomed", "selector": "$steps.second_opinion.crops"},
            {"type": "JsonField", "name": "everything", "selector": "$steps.classifier.*"},
        ],
    }


def detect_crop_classify() -> dict[str, Any]:
    """Detections cropped and classified one crop at a time, then folded back into the detections:
    inputs at two dimensionalities, as the blocks' offsets allow."""
    return {
        "version": "1.0",
        "inputs": [
            {"type": "WorkflowImage", "name": "image"},
            {"type": "WorkflowBatchInput", "name": "extra", "kind": ["image"], "dimensionality": 1},
        ],
        "steps": [
            {
                "type": "roboflow_core/roboflow_object_detection_model@v2",
                "name": "detector",
                "images": "$inputs.image",
                "model_id": "animals/1",
            },
            {
                "type": "roboflow_core/dynamic_crop@v1",
                "name": "crops",
                "images": "$inputs.image",
                "predictions": "$steps.detector.predictions",
            },
            {
                "type": "roboflow_core/roboflow_classification_model@v1",
                "name": "breed",
                "images": "$steps.crops.crops",
                "model_id": "breeds/4",
                "confidence": 0.3,
            },
            {
                "type": "roboflow_core/detections_classes_replacement@v1",
                "name": "relabel",
                "object_detection_predictions": "$steps.detector.predictions",
                "classification_predictions": "$steps.breed.predictions",
            },
            {"type": CLASSIFIER_V2, "name": "scene", "images": "$inputs.extra", "model_id": "scenes/1"},
        ],
        "outputs": [
            {"type": "JsonField", "name": "detections", "selector": "$steps.relabel.predictions"},
            {"type": "JsonField", "name": "scene", "selector": "$steps.scene.predictions"},
        ],
    }


SEEDS = {"classify": classify, "crop_and_branch": crop_and_branch, "detect_crop_classify": detect_crop_classify}
