"""Aigaq (айғақ, "evidence"): case and evidence system for survivors of sexual violence in Kazakhstan."""

__version__ = "0.1.0"
