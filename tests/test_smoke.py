import subprocess
import sys

import convviz


def test_import_does_not_load_matplotlib():
    code = "import sys, convviz; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_public_names_exist():
    for name in ("ConvSpec", "SpecError", "apply", "pool", "receptive_field", "CellKind"):
        assert hasattr(convviz, name)
