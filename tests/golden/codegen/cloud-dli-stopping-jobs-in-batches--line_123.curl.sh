curl -X POST "$DOCHARNESS_URL/v1.0/${PROJECT_ID}/streaming/jobs/stop" \
  -H 'Content-Type: application/json' \
  -d '{
"job_ids": [128, 137],
"trigger_savepoint": false
}'
