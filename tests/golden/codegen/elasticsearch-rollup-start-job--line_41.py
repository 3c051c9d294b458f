import os

import requests

base_url = os.environ["DOCHARNESS_URL"]
response = requests.post(
    f"{base_url}/_xpack/rollup/job/sensor/_start",
    timeout=30,
)
print(response.status_code)
print(response.text)
