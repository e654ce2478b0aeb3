"""The domain core, NumPy only: every fact about a convolution, once.

``spec`` (ConvSpec, per-axis geometry, index maps), ``engine`` (apply, pool,
receptive fields), ``gated`` (GLU / highway numbers). Nothing here imports
matplotlib, jinja2 or the command line.
"""
