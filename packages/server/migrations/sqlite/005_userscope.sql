-- Project-scoped user sessions: the project HRN a session's access tokens are scoped to (`scp`), kept by refreshes.
ALTER TABLE sessions ADD COLUMN scope TEXT;
