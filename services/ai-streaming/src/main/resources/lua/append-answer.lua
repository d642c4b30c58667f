-- Appends the assistant's answer unless the conversation was deleted meanwhile (its tombstone is
-- set): a late answer must not bring back a record without an owner, or a list without a TTL.
-- KEYS[1] the tombstone, KEYS[2] the messages list, KEYS[3] the conversation hash
-- ARGV[1] the answer as JSON, ARGV[2] the most messages kept, ARGV[3] the answer's time (ms)
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
redis.call('HSET', KEYS[3], 'updatedAt', ARGV[3])
-- Messages ever appended: with the list's length it gives each message a stable index.
redis.call('HINCRBY', KEYS[3], 'appended', 1)
return 1
