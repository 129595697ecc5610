-- wrk script for deploy/bench.sh: every request registers a new dataset (one event) through the API.
-- The API key comes from PROVENANCE_API_KEY; the figures are printed as RESULT lines for the script.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "ApiKey " .. (os.getenv("PROVENANCE_API_KEY") or "")
wrk.body = [[{"name":"Benchmark HTTP registration","description":"Registered by the HTTP append benchmark.","steward":"Benchmark steward","sourceInstitution":"Benchmark Health","modality":"structured-ehr","collectionPeriod":{"start":"2019-01-01","end":"2023-12-31"},"recordCount":1000,"patientCount":100}]]

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT http.requests=%d\n", summary.requests))
  io.write(string.format("RESULT http.failed=%d\n", failed))
  io.write(string.format("RESULT http.events_per_s=%.1f\n", (summary.requests - failed) / seconds))
  io.write(string.format("RESULT http.p50_ms=%.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("RESULT http.p90_ms=%.2f\n", latency:percentile(90) / 1000))
  io.write(string.format("RESULT http.p99_ms=%.2f\n", latency:percentile(99) / 1000))
end
