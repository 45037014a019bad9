"""Import then Export gives back the same definition, for every definition in a set of more than 30:
the editor never drops or rewrites what it does not understand."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from tests.frontend.conftest import DialogAnswers
from tests.frontend.definitions import DEFINITIONS
from tests.frontend.exporting import export_definition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Uses blocks this server does not know: valid for Roboflow, and still given back as it was.
UNKNOWN_HERE = {"detect_crop_classify"}


def test_the_set_is_large_and_valid_here():
    assert len(DEFINITIONS) >= 30
    call_command("sync_blocks", stdout=io.StringIO())
    client = Client()
    for name, make in DEFINITIONS.items():
        verdict = client.post(
            "/api/v1/workflows/validate/", {"specification": make()}, content_type="application/json"
        ).json()
        assert verdict["valid"] is (name not in UNKNOWN_HERE), (name, verdict["errors"])


def test_import_then_export_gives_back_every_definition(editor, tmp_path):
    page = editor.page
    page.on("dialog", DialogAnswers())
    editor.goto()
    differences = {}
    for name, make in DEFINITIONS.items():
        definition = make()
        editor.import_definition(definition, name=f"{name}.json")
        expect(page.get_by_label("Workflow name")).to_have_value(name)
        nodes = len(definition["inputs"]) + len(definition["steps"]) + len(definition["outputs"])
        expect(page.locator(".react-flow__node")).to_have_count(nodes)
        exported = export_definition(editor, tmp_path, f"{name}.json")
        if exported != definition:
            differences[name] = (definition, exported)
        if name in ("gate_two_steps", "detect_crop_classify"):
            editor.shot(name)
    assert differences == {}
