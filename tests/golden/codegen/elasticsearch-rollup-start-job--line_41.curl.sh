curl -X POST "$DOCHARNESS_URL/_xpack/rollup/job/sensor/_start"
