-- Accepts a prompt in one round trip, atomically: ownership, dedupe, rate limit, store, queue.
-- KEYS: 1 conversation hash, 2 clientMsgId key, 3 rate-limit key, 4 messages list,
--       5 user's conversations zset, 6 request stream, 7 workers hash,
--       8 turn owner key ("<userId> <conversationId>"), 9 the conversation's tombstone,
--       10 the turn's event stream, 11 the announcements of every accepted turn
-- ARGV: 1 userId, 2 turnId, 3 dedupe TTL (s), 4 prompts per window, 5 now (ms),
--       6 user message JSON, 7 request JSON, 8 max messages, 9 max requests, 10 conversationId,
--       11 the accepting instance, 12 the title of a conversation that has none yet,
--       13 the announcements' bound
-- Returns {"deleted"} | {"forbidden"} | {"existing", turnId} | {"limited"}
--       | {"ok", "1" if a worker is free}
local owner = redis.call('HGET', KEYS[1], 'owner')
-- A deleted conversation's id is nobody's to claim (a hash without owner is a late write after it).
if redis.call('EXISTS', KEYS[9]) == 1 or (not owner and redis.call('EXISTS', KEYS[1]) == 1) then
  return {'deleted'}
end
if owner and owner ~= ARGV[1] then
  return {'forbidden'}
end
if not owner then
  redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'createdAt', ARGV[5])
end
local existing = redis.call('GET', KEYS[2])
if existing then
  return {'existing', existing}
end
local count = redis.call('INCR', KEYS[3])
if count == 1 then
  redis.call('EXPIRE', KEYS[3], 120)
end
if count > tonumber(ARGV[4]) then
  return {'limited'}
end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
redis.call('SET', KEYS[8], ARGV[1] .. ' ' .. ARGV[10], 'EX', 86400)
-- The turn's stream exists (empty) from now on, as long as its owner record: a stream that is gone
-- is a turn that expired, not one still queued. The group only serves to create it empty.
redis.call('XGROUP', 'CREATE', KEYS[10], 'created', '$', 'MKSTREAM')
redis.call('EXPIRE', KEYS[10], 86400)
-- Every instance reads the announcements; those with viewers of this conversation follow the turn.
redis.call('XADD', KEYS[11], 'MAXLEN', '~', ARGV[13], '*', 'turn', ARGV[2], 'conversation', ARGV[10],
  'author', ARGV[1], 'from', ARGV[11])
redis.call('RPUSH', KEYS[4], ARGV[6])
-- Messages ever appended: with the list's length it gives each message a stable index for paging.
redis.call('HINCRBY', KEYS[1], 'appended', 1)
redis.call('LTRIM', KEYS[4], -tonumber(ARGV[8]), -1)
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[5])
-- The first accepted prompt titles the conversation; a rename (the gateway's) is never overwritten.
redis.call('HSETNX', KEYS[1], 'title', ARGV[12])
redis.call('ZADD', KEYS[5], ARGV[5], ARGV[10])
redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[9], '*', 'request', ARGV[7])
local free = '0'
local workers = redis.call('HGETALL', KEYS[7])
for i = 2, #workers, 2 do
  local slots, seen = string.match(workers[i], '^(%d+):(%d+)$')
  if slots and tonumber(seen) > tonumber(ARGV[5]) - 10000 and tonumber(slots) > 0 then
    free = '1'
  end
end
return {'ok', free}
