import os

import requests

base_url = os.environ["DOCHARNESS_URL"]
response = requests.post(
    f"{base_url}/_xpack/ml/anomaly_detectors/event_rate/_close",
    timeout=30,
)
print(response.status_code)
print(response.text)
