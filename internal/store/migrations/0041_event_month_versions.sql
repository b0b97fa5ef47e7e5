-- Issue 10: the events' monthly figures (docs/events.md, "Performance") are kept by the events
-- service, each valid while the version of its months is the one it was computed at. The
-- database keeps the versions, whoever writes: triggers on events raise the version of the
-- month (UTC) of each event written, and triggers on the names the figures show (categories,
-- grids, departments) raise the version 'names' (event_versions.go). Versions only grow, so the
-- sum of a few of them changes whenever one does.
CREATE TABLE event_month_versions (
    month   TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
-- @go event_month_versions
