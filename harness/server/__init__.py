"""The reference server: the embedded target that serves the APIs docs_src documents."""

from harness.server.http import ReferenceServer

__all__ = ["ReferenceServer"]
