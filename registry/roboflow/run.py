"""Roboflow's run routes: `POST /workflows/run` and `POST /{workspace}/workflows/{workflow_id}`.

Requests, responses and errors have Roboflow's shapes (spec sections 4 and 5.4), so Roboflow's
Python client runs workflows here unchanged. Who calls, and with which Roboflow key, is decided by
`registry.roboflow.callers` (never by the session); the key is used for the run and never stored or echoed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework.exceptions import Throttled

from blocks.errors import DomainError
from registry.api.intake import ascii_id
from registry.api.limits import body_read, parse_json_bytes
from registry.api.throttles import ANONYMOUS_RUN, anonymous_limit
from registry.models import Workflow
from registry.roboflow.body import json_bytes
from registry.roboflow.callers import RoboflowCaller, roboflow_caller
from registry.roboflow.errors import message_response, missing_field, refusal, run_failed, too_many_requests
from registry.selectors.workflows import workflow_revision_get
from registry.services.runs import RunFailedError, run_start


def _parse(request: HttpRequest) -> dict[str, Any] | JsonResponse:
    try:
        body = parse_json_bytes(body_read(request, limit=settings.BLOCKWISE_MAX_RUN_BODY_BYTES))
    except DomainError as exc:
        return refusal(exc)
    if not isinstance(body, dict):
        return missing_field(msg="must be an object", error_type="dict_type")
    if not isinstance(body.get("inputs"), dict):
        return missing_field("inputs")
    return body


class SavedAfterSending(HttpResponse):
    """A successful run's answer; its record is saved when the server closes the answer, once it is
    sent (WSGI servers, and Django's test client, close every answer), so the client does not wait on
    the database. Roboflow's answer does not name the record, so nothing in it depends on the save."""

    def __init__(self, content: bytes, save: list[Callable[[], None]]) -> None:
        super().__init__(content, content_type="application/json")
        self._save = save

    def close(self) -> None:
        try:
            for save in self._save:
                save()  # never raises: run_start's saver logs a failure (the answer is sent)
        finally:
            self._save = []
            super().close()  # sends request_finished, which may close the connection used above


def _run(caller: RoboflowCaller, body: dict[str, Any], **target: Any) -> HttpResponse:
    excluded_value = body.get("excluded_fields")
    excluded = [str(f) for f in excluded_value] if isinstance(excluded_value, list) else []
    save: list[Callable[[], None]] = []
    try:
        _, result = run_start(
            user=caller.user,
            inputs=body["inputs"],
            api_key=caller.api_key,
            excluded_fields=excluded,
            save_later=save.append,
            **target,
        )
    except RunFailedError as exc:
        return run_failed(exc, target["specification"] if "specification" in target else _saved_definition(exc))
    return SavedAfterSending(json_bytes({"outputs": result.outputs}), save)


def _saved_definition(exc: RunFailedError) -> object:
    """The definition a failed run of a saved workflow ran: its recorded revision."""
    workflow, number = exc.run.workflow, exc.run.revision
    assert workflow is not None and number is not None  # a run of a saved workflow records both
    return workflow_revision_get(workflow=workflow, number=number).definition


def _admitted(request: HttpRequest, body: dict[str, Any]) -> RoboflowCaller | JsonResponse:
    """The caller (by token or key, never the session), or the answer refusing them."""
    try:
        caller = roboflow_caller(request, body)
    except DomainError as exc:
        return refusal(exc)
    try:
        anonymous_limit(request, ANONYMOUS_RUN, signed_in=caller.signed_in)
    except Throttled as exc:
        return too_many_requests(exc)
    return caller


@csrf_exempt
@require_POST
def workflow_run(request: HttpRequest) -> HttpResponse:
    body = _parse(request)
    if isinstance(body, JsonResponse):
        return body
    if "specification" not in body:
        return missing_field("specification")
    caller = _admitted(request, body)
    if isinstance(caller, JsonResponse):
        return caller
    return _run(caller, body, specification=body["specification"])


@csrf_exempt
@require_POST
def saved_workflow_run(request: HttpRequest, workspace: str, workflow_id: str) -> HttpResponse:
    """Runs a saved workflow by id; the workspace is not used (there is one here)."""
    body = _parse(request)
    if isinstance(body, JsonResponse):
        return body
    caller = _admitted(request, body)
    if isinstance(caller, JsonResponse):
        return caller
    user = caller.user
    pk = ascii_id(workflow_id)
    workflow = Workflow.objects.filter(pk=pk).first() if pk is not None else None
    if workflow is None or not (workflow.public or (user is not None and workflow.owner_id == user.pk)):
        return message_response(404, f"Workflow {workflow_id} not found.")
    return _run(caller, body, workflow=workflow)
