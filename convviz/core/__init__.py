"""The domain core, NumPy only: every fact about a convolution, once.

``spec`` (ConvSpec, index maps), ``axis`` (per-axis geometry), ``engine``
(apply, pool), ``field`` (receptive fields), ``gated`` (GLU / highway numbers),
``network`` (shapes and fields through a whole model; its layers in ``layers``,
models read by ``readers``, ``keras_reader`` and ``torch_trace``, the one module
that imports torch, only when given an example input). Nothing here imports
matplotlib, jinja2 or the command line.
"""
