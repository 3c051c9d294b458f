curl -X POST "$DOCHARNESS_URL/_xpack/ml/anomaly_detectors/event_rate/_close"
