-- Who may watch which conversation, for many (conversation, user) pairs in one round trip.
-- KEYS: per pair i, KEYS[2i-1] the conversation hash and KEYS[2i] its tombstone
-- ARGV: 1 a team's members key with "{team}" where the team id goes; 1+i the user of pair i
-- Returns per pair: "owner"; "member" of the team it is shared with; "new" (no such conversation
-- yet: the first prompt claims it); "deleted" (a tombstone, or a hash left without an owner by a
-- write after the delete); "none".
local function members(team)
  local at = string.find(ARGV[1], '{team}', 1, true)
  return string.sub(ARGV[1], 1, at - 1) .. team .. string.sub(ARGV[1], at + 6)
end
local result = {}
for i = 1, #ARGV - 1 do
  local user = ARGV[i + 1]
  local status = 'none'
  local fields = redis.call('HMGET', KEYS[2 * i - 1], 'owner', 'team')
  local owner, team = fields[1], fields[2]
  if redis.call('EXISTS', KEYS[2 * i]) == 1 then
    status = 'deleted'
  elseif not owner then
    status = redis.call('EXISTS', KEYS[2 * i - 1]) == 1 and 'deleted' or 'new'
  elseif owner == user then
    status = 'owner'
  elseif team and team ~= '' and redis.call('SISMEMBER', members(team), user) == 1 then
    status = 'member'
  end
  result[i] = status
end
return result
