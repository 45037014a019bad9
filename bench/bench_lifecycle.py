"""Registry lifecycle: the semantic diff over the whole catalog, and the impact of a version change.

- diff of every consecutive pair of versions in Roboflow 1.8.3's 250-block catalog (66 pairs),
  descriptions parsed included;
- usages of classification v2 with the would-break list for v3 across 1,000 saved workflows: each
  workflow's latest revision is moved to v3 (declared migrations applied) and re-validated. The
  definitions all differ and outnumber the compiler's cache, so every run compiles each one.
Run: .venv/bin/python -m bench.bench_lifecycle
"""

from __future__ import annotations

import gzip
import io
import json

from bench._support import ROBOFLOW_DESCRIBE, measure_ms, report, use_temporary_database

WORKFLOWS = 1000
V2 = "roboflow_core/roboflow_classification_model@v2"


def _definition(index: int) -> dict[str, object]:
    return {
        "version": "1.0",
        "inputs": [{"type": "WorkflowImage", "name": "image"}],
        "steps": [
            {
                "type": V2,
                "name": f"classifier_{index}",
                "images": "$inputs.image",
                "model_id": f"project-{index}/1",
                "confidence": round(index / WORKFLOWS, 3),
            }
        ],
        "outputs": [{"type": "JsonField", "name": "predictions", "selector": f"$steps.classifier_{index}.predictions"}],
    }


def main() -> None:
    with gzip.open(ROBOFLOW_DESCRIBE, "rt", encoding="utf-8") as handle:
        payload = json.load(handle)

    from blocks.compatibility.report import consecutive_pairs

    pairs = len(consecutive_pairs(payload["blocks"]))
    report(
        f"diff every consecutive pair ({pairs} pairs)",
        measure_ms(lambda: consecutive_pairs(payload["blocks"]), repeat=20),
        "ms",
        "< 200",
    )

    use_temporary_database()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from registry.selectors.catalog import block_version_get
    from registry.selectors.usages import block_version_usages
    from registry.services.catalog_sync import blocks_import
    from registry.services.workflows import workflow_create

    call_command("migrate", verbosity=0)
    call_command("sync_blocks", stdout=io.StringIO())
    blocks_import(payload)
    staff = get_user_model().objects.create_user(username="bench", is_staff=True)
    for index in range(WORKFLOWS):
        workflow_create(owner=staff, name=f"workflow {index}", specification=_definition(index))
    row = block_version_get(V2)
    target = block_version_get("roboflow_core/roboflow_classification_model@v3")
    found = block_version_usages(row=row, user=staff, target=target)
    assert (found["count"], found["would_break"]) == (WORKFLOWS, []), found["would_break"][:1]
    report(
        f"usages + would-break across {WORKFLOWS} workflows",
        measure_ms(lambda: block_version_usages(row=row, user=staff, target=target), repeat=5, warmup=1),
        "ms",
        "< 2000",
    )


if __name__ == "__main__":
    main()
