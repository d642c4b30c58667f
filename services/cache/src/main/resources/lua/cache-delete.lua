-- Deletes cache entries with their bookkeeping; also sweeps expired bookkeeping when ARGV[1] is set.
-- KEYS[1] index (zset), KEYS[2] sizes (hash), KEYS[3] total bytes; ARGV[1] now ms or '' ; ARGV[2..] entries
-- Returns how many of the given entries existed.
local function forget(k)
  local size = tonumber(redis.call('HGET', KEYS[2], k) or '0')
  if size > 0 then
    redis.call('HDEL', KEYS[2], k)
    redis.call('DECRBY', KEYS[3], size)
  end
  redis.call('ZREM', KEYS[1], k)
end
if ARGV[1] ~= '' then
  for _, k in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1000)) do
    forget(k)
  end
end
local existed = 0
for i = 2, #ARGV do
  existed = existed + redis.call('UNLINK', ARGV[i])
  forget(ARGV[i])
end
return existed
