"""The example notebook runs top to bottom in a real Jupyter kernel and shows GIFs inline."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
from conftest import REQUIRE_REFERENCE, require_module

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "convviz_tour.ipynb"
KERNEL = "python3"


def _kernel_or_skip() -> None:
    require_module("nbclient")
    require_module("ipykernel")
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        reason = (f"no {KERNEL!r} Jupyter kernel (python -m ipykernel install --user)")
        if REQUIRE_REFERENCE:
            pytest.fail(reason + " (CONVVIZ_REQUIRE_REFERENCE=1 makes this a failure)")
        pytest.skip(reason)


def _read():
    nbformat = require_module("nbformat")
    return nbformat.read(NOTEBOOK, as_version=4)


def test_notebook_is_stored_without_outputs():
    nb = _read()
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code
    for cell in code:
        assert cell.outputs == []
        assert cell.execution_count is None


def test_notebook_covers_the_tour():
    source = "\n".join(cell.source for cell in _read().cells if cell.cell_type == "code")
    for needle in ('animate("padding_strides"', "ConvSpec(", "numbers=True", 'view="scatter"',
                   "info_text(", ".save("):
        assert needle in source


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    _kernel_or_skip()
    from nbclient import NotebookClient

    nb = _read()
    workdir = tmp_path_factory.mktemp("notebook")
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=180,
                            resources={"metadata": {"path": str(workdir)}})
    client.execute()
    return nb, workdir


def test_notebook_runs_without_errors(executed):
    nb, workdir = executed
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", output
    # it saves into a temporary directory, never into the working directory
    assert list(workdir.iterdir()) == []


def test_notebook_shows_gifs_inline(executed):
    from PIL import Image

    nb, _ = executed
    gifs = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            gifs += re.findall(r'src="data:image/gif;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(gifs) >= 4  # a preset, a custom spec, numbers, the scatter view
    for encoded in gifs:
        with Image.open(io.BytesIO(base64.b64decode(encoded))) as image:
            assert image.format == "GIF"
            assert image.n_frames > 1


def test_notebook_prints_the_arithmetic(executed):
    nb, _ = executed
    text = "\n".join(output.get("text", "") for cell in nb.cells
                     for output in cell.get("outputs", []) if output.output_type == "stream")
    assert "= (3 − 1)·2 + 3 − 0 − 1 + 0 = 6" in text  # the transposed of i=6, k=3, s=2, same
    assert "nn.ConvTranspose2d(1, 1, kernel_size=3, stride=2)" in text
    assert re.search(r"padding_strides_transposed\.gif: [\d,]+ bytes", text)
