"""The docharness Sphinx extension: ``extensions = ["harness.sphinx"]`` in a project's conf.py."""

from harness.sphinx.extension import setup

__all__ = ["setup"]
