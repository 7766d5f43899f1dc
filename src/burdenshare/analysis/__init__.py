"""Analyses built on the engine: parameter sweeps (:mod:`burdenshare.analysis.sweep`) and more.

Submodules are imported on use, so ``import burdenshare.analysis`` stays light.
"""
