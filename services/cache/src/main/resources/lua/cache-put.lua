-- Stores one cache entry and keeps the tier under its byte bound.
-- KEYS[1] the entry, KEYS[2] index (zset: entry -> expiresAt), KEYS[3] sizes (hash), KEYS[4] total bytes,
-- KEYS[5] the invalidation stream
-- ARGV[1] value, ARGV[2] TTL ms, ARGV[3] expiresAt ms, ARGV[4] now ms, ARGV[5] max bytes,
-- ARGV[6] the writing replica, ARGV[7] namespace, ARGV[8] key
-- The write and its announcement to the other replicas happen together or not at all.
-- Returns the entries evicted to make room (the soonest to expire go first).
local function forget(k)
  local size = tonumber(redis.call('HGET', KEYS[3], k) or '0')
  if size > 0 then
    redis.call('HDEL', KEYS[3], k)
    redis.call('DECRBY', KEYS[4], size)
  end
  redis.call('ZREM', KEYS[2], k)
end
-- Expired entries are already gone; their bookkeeping goes now, a bounded batch per write.
for _, k in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[4], 'LIMIT', 0, 64)) do
  forget(k)
end
forget(KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1])
redis.call('HSET', KEYS[3], KEYS[1], #ARGV[1])
redis.call('XADD', KEYS[5], 'MAXLEN', '~', 10000, '*', 'replica', ARGV[6], 'namespace', ARGV[7], 'key', ARGV[8])
local total = redis.call('INCRBY', KEYS[4], #ARGV[1])
local evicted = {}
while total > tonumber(ARGV[5]) do
  local first = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if not first or first == KEYS[1] then
    break
  end
  redis.call('UNLINK', first)
  forget(first)
  total = tonumber(redis.call('GET', KEYS[4]) or '0')
  evicted[#evicted + 1] = first
end
return evicted
