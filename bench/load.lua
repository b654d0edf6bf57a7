-- wrk script for bench/load.py: each request is read from a file and sent once (or the file is
-- cycled up to a count). Bounded in requests here (each thread sends its share of the quota,
-- then parks its connections) and in seconds by wrk -d. When a thread has all its answers it
-- says so on stderr, and load.py ends wrk early with SIGINT (wrk itself always sleeps -d).
-- Times come from CLOCK_MONOTONIC (LuaJIT FFI), the clock of Python's time.monotonic().
-- Arguments after "--": <request file> <quota (total requests)> <threads>.
-- File format, one request per line: path<TAB>Name: value<TAB>...<TAB>body

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local timespec = ffi.new("bench_timespec")

local function now()
  ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) * 1e-9
end

local threads = {}
local next_tid = 0

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

local function split(line)
  local parts = {}
  for part in string.gmatch(line, "[^\t]+") do
    table.insert(parts, part)
  end
  return parts
end

local function format(line)
  local parts = split(line)
  local headers = {}
  for k = 2, #parts - 1 do
    local name, value = string.match(parts[k], "^([^:]+): (.*)$")
    headers[name] = value
  end
  return wrk.format("POST", parts[1], headers, parts[#parts])
end

function init(args)
  local file, quota, nthreads = args[1], tonumber(args[2]), tonumber(args[3])
  pool = {}
  local i = 0
  for line in io.lines(file) do
    if i % nthreads == tid then
      table.insert(pool, format(line))
    end
    i = i + 1
  end
  if #pool == 0 then -- fewer lines than threads: this thread repeats the first one
    for line in io.lines(file) do
      table.insert(pool, format(line))
      break
    end
  end
  share = math.floor(quota / nthreads)
  if tid < quota % nthreads then
    share = share + 1
  end
  sent = 0
  answered = 0
  first_sent = 0
  last_answer = 0
  -- wrk 4.1 calls request() once on thread 0 right after init() to check the request
  -- (script_verify_request); that call sends nothing, so it must not count
  verifying = tid == 0
end

function delay()
  if sent >= share then
    return 3600000 -- this thread's share is sent: park the connection until wrk stops
  end
  return 0
end

function request()
  if verifying then
    verifying = false
    return pool[1]
  end
  if sent >= share then
    -- wrk may still ask after a thread's share is sent (seen around the SIGINT); a fresh id
    -- must never be sent twice, so this gets a request that is not part of the run
    return wrk.format("GET", "/readyz")
  end
  if sent == 0 then
    first_sent = now()
  end
  sent = sent + 1
  return pool[((sent - 1) % #pool) + 1]
end

function response(status, headers, body)
  if answered >= share then
    return -- the answer to an extra request
  end
  answered = answered + 1
  last_answer = now()
  if answered == share then
    io.stderr:write("FINISHED " .. tid .. "\n")
    io.stderr:flush()
  end
end

function done(summary, latency, requests)
  local total, answers, started, ended = 0, 0, nil, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("sent")
    answers = answers + thread:get("answered")
    local first, last = thread:get("first_sent"), thread:get("last_answer")
    if first > 0 and (started == nil or first < started) then
      started = first
    end
    if last > ended then
      ended = last
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"sent": %d, "completed": %d, "started": %.6f, "ended": %.6f, "p50_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d}\n',
    total, answers, started or 0, ended, latency:percentile(50),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
