-- Reserves one sign-in attempt before the password is checked, so a parallel burst cannot pass the
-- check together. Every attempt counts as a failure until login succeeds (then it is given back).
-- KEYS[1] the user's attempts, KEYS[2] the user's delay, KEYS[3] the address's attempts
-- ARGV[1] user limit, ARGV[2] address limit, ARGV[3] window (s), ARGV[4] first delay (ms),
-- ARGV[5] longest delay (ms)
-- Returns {"ok", 0}, or {"ip"|"user", milliseconds to wait}.
local ip = redis.call('INCR', KEYS[3])
if ip == 1 then redis.call('EXPIRE', KEYS[3], ARGV[3]) end
if ip > tonumber(ARGV[2]) then
  -- The source is slowed for the rest of its window; refused tries do not lengthen it.
  redis.call('DECR', KEYS[3])
  return {'ip', redis.call('PTTL', KEYS[3])}
end
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
local over = n - tonumber(ARGV[1])
if over > 0 then
  -- Past the limit an account takes one attempt per delay, doubling up to the longest delay, so
  -- its owner gets in at most that long after an attack stops.
  local delay = math.min(tonumber(ARGV[5]), tonumber(ARGV[4]) * 2 ^ math.min(over - 1, 30))
  if not redis.call('SET', KEYS[2], '1', 'PX', math.floor(delay), 'NX') then
    redis.call('DECR', KEYS[1])
    redis.call('DECR', KEYS[3])
    return {'user', redis.call('PTTL', KEYS[2])}
  end
end
return {'ok', 0}
