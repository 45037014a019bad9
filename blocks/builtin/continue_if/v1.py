"""Continue if v1: flow control by a query-language condition."""

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from blocks.errors import ErrorCode
from blocks.kinds import FLOAT_KIND, WILDCARD_KIND
from blocks.manifest import BlockDefinition, BlockManifest, Selector, StepSelector, block_config
from blocks.query_language.evaluation import QueryLanguageError, evaluate_statement
from blocks.query_language.statements import StatementGroup
from blocks.runtime import BlockRunContext, BlockRunError, FlowDecision


class Manifest(BlockManifest):
    model_config = block_config(
        name="Continue If",
        version="v1",
        short_description="Stop a branch of the workflow unless a condition holds.",
        long_description=(
            "Evaluates a condition, written in the query language over named evaluation parameters, "
            "for every input element. Where it holds, the steps in `next_steps` run; elsewhere they "
            "are skipped and their outputs are null."
        ),
        block_type="flow_control",
        ui_manifest={
            "section": "flow_control",
            "icon": "fak fa-branching",
            "blockPriority": 0,
            "popular": True,
        },
    )

    type: Literal["roboflow_core/continue_if@v1", "ContinueIf"]
    condition_statement: StatementGroup = Field(
        title="Conditional Statement",
        description="The condition; dynamic operands name entries of `evaluation_parameters`.",
    )
    evaluation_parameters: dict[str, Selector(WILDCARD_KIND)] = Field(
        default_factory=dict,
        title="Evaluation Parameters",
        description="Named values the condition reads, each a reference to an input or a step output.",
        examples=[{"left": "$inputs.some"}],
    )
    next_steps: list[StepSelector] = Field(
        title="Next Steps",
        description="The steps that run where the condition holds.",
        examples=[["$steps.on_true"]],
    )
    stop_delay: Selector(FLOAT_KIND) | float = Field(
        default=0,
        title="Stop Delay",
        description="Seconds to keep the branch open after the condition stops holding (for video).",
        json_schema_extra={"gt": 0},
    )


def run(values: Mapping[str, Any], context: BlockRunContext) -> FlowDecision:
    try:
        return FlowDecision(evaluate_statement(values["condition_statement"], values["evaluation_parameters"]))
    except QueryLanguageError as exc:
        raise BlockRunError(f"Step `{context.step_name}`: {exc}.", code=ErrorCode.CONDITION_FAILED) from exc


DEFINITION = BlockDefinition(manifest=Manifest, outputs=(), run=run)
