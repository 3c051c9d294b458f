"""A small Elasticsearch-style client and the sensor fixtures for the reference-server tests."""

from __future__ import annotations

import json
from typing import Any

import requests

from harness.server import ReferenceServer

SENSOR_INDEX = {
    "settings": {"number_of_shards": 1, "number_of_replicas": 0},
    "mappings": {"_doc": {"properties": {"timestamp": {"type": "date"}, "temperature": {"type": "long"},
                                         "voltage": {"type": "float"}, "node": {"type": "keyword"}}}},
}
SENSOR_JOB = {
    "index_pattern": "sensor-*", "rollup_index": "sensor_rollup", "cron": "*/30 * * * * ?", "page_size": 1000,
    "groups": {"date_histogram": {"field": "timestamp", "interval": "1h", "delay": "7d"},
               "terms": {"fields": ["node"]}},
    "metrics": [{"field": "temperature", "metrics": ["min", "max", "sum"]}, {"field": "voltage", "metrics": ["avg"]}],
}


class Es:
    """A tiny Elasticsearch-style client: relative paths, JSON in and out."""

    def __init__(self, server: ReferenceServer) -> None:
        self.base = server.url
        self.session = requests.Session()

    def __call__(self, method: str, path: str, body: Any = None, **params: str) -> tuple[int, Any]:
        data = body if isinstance(body, (str, bytes)) or body is None else json.dumps(body)
        response = self.session.request(method, f"{self.base}/{path}", data=data, params=params,
                                        headers={"Content-Type": "application/json"}, timeout=5)
        return response.status_code, response.json() if response.content else None
