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


def test_every_public_name_resolves():
    for name in convviz.__all__:
        assert getattr(convviz, name) is not None, name
    assert sorted(convviz.__all__) == sorted(set(convviz.__all__))


def test_unknown_attribute_is_an_attribute_error():
    import pytest

    with pytest.raises(AttributeError, match="no_such_thing"):
        convviz.no_such_thing  # noqa: B018
