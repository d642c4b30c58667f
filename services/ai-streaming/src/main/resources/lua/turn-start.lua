-- What a worker needs to know to start a turn, in one round trip.
-- KEYS[1] the turn's event stream, KEYS[2] its cancel flag, KEYS[3] the conversation's messages.
-- ARGV[1] how many of the newest messages to read.
-- Returns {newest event (empty if the turn never ran), 1 if cancelled else 0, messages oldest first}.
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local cancelled = redis.call('EXISTS', KEYS[2])
local messages = redis.call('LRANGE', KEYS[3], -tonumber(ARGV[1]), -1)
return {newest, cancelled, messages}
