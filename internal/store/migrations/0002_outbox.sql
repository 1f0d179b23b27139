-- 0002_outbox: email reports, queued before they are sent.
--
-- notify queues one row per subscription in the same transaction that
-- advances the state key 'notify.last_event_id' past the events it covers,
-- then sends each pending row and sets sent_at. A row is pending while
-- sent_at is NULL; attempts counts send attempts (failed or not) and
-- last_error keeps the latest failure. message_id is the Message-ID header,
-- reused when a row is sent again, so a copy sent twice can be recognised.
CREATE TABLE outbox (
	id           INTEGER PRIMARY KEY,
	subscription TEXT NOT NULL,
	recipients   TEXT NOT NULL,            -- JSON array of addresses
	subject      TEXT NOT NULL,
	text         TEXT NOT NULL,
	html         TEXT NOT NULL DEFAULT '',
	message_id   TEXT NOT NULL UNIQUE,
	event_ids    TEXT NOT NULL,            -- JSON array of event ids ("c-000123")
	created_at   TEXT NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	last_error   TEXT NOT NULL DEFAULT '',
	sent_at      TEXT                      -- NULL while pending
);
CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL;
