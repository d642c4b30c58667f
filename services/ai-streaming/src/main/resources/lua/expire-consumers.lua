-- Removes the request group's consumers of workers that are gone: idle past a threshold, with no
-- fresh heartbeat in the workers hash, and holding nothing. One that still holds requests stays
-- until other workers have claimed them, since deleting a consumer drops its pending entries and
-- nobody could claim them any more. Atomic, so no request is read between the check and removal.
-- (Before Redis 7.2 a consumer's idle time counts from its last read that returned something, so
-- a live but quiet worker looks idle: its heartbeat is what keeps it.)
-- KEYS[1] the request stream, KEYS[2] the workers hash ("<free slots>:<ms>" by consumer name).
-- ARGV[1] the group, ARGV[2] the threshold in ms, ARGV[3] the caller's consumer, ARGV[4] now in ms.
-- Returns the consumers removed.
local expiry = tonumber(ARGV[2])
local stale = tonumber(ARGV[4]) - expiry
local function alive(name)
  local beat = redis.call('HGET', KEYS[2], name)
  local seen = beat and tonumber(string.match(beat, ':(%d+)$'))
  return seen and seen > stale or false
end
local removed = {}
for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local fields = {}
  for i = 1, #consumer, 2 do
    fields[consumer[i]] = consumer[i + 1]
  end
  local name = fields['name']
  if name ~= ARGV[3] and fields['pending'] == 0 and fields['idle'] > expiry and not alive(name) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
    removed[#removed + 1] = name
  end
end
-- Heartbeats of workers gone this long, whether or not they ever read a request.
local beats = redis.call('HGETALL', KEYS[2])
for i = 1, #beats, 2 do
  if beats[i] ~= ARGV[3] and not alive(beats[i]) then
    redis.call('HDEL', KEYS[2], beats[i])
  end
end
return removed
