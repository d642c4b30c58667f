-- Appends the assistant's answer unless the conversation was deleted meanwhile (its tombstone is
-- set): a late answer must not bring back a record without an owner, or a list without a TTL.
-- With KEYS[4] and KEYS[5], it also ends the turn in the same call: acknowledges its request and
-- sets how long its stream is kept (one round trip instead of three at the end of every turn).
-- KEYS[1] the tombstone, KEYS[2] the messages list, KEYS[3] the conversation hash,
-- KEYS[4] the request stream, KEYS[5] the turn's stream
-- ARGV[1] the answer as JSON, ARGV[2] the most messages kept, ARGV[3] the answer's time (ms),
-- ARGV[4] the request group, ARGV[5] the request's entry ID ('' if none), ARGV[6] the stream's
-- retention (s)
local stored = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('RPUSH', KEYS[2], ARGV[1])
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
  redis.call('HSET', KEYS[3], 'updatedAt', ARGV[3])
  -- Messages ever appended: with the list's length it gives each message a stable index.
  redis.call('HINCRBY', KEYS[3], 'appended', 1)
  stored = 1
end
if KEYS[5] then
  if ARGV[5] ~= '' then
    redis.call('XACK', KEYS[4], ARGV[4], ARGV[5])
  end
  redis.call('EXPIRE', KEYS[5], ARGV[6])
end
return stored
