"""publish: model + results -> Sphinx sources -> one verified HTML reference."""

from harness.publish.site import BuildReport, PublishError, publish
from harness.publish.sources import Placement

__all__ = ["BuildReport", "Placement", "PublishError", "publish"]
