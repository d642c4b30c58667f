-- Adds one replica's request counts to the shared rate-limit windows and returns the totals.
-- KEYS: the window counters; ARGV: 1 window TTL (s), then one count per key.
local totals = {}
for i, key in ipairs(KEYS) do
  local total = redis.call('INCRBY', key, ARGV[i + 1])
  if total == tonumber(ARGV[i + 1]) then redis.call('EXPIRE', key, ARGV[1]) end
  totals[i] = total
end
return totals
