import os

import requests

base_url = os.environ["DOCHARNESS_URL"]
project_id = os.environ["PROJECT_ID"]
response = requests.post(
    f"{base_url}/v1.0/{project_id}/streaming/jobs/stop",
    headers={
        "Content-Type": "application/json",
    },
    json={'job_ids': [128, 137], 'trigger_savepoint': False},
    timeout=30,
)
print(response.status_code)
print(response.text)
