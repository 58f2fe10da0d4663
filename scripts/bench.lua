-- The requests wrk sends for scripts/bench. BENCH_SCENARIO: plain (the URL as given), get (a
-- consignee by id, cycling through the ids in BENCH_IDS), list (a page of 50 with two filters,
-- cycling through four pairs) or create (POST /consignees). BENCH_TOKEN: the bearer token.
local scenario = os.getenv("BENCH_SCENARIO") or "plain"
local token = os.getenv("BENCH_TOKEN")
local headers = {}
if token then headers["Authorization"] = "Bearer " .. token end

local ids = {}
if scenario == "get" then
  for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
end

local lists = {
  "/api/v1/consignees?status=approved&risk_tier=high&limit=50",
  "/api/v1/consignees?status=approved&country=JP&limit=50",
  "/api/v1/consignees?risk_tier=medium&country=JP&limit=50",
  "/api/v1/consignees?status=candidate&risk_tier=low&limit=50",
}

local n = 0
request = function()
  n = n + 1
  if scenario == "get" then
    return wrk.format("GET", "/api/v1/consignees/" .. ids[(n % #ids) + 1], headers)
  elseif scenario == "list" then
    return wrk.format("GET", lists[(n % #lists) + 1], headers)
  elseif scenario == "create" then
    headers["Content-Type"] = "application/json"
    local body = string.format('{"legal_name":"ベンチマーク商事株式会社 %d","country":"JP","risk_tier":"medium",'
      .. '"contact":{"name":"山田 太郎","email":"bench@example.co.jp"}}', n)
    return wrk.format("POST", "/api/v1/consignees", headers, body)
  end
  return wrk.format("GET", nil, headers)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {"requests": %d, "seconds": %.3f, "socket_errors": %d, "non_2xx": %d, '
    .. '"p50_ms": %.3f, "p99_ms": %.3f}\n', summary.requests, summary.duration / 1e6,
    e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
