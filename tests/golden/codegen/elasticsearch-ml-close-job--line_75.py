import os

import requests

base_url = os.environ["DOCHARNESS_URL"]
response = requests.post(
    f"{base_url}/_xpack/ml/anomaly_detectors/total-requests/_close?close_timeout=10m",
    timeout=30,
)
print(response.status_code)
print(response.text)
