-- One append, atomic because Redis runs a script alone: session check, dedupe, expected seq, then XADD.
-- KEYS[1] the session hash: '@last' = last seq; '<producer_id>/<producer_seq>' = the seq it was given (dedupe, kept
--         for the life of the session like Starcite's producer index).
-- KEYS[2] the session stream: entry id '<seq>-0', fields p (producer_id), ps (producer_seq), d (payload).
-- ARGV    producer_id, producer_seq, expected_seq ('' when none), payload, pub/sub channel of the session.
-- Returns {outcome, seq, last_seq}: 0 appended, 1 deduped, 2 expected-seq conflict, 3 no such session.
local last = redis.call('HGET', KEYS[1], '@last')
if not last then
  return {3, 0, 0}
end
last = tonumber(last)
local dedupe = ARGV[1] .. '/' .. ARGV[2]
local prior = redis.call('HGET', KEYS[1], dedupe)
if prior then
  return {1, tonumber(prior), last}
end
if ARGV[3] ~= '' and tonumber(ARGV[3]) ~= last then
  return {2, 0, last}
end
local seq = last + 1
redis.call('XADD', KEYS[2], seq .. '-0', 'p', ARGV[1], 'ps', ARGV[2], 'd', ARGV[4])
redis.call('HSET', KEYS[1], '@last', seq, dedupe, seq)
-- The live tail: subscribers get the whole event and read the stream only to fill a gap.
redis.call('PUBLISH', ARGV[5], seq .. '\n' .. ARGV[2] .. '\n' .. ARGV[1] .. '\n' .. ARGV[4])
return {0, seq, seq}
