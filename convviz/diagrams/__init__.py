"""Diagrams beyond single convolutions: gated blocks, stacks, separable."""
