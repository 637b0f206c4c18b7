-- Sessions and events as a PostgreSQL user would keep them: the seq is the primary key together with the session,
-- and the producer identity is unique per session, which is the dedupe.
CREATE TABLE IF NOT EXISTS starcite_sessions (
  id       text   PRIMARY KEY,
  last_seq bigint NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS starcite_events (
  session_id   text        NOT NULL,
  seq          bigint      NOT NULL,
  producer_id  text        NOT NULL,
  producer_seq bigint      NOT NULL,
  payload      jsonb       NOT NULL,
  inserted_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, seq),
  UNIQUE (session_id, producer_id, producer_seq)
);

-- One round trip per append. The session row's lock orders appends to one session (so commit order is seq order,
-- which LISTEN/NOTIFY delivery relies on); different sessions commit in parallel and share WAL flushes.
-- outcome: 0 appended, 1 deduped, 2 expected-seq conflict, 3 no such session.
CREATE OR REPLACE FUNCTION starcite_append(p_session text, p_producer text, p_producer_seq bigint, p_expected bigint, p_payload jsonb, p_notify boolean)
RETURNS TABLE (outcome int, seq bigint, last_seq bigint) LANGUAGE plpgsql AS $$
DECLARE
  v_last bigint;
  v_seq  bigint;
BEGIN
  SELECT s.last_seq INTO v_last FROM starcite_sessions s WHERE s.id = p_session FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 3, 0::bigint, 0::bigint;
    RETURN;
  END IF;
  SELECT e.seq INTO v_seq FROM starcite_events e
   WHERE e.session_id = p_session AND e.producer_id = p_producer AND e.producer_seq = p_producer_seq;
  IF FOUND THEN
    RETURN QUERY SELECT 1, v_seq, v_last;
    RETURN;
  END IF;
  IF p_expected IS NOT NULL AND p_expected <> v_last THEN
    RETURN QUERY SELECT 2, 0::bigint, v_last;
    RETURN;
  END IF;
  v_seq := v_last + 1;
  INSERT INTO starcite_events (session_id, seq, producer_id, producer_seq, payload) VALUES (p_session, v_seq, p_producer, p_producer_seq, p_payload);
  UPDATE starcite_sessions SET last_seq = v_seq WHERE id = p_session;
  -- Delivered to listeners after commit, in commit order. The whole event rides along when it fits the 8000-byte
  -- notification limit; otherwise listeners read it from the table.
  IF p_notify THEN
  PERFORM pg_notify('s:' || p_session, CASE WHEN octet_length(p_payload::text) + octet_length(p_producer) < 7800
    THEN v_seq || E'\n' || p_producer_seq || E'\n' || p_producer || E'\n' || p_payload::text
    ELSE v_seq::text END);
  END IF;
  RETURN QUERY SELECT 0, v_seq, v_seq;
END $$;
