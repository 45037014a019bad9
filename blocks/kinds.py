"""The kinds: the nominal types that decide which outputs may feed which inputs.

Names and serialised types are Roboflow's (spec section 3.2), so definitions and manifests carry
over unchanged; descriptions are ours. A connection is allowed when the two sides share a kind name
or either side is the wildcard ``*`` (spec section 3.4).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    description: str
    serialised_data_type: str
    internal_data_type: str

    def as_dict(self) -> dict[str, str]:
        """The kind as manifests embed it; long docs are left out on purpose to keep payloads small."""
        return {
            "name": self.name,
            "description": self.description,
            "serialised_data_type": self.serialised_data_type,
            "internal_data_type": self.internal_data_type,
        }


def _kind(name: str, description: str, serialised: str, internal: str | None = None) -> Kind:
    return Kind(name, description, serialised, internal if internal is not None else serialised)


DETECTIONS = "sv.Detections"

WILDCARD_KIND = _kind("*", "Any value; turns kind checking off for this connection", "Any")
IMAGE_KIND = _kind("image", "An image, with its lineage when it is a crop", "dict", "WorkflowImageData")
VIDEO_METADATA_KIND = _kind("video_metadata", "Frame metadata of a video source (deprecated)", "dict", "VideoMetadata")
TIMESTAMP_KIND = _kind("timestamp", "A point in time, serialised in ISO 8601", "str", "datetime")
ROBOFLOW_MODEL_ID_KIND = _kind("roboflow_model_id", "A Roboflow model id, `project/version`", "str")
ROBOFLOW_PROJECT_KIND = _kind("roboflow_project", "The name of a Roboflow project", "str")
ROBOFLOW_SOLUTION_KIND = _kind("roboflow_solution", "A Roboflow solution identifier", "str")
ROBOFLOW_API_KEY_KIND = _kind("roboflow_api_key", "A Roboflow API key", "str")
ROBOFLOW_MANAGED_KEY_KIND = _kind("ROBOFLOW_MANAGED_KEY", "A credential that Roboflow manages", "str")
SECRET_KIND = _kind("secret", "A secret; shown masked when serialised", "str")
FLOAT_ZERO_TO_ONE_KIND = _kind("float_zero_to_one", "A number between 0.0 and 1.0 inclusive", "float")
FLOAT_KIND = _kind("float", "A floating point number", "float")
INTEGER_KIND = _kind("integer", "A whole number", "int")
STRING_KIND = _kind("string", "A piece of text", "str")
BOOLEAN_KIND = _kind("boolean", "True or false", "bool")
LIST_OF_VALUES_KIND = _kind("list_of_values", "A list whose elements may be of any type", "List[Any]")
DICTIONARY_KIND = _kind("dictionary", "A mapping from keys to values", "dict")
EMBEDDING_KIND = _kind("embedding", "A vector of floats describing an input", "List[float]")
RGB_COLOR_KIND = _kind("rgb_color", "A colour as three 0-255 channel values", "Tuple[int, int, int]")
POINT_KIND = _kind("point", "A 2D point in pixels", "Tuple[int, int]")
LABELED_POINTS_KIND = _kind("labeled_points", "2D points, each marked as positive or negative", "List[Dict[str, Any]]")
ZONE_KIND = _kind("zone", "A polygon given by its vertices", "List[Tuple[int, int]]")
CONTOURS_KIND = _kind("contours", "Contours, each a list of points", "List[list]", "List[np.ndarray]")
NUMPY_ARRAY_KIND = _kind("numpy_array", "An n-dimensional array of numbers", "list", "np.ndarray")
TENSOR_KIND = _kind("tensor", "A raw multi-dimensional numeric tensor", "list", "torch.Tensor")
IMAGE_KEYPOINTS_KIND = _kind("image_keypoints", "Keypoints found by a classical vision method", "dict")
SERIALISED_PAYLOADS_KIND = _kind(
    "serialised_payloads",
    "Payloads serialised for a sink",
    "List[Union[str, dict]]",
    "List[Union[str, bytes, dict]]",
)
BYTES_KIND = _kind("bytes", "Binary data, base64 when serialised", "str", "bytes")
TOP_CLASS_KIND = _kind("top_class", "The most confident class of a classification", "str")
CLASSIFICATION_PREDICTION_KIND = _kind(
    "classification_prediction", "The result of a single- or multi-label classifier", "dict"
)
OBJECT_DETECTION_PREDICTION_KIND = _kind(
    "object_detection_prediction", "Bounding boxes found by a detector", "dict", DETECTIONS
)
INSTANCE_SEGMENTATION_PREDICTION_KIND = _kind(
    "instance_segmentation_prediction", "Bounding boxes with segmentation masks", "dict", DETECTIONS
)
RLE_INSTANCE_SEGMENTATION_PREDICTION_KIND = _kind(
    "rle_instance_segmentation_prediction",
    "Bounding boxes with run-length encoded masks",
    "dict",
    DETECTIONS,
)
SEMANTIC_SEGMENTATION_PREDICTION_KIND = _kind(
    "semantic_segmentation_prediction", "A class label and confidence for every pixel", "dict", DETECTIONS
)
KEYPOINT_DETECTION_PREDICTION_KIND = _kind(
    "keypoint_detection_prediction", "Bounding boxes with keypoints inside them", "dict", DETECTIONS
)
QR_CODE_DETECTION_KIND = _kind("qr_code_detection", "QR codes found in an image", "dict", DETECTIONS)
BAR_CODE_DETECTION_KIND = _kind("bar_code_detection", "Barcodes found in an image", "dict", DETECTIONS)
ACTION_RECOGNITION_PREDICTION_KIND = _kind(
    "action_recognition_prediction",
    "Video segments, each with the action recognised in it",
    "List[dict]",
    "List[ActionRecognitionPrediction]",
)
DETECTION_KIND = _kind(
    "detection",
    "One element of a detections prediction",
    "Tuple[list, Optional[list], Optional[float], Optional[float], Optional[int], dict]",
    "Tuple[np.ndarray, Optional[np.ndarray], Optional[float], Optional[float], Optional[int], dict]",
)
DETECTIONS_OVERLAPS_KIND = _kind(
    "detections_overlaps", "Overlap records for pairs of detections", "List[Dict[str, Any]]"
)
PREDICTION_TYPE_KIND = _kind("prediction_type", "The type of a prediction, such as classification", "str")
PARENT_ID_KIND = _kind("parent_id", "The identifier of the image an output derives from", "str")
INFERENCE_ID_KIND = _kind("inference_id", "The identifier of one model inference", "str")
IMAGE_METADATA_KIND = _kind("image_metadata", "Image size and related metadata", "dict")
LANGUAGE_MODEL_OUTPUT_KIND = _kind("language_model_output", "Raw text produced by a language model", "str")

ALL_KINDS: tuple[Kind, ...] = (
    WILDCARD_KIND,
    IMAGE_KIND,
    VIDEO_METADATA_KIND,
    TIMESTAMP_KIND,
    ROBOFLOW_MODEL_ID_KIND,
    ROBOFLOW_PROJECT_KIND,
    ROBOFLOW_SOLUTION_KIND,
    ROBOFLOW_API_KEY_KIND,
    ROBOFLOW_MANAGED_KEY_KIND,
    SECRET_KIND,
    FLOAT_ZERO_TO_ONE_KIND,
    FLOAT_KIND,
    INTEGER_KIND,
    STRING_KIND,
    BOOLEAN_KIND,
    LIST_OF_VALUES_KIND,
    DICTIONARY_KIND,
    EMBEDDING_KIND,
    RGB_COLOR_KIND,
    POINT_KIND,
    LABELED_POINTS_KIND,
    ZONE_KIND,
    CONTOURS_KIND,
    NUMPY_ARRAY_KIND,
    TENSOR_KIND,
    IMAGE_KEYPOINTS_KIND,
    SERIALISED_PAYLOADS_KIND,
    BYTES_KIND,
    TOP_CLASS_KIND,
    CLASSIFICATION_PREDICTION_KIND,
    OBJECT_DETECTION_PREDICTION_KIND,
    INSTANCE_SEGMENTATION_PREDICTION_KIND,
    RLE_INSTANCE_SEGMENTATION_PREDICTION_KIND,
    SEMANTIC_SEGMENTATION_PREDICTION_KIND,
    KEYPOINT_DETECTION_PREDICTION_KIND,
    QR_CODE_DETECTION_KIND,
    BAR_CODE_DETECTION_KIND,
    ACTION_RECOGNITION_PREDICTION_KIND,
    DETECTION_KIND,
    DETECTIONS_OVERLAPS_KIND,
    PREDICTION_TYPE_KIND,
    PARENT_ID_KIND,
    INFERENCE_ID_KIND,
    IMAGE_METADATA_KIND,
    LANGUAGE_MODEL_OUTPUT_KIND,
)

KINDS_BY_NAME: MappingProxyType[str, Kind] = MappingProxyType({kind.name: kind for kind in ALL_KINDS})
