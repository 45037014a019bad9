"""Inner workflow v1: Roboflow's nested workflow step.

The step never runs as a unit: the compiler (`executor.compiler.inner`) replaces it by the child's
steps, wired to what `parameter_bindings` names, before anything else is checked, as Roboflow does.
The manifest is here so that describe, the docs, the palette and the schema know the step's shape.
"""

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from blocks.errors import ErrorCode
from blocks.kinds import WILDCARD_KIND
from blocks.manifest import BlockDefinition, BlockManifest, OutputDefinition, Selector, block_config
from blocks.runtime import BlockRunContext, BlockRunError

TYPE_IDENTIFIER = "roboflow_core/inner_workflow@v1"
EMBEDDED: Literal["embedded"] = "embedded"
REMOTE_DISPATCH: Literal["remote_dispatch"] = "remote_dispatch"


class Manifest(BlockManifest):
    model_config = block_config(
        name="Inner Workflow",
        version="v1",
        short_description="Use a whole workflow as one step, its inputs bound to values of this one.",
        long_description=(
            "Uses a whole workflow as one step. The child is given inline (`workflow_definition`) or "
            "names a saved workflow (`workflow_workspace_id` and `workflow_id`, and optionally "
            "`workflow_version_id`, a revision number). `parameter_bindings` gives each input of the "
            "child a value from the parent: a selector or a literal; inputs that declare a default "
            "may be left out. The child's outputs are then read as `$steps.<this step>.<output>`.\n\n"
            "In `embedded` mode, the only one served here, the compiler checks the bindings and "
            "replaces the step by the child's steps, so a run is the same as the steps written out. "
            "`remote_dispatch` (sending the child to another inference server) is refused."
        ),
        block_type="flow_control",
        ui_manifest={"section": "flow_control", "icon": "fak fa-diagram-nested", "blockPriority": 2},
    )

    type: Literal["roboflow_core/inner_workflow@v1"]
    execution_mode: Literal["embedded", "remote_dispatch"] = Field(
        default=EMBEDDED,
        title="Execution Mode",
        description=(
            "`embedded` expands the child into this workflow's steps; `remote_dispatch` would send it "
            "to another server and is not supported here."
        ),
        examples=[EMBEDDED, REMOTE_DISPATCH],
    )
    remote_target: str | None = Field(
        default=None,
        title="Remote Target",
        description="Base URL of the server for `remote_dispatch`; unused here.",
        examples=["https://serverless.roboflow.com", "http://127.0.0.1:9001"],
    )
    workflow_definition: dict[str, Any] | None = Field(
        default=None,
        title="Workflow Definition",
        description=(
            "The child workflow itself (`version`, `inputs`, `steps`, `outputs`). Give it, or the "
            "saved workflow's `workflow_workspace_id` and `workflow_id`, never both."
        ),
    )
    workflow_workspace_id: str | None = Field(
        default=None,
        title="Workflow Workspace Id",
        description="The workspace of a saved child workflow; used with `workflow_id`.",
    )
    workflow_id: str | None = Field(
        default=None,
        title="Workflow Id",
        description="The id of a saved child workflow; used with `workflow_workspace_id`.",
    )
    workflow_version_id: str | None = Field(
        default=None,
        title="Workflow Version Id",
        description="The revision of the saved child workflow to use; its current one when left out.",
    )
    parameter_bindings: dict[str, Selector(WILDCARD_KIND)] = Field(
        title="Parameter Bindings",
        description=(
            "Child input name -> a selector of the parent or a literal. Every child input needs one, "
            "except parameters whose `default_value` is not null."
        ),
        json_schema_extra={"keys_bound_in": "parameter_bindings"},
    )


def run(values: Mapping[str, Any], context: BlockRunContext) -> dict[str, Any]:
    # Unreachable through the compiler, which expands the step away; a plan built otherwise is a bug.
    raise BlockRunError(
        f"Step `{context.step_name}` is an inner workflow, which the compiler expands into its steps.",
        code=ErrorCode.NOT_EXECUTABLE,
    )


DEFINITION = BlockDefinition(manifest=Manifest, outputs=(OutputDefinition("*", (WILDCARD_KIND,)),), run=run)
