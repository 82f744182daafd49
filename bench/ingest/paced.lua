-- wrk script for reader latency at a low fixed rate: every connection pauses PAUSE_MS between its requests, so
-- `wrk -t1 -c2` asks for at most 2 × 1000/PAUSE_MS requests per second (20 at the default 100 ms) however fast the
-- answers come, and the latency percentiles describe what one reader sees rather than the server's saturation point.
local pause = tonumber(os.getenv("PAUSE_MS") or "100")
function delay()
  return pause
end
