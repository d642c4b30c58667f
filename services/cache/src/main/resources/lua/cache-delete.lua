-- Deletes cache entries with their bookkeeping; also sweeps expired bookkeeping when ARGV[1] is set.
-- KEYS[1] index (zset), KEYS[2] sizes (hash), KEYS[3] total bytes, KEYS[4] the invalidation stream;
-- ARGV[1] now ms or '', ARGV[2] the deleting replica or '' (announce nothing), ARGV[3..] entries.
-- Each delete is announced to the other replicas in the same step. Returns how many existed.
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
for i = 3, #ARGV do
  existed = existed + redis.call('UNLINK', ARGV[i])
  forget(ARGV[i])
  local namespace, key = string.match(ARGV[i], '^aicoder:cache:([^:]+):(.*)$')
  if ARGV[2] ~= '' and namespace then
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', 10000, '*', 'replica', ARGV[2], 'namespace', namespace, 'key', key)
  end
end
return existed
