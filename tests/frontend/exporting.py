"""Export as a person does it: the Export button, the download saved and read back."""

import json
from pathlib import Path
from typing import Any


def export_definition(editor: Any, folder: Path, name: str = "exported.json") -> Any:
    with editor.page.expect_download() as download:
        editor.button("Export").click()
    path = folder / name
    download.value.save_as(path)
    return json.loads(path.read_text())
