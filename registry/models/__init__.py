"""Models, one module per concern; every model is re-exported here for Django's app loading."""

from registry.models.catalog import (
    CATALOG_STATES_VALUES,
    BlockType,
    BlockVersion,
    BlockVersionRevision,
    CatalogSnapshot,
    Kind,
    Source,
    State,
)
from registry.models.evaluations import Dataset, DatasetEntry, DatasetImage, Evaluation
from registry.models.jobs import (
    FINISHED_JOB_STATUSES,
    Job,
    JobItem,
    JobItemStatus,
    JobResult,
    JobSource,
    JobStatus,
    WorkerHeartbeat,
)
from registry.models.lifecycle import AuditAction, AuditRecord, CompatibilityPolicy
from registry.models.runs import ActiveLearningDatapoint, LocalModel, Run, RunStatus
from registry.models.workflows import Workflow, WorkflowRevision

__all__ = [
    "CATALOG_STATES_VALUES",
    "FINISHED_JOB_STATUSES",
    "ActiveLearningDatapoint",
    "AuditAction",
    "AuditRecord",
    "BlockType",
    "BlockVersion",
    "BlockVersionRevision",
    "CatalogSnapshot",
    "CompatibilityPolicy",
    "Dataset",
    "DatasetEntry",
    "DatasetImage",
    "Evaluation",
    "Job",
    "JobItem",
    "JobItemStatus",
    "JobResult",
    "JobSource",
    "JobStatus",
    "Kind",
    "LocalModel",
    "Run",
    "RunStatus",
    "Source",
    "State",
    "WorkerHeartbeat",
    "Workflow",
    "WorkflowRevision",
]
