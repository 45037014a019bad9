"""Saved workflows as the children of inner workflow steps, as one caller may read them.

A reference (`workflow_workspace_id`, `workflow_id`, optional `workflow_version_id`) names a saved
workflow by its id; the workspace is not used (there is one here, as on the saved-workflow run route).
The version id is a revision number; without one, a pinned revision is used when there is a pin, the
current revision otherwise. Pins come from the lockfile of the revision being compiled (keyed by the
composite's path, `outer` or `outer/inner`), then from the lockfile of the child revision that holds
the reference (a saved child's, or the revision a published workflow block carries), so a child's own
children stay the revisions it was saved or published with.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from executor.compiler.nesting import ChildWorkflow
from registry.models import Workflow, WorkflowRevision

_NUMBER = re.compile(r"[0-9]{1,18}")


def workflow_key(workflow_id: int) -> str:
    return f"workflow:{workflow_id}"


class SavedChildren:
    """A `ChildResolver` over the saved workflows `user` may read (their own and public ones)."""

    def __init__(
        self,
        *,
        user: AbstractBaseUser | AnonymousUser | None,
        root: Workflow | None = None,
        pins: Mapping[str, Any] | None = None,
    ) -> None:
        self._user_id = user.pk if user is not None and user.is_authenticated else None
        self.root_key = workflow_key(root.pk) if root is not None else None
        self._pins = dict(pins or {})
        self._lockfiles: dict[str, Mapping[str, Any]] = {}

    def resolve(self, *, path: str, workspace: str, workflow_id: str, version: str | None) -> ChildWorkflow | None:
        if not _NUMBER.fullmatch(workflow_id) or (version is not None and not _NUMBER.fullmatch(version)):
            return None
        workflow = Workflow.objects.filter(pk=int(workflow_id)).first()
        if workflow is None or not (workflow.public or workflow.owner_id == self._user_id):
            return None
        number = int(version) if version is not None else self._pinned(path, workflow.pk) or workflow.revision
        revision = WorkflowRevision.objects.filter(workflow=workflow, number=number).first()
        if revision is None:
            return None
        self._lockfiles[path] = revision.lockfile if isinstance(revision.lockfile, Mapping) else {}
        return ChildWorkflow(
            definition=revision.definition,
            key=workflow_key(workflow.pk),
            pin={"workspace": workspace, "id": workflow.pk, "revision": number},
        )

    def adopt_pins(self, *, path: str, lockfile: Mapping[str, Any]) -> None:
        self._lockfiles[path] = lockfile

    def _pinned(self, path: str, workflow_id: int) -> int | None:
        parent, _, own = path.rpartition("/")
        for entry in (self._pins.get(path), self._lockfiles.get(parent, {}).get(own) if parent else None):
            pin = entry.get("workflow") if isinstance(entry, Mapping) else None
            revision = pin.get("revision") if isinstance(pin, Mapping) else None
            if isinstance(pin, Mapping) and pin.get("id") == workflow_id and isinstance(revision, int):
                return revision
        return None
