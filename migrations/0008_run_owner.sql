-- The process that runs each run: a token naming a lock file under `locks/` that the process holds
-- for as long as it lives. A run still `running` whose owner's lock can be taken was left behind
-- by a process that died, and is marked interrupted by the next command that opens the workspace.
ALTER TABLE runs ADD COLUMN owner TEXT;
