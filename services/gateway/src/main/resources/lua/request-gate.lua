-- Decides in one round trip whether an API request may pass.
-- KEYS: 1 per-address window, 2 per-user window ('' when anonymous), 3 revoked-token key ('' when anonymous)
-- ARGV: 1 per-address limit, 2 per-user limit, 3 window TTL (s)
-- Returns {'revoked'} | {'limited'} | {'ok'}
if KEYS[3] ~= '' and redis.call('EXISTS', KEYS[3]) == 1 then
  return {'revoked'}
end
local ip = redis.call('INCR', KEYS[1])
if ip == 1 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
if ip > tonumber(ARGV[1]) then return {'limited'} end
if KEYS[2] ~= '' then
  local user = redis.call('INCR', KEYS[2])
  if user == 1 then redis.call('EXPIRE', KEYS[2], ARGV[3]) end
  if user > tonumber(ARGV[2]) then return {'limited'} end
end
return {'ok'}
