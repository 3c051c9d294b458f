curl -X PUT "$DOCHARNESS_URL/v1.1/1551c7f6c808414d8e9f3c514a170f2e/clusters/6ec9a0a4-76be-4262-8697-e7af1fac7920/cdm/job/jdbc2hive/stop" \
  -H "X-Auth-Token: $DOCHARNESS_TOKEN"
