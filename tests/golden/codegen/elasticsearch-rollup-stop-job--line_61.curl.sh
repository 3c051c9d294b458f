curl -X POST "$DOCHARNESS_URL/_xpack/rollup/job/does_not_exist/_stop"
