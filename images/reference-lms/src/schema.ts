/** The whole schema, applied idempotently at start (a baseline LMS needs no migration history yet). */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS users (
  id bigserial PRIMARY KEY,
  username text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'learner')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS sessions (
  id text PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS courses (
  id text PRIMARY KEY,
  title text NOT NULL,
  format text NOT NULL,
  edition text,
  launches jsonb NOT NULL,
  profile jsonb NOT NULL,
  sha256 text NOT NULL,
  installed_by bigint REFERENCES users(id),
  installed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS attempts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  course_id text NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
  launch_id text NOT NULL,
  format text NOT NULL,
  state jsonb NOT NULL DEFAULT '{}'::jsonb,
  completion_status text,
  success_status text,
  score double precision,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, course_id, launch_id)
);
CREATE TABLE IF NOT EXISTS commits (
  id bigserial PRIMARY KEY,
  attempt_id uuid NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
  kind text NOT NULL,
  cmi jsonb NOT NULL,
  completion_status text,
  success_status text,
  score double precision,
  load_run text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS commits_load_run ON commits (load_run) WHERE load_run IS NOT NULL;
CREATE INDEX IF NOT EXISTS commits_attempt ON commits (attempt_id);
CREATE TABLE IF NOT EXISTS xapi_tokens (
  id text PRIMARY KEY,
  secret_sha256 text NOT NULL,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  attempt_id uuid REFERENCES attempts(id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS cmi5_fetch (
  id text PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  attempt_id uuid NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
  used boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS statements (
  id uuid PRIMARY KEY,
  user_id bigint REFERENCES users(id) ON DELETE SET NULL,
  registration uuid,
  verb text NOT NULL,
  activity_id text,
  statement jsonb NOT NULL,
  voided boolean NOT NULL DEFAULT false,
  load_run text,
  stored timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS statements_load_run ON statements (load_run) WHERE load_run IS NOT NULL;
CREATE INDEX IF NOT EXISTS statements_registration ON statements (registration);
CREATE INDEX IF NOT EXISTS statements_stored ON statements (stored);
ALTER TABLE statements ADD COLUMN IF NOT EXISTS seq bigserial;
ALTER TABLE statements ADD COLUMN IF NOT EXISTS client_key text;
ALTER TABLE statements ADD COLUMN IF NOT EXISTS agents text[] NOT NULL DEFAULT '{}';
ALTER TABLE statements ADD COLUMN IF NOT EXISTS related_agents text[] NOT NULL DEFAULT '{}';
ALTER TABLE statements ADD COLUMN IF NOT EXISTS related_activities text[] NOT NULL DEFAULT '{}';
CREATE UNIQUE INDEX IF NOT EXISTS statements_seq ON statements (seq);
CREATE TABLE IF NOT EXISTS xapi_attachments (
  sha2 text PRIMARY KEY,
  content_type text NOT NULL,
  content bytea NOT NULL
);
CREATE TABLE IF NOT EXISTS xapi_activities (
  id text PRIMARY KEY,
  definition jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE TABLE IF NOT EXISTS cmi5_sessions (
  id text PRIMARY KEY,
  attempt_id uuid NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
  au_id text NOT NULL,
  move_on text NOT NULL,
  mastery_score double precision,
  state text NOT NULL CHECK (state IN ('launched', 'initialized', 'terminated')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS xapi_clients (
  key text PRIMARY KEY,
  secret_sha256 text NOT NULL,
  name text NOT NULL,
  scopes text[] NOT NULL,
  created_by bigint REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS xapi_documents (
  kind text NOT NULL CHECK (kind IN ('state', 'activity_profile', 'agent_profile')),
  activity_id text NOT NULL DEFAULT '',
  agent_key text NOT NULL DEFAULT '',
  registration text NOT NULL DEFAULT '',
  doc_id text NOT NULL,
  content_type text NOT NULL,
  content bytea NOT NULL,
  etag text NOT NULL,
  updated timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, activity_id, agent_key, registration, doc_id)
);
`;
