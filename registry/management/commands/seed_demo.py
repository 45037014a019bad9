"""Register the demo model `demo-shapes/1` and save a sample workflow that uses it; idempotent."""

import json
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from registry.models import Workflow
from registry.services.models import local_model_register_path
from registry.services.workflows import workflow_create

DEMO_MODEL_ID = "demo-shapes/1"
DEMO_WORKFLOW_NAME = "Demo: colour of the shape"
# Owns the sample workflow until an admin exists (`make run` seeds before `ensure_admin`); it cannot
# sign in, so the admin adopts what it owns.
PLACEHOLDER_OWNER = "demo"


def demo_workflows_adopt(*, owner: Any) -> int:
    """Hands the sample workflows the inactive placeholder owns to `owner`; returns how many moved."""
    moved: int = Workflow.objects.filter(owner__username=PLACEHOLDER_OWNER, owner__is_active=False).update(owner=owner)
    return moved


def demo_specification() -> dict[str, Any]:
    return {
        "version": "1.0",
        "inputs": [
            {"type": "WorkflowImage", "name": "image"},
            {"type": "WorkflowParameter", "name": "confidence", "default_value": 0.3},
        ],
        "steps": [
            {
                "type": "roboflow_core/roboflow_classification_model@v2",
                "name": "classifier",
                "images": "$inputs.image",
                "model_id": DEMO_MODEL_ID,
                "confidence": "$inputs.confidence",
            }
        ],
        "outputs": [
            {"type": "JsonField", "name": "predictions", "selector": "$steps.classifier.predictions"},
            {"type": "JsonField", "name": "model", "selector": "$steps.classifier.model_id"},
        ],
    }


class Command(BaseCommand):
    help = "Register the demo ONNX model and save a sample workflow that uses it."

    def handle(self, *args: Any, **options: Any) -> None:
        meta = json.loads((settings.BASE_DIR / "registry" / "demo" / "demo-shapes.json").read_text())
        _, created = local_model_register_path(
            model_id=DEMO_MODEL_ID,
            file_path="registry/demo/demo-shapes.onnx",
            class_names=meta["class_names"],
            input_width=meta["input_width"],
            input_height=meta["input_height"],
        )
        if created:
            self.stdout.write(f"registered the local model {DEMO_MODEL_ID}")
        owner = get_user_model().objects.filter(username="admin").first()
        if owner is None:
            owner, _ = get_user_model().objects.get_or_create(username=PLACEHOLDER_OWNER, defaults={"is_active": False})
        if not Workflow.objects.filter(name=DEMO_WORKFLOW_NAME).exists():
            workflow_create(
                owner=owner,
                name=DEMO_WORKFLOW_NAME,
                specification=demo_specification(),
                public=True,
                description="Classifies the colour of the shape in an image with the demo model.",
            )
            self.stdout.write(f"saved the sample workflow {DEMO_WORKFLOW_NAME!r}")
