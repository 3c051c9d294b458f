curl -X POST "$DOCHARNESS_URL/_xpack/ml/anomaly_detectors/total-requests/_close?close_timeout=10m"
