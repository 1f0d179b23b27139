-- 0005_outbox_deliveries: email reports delivered recipient by recipient,
-- and webhook deliveries through the outbox.
--
-- outbox_recipients keeps how an email report went for each address it
-- was tried for: state 'pending' (a temporary refusal, or one attempt the
-- server never answered: tried again by the next run), 'sent' (the server
-- accepted it), 'failed' (refused for good with a 5xx, or given up after
-- too many temporary refusals: never tried again) or 'unconfirmed' (sent
-- twice and never answered: the server may hold it, so it is not sent a
-- third time). attempts counts the tries that reached the address,
-- unanswered those the server never answered. A report is finished
-- (outbox.sent_at set) once none of its current recipients is pending.
CREATE TABLE outbox_recipients (
	message    INTEGER NOT NULL REFERENCES outbox (id),
	address    TEXT NOT NULL,
	state      TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'unconfirmed')),
	attempts   INTEGER NOT NULL DEFAULT 0,
	unanswered INTEGER NOT NULL DEFAULT 0,
	code       INTEGER NOT NULL DEFAULT 0,   -- the latest SMTP reply code, 0 when there was none
	last_error TEXT NOT NULL DEFAULT '',
	updated_at TEXT NOT NULL,
	PRIMARY KEY (message, address)
);

-- webhook_outbox: one POST of notable events to one webhook, queued in the
-- same transaction that advances that webhook's state key
-- ('webhook.last_event_id:' and its target), then tried once per run until
-- the receiver answers 2xx (sent_at) or refuses it for good (failed_at: a
-- 4xx other than 408 and 429). target is the hex SHA-256 of the URL: the
-- URL may carry a token, so only its shown form (no credentials, no query)
-- is stored. events is the JSON array posted; next_attempt_at ('' when at
-- once) holds off retries after a failure (backoff, or the receiver's
-- Retry-After).
CREATE TABLE webhook_outbox (
	id              INTEGER PRIMARY KEY,
	target          TEXT NOT NULL,
	target_shown    TEXT NOT NULL,
	delivery_id     TEXT NOT NULL UNIQUE,
	events          TEXT NOT NULL,
	event_ids       TEXT NOT NULL,             -- JSON array of event ids ("c-000123")
	created_at      TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	last_status     INTEGER NOT NULL DEFAULT 0, -- the latest HTTP status, 0 when none came
	last_error      TEXT NOT NULL DEFAULT '',
	next_attempt_at TEXT NOT NULL DEFAULT '',
	sent_at         TEXT,
	failed_at       TEXT
);
CREATE INDEX webhook_outbox_pending ON webhook_outbox (target, id) WHERE sent_at IS NULL AND failed_at IS NULL;
