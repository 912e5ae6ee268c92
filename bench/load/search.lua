-- wrk script: GET /api/search rotating through queries.txt (URL-encoded), one list per thread
-- starting at a different place.
local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local queries = {}
for line in io.lines(os.getenv("NDX_QUERIES") or "queries.txt") do
  if #line > 0 then queries[#queries + 1] = urlencode(line) end
end
local counter = 0
local threads = {}
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  i = (id or 0) * 7
end
function request()
  i = i + 1
  return wrk.format("GET", "/api/search?q=" .. queries[(i % #queries) + 1] .. "&limit=10")
end
