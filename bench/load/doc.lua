-- wrk script: GET /api/doc/ID over ids 1..NDX_DOCS
local n = tonumber(os.getenv("NDX_DOCS") or "1000")
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  i = (id or 0) * 997
end
function request()
  i = i + 1
  return wrk.format("GET", "/api/doc/" .. ((i * 7919) % n + 1))
end
