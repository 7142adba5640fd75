-- wrk script for bench/api_load.py: readers cycling over the paths given after `--`
-- (the first argument is the bearer token), with latency percentiles printed at the end.
local paths, token, n = {}, "", 0

init = function(args)
  token = args[1]
  for i = 2, #args do
    paths[#paths + 1] = args[i]
  end
end

request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1], { ["Authorization"] = "Bearer " .. token })
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "READS requests=%d errors=%d p50_us=%d p95_us=%d p99_us=%d duration_us=%d\n",
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.duration
  ))
end
