// The versions of the events' months (migration 0041): raised by the database whenever an
// event of the month is written, or a name the figures show changes, so that a reader can keep
// a month's figures and know, by one indexed read, whether they still hold (docs/events.md,
// "Performance").

package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// EventNamesVersion is the row of event_month_versions raised when a category, a grid or a
// department is renamed.
const EventNamesVersion = "names"

// EventMonthKey is the key of event_month_versions for the events created at t: its month in
// UTC, as the triggers read it from created_at.
func EventMonthKey(t time.Time) string { return t.UTC().Format("2006-01") }

// EventStatsVersion returns the sum of the versions of keys (EventMonthKey, EventNamesVersion):
// it grows whenever an event of those months is written or a name changes, and never shrinks.
func (q *Q) EventStatsVersion(ctx context.Context, keys ...string) (int64, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	var v int64
	err := q.QueryRow(ctx, `SELECT COALESCE(SUM(version), 0) FROM event_month_versions WHERE month IN (`+
		strings.TrimSuffix(strings.Repeat("?, ", len(keys)), ", ")+`)`, args...).Scan(&v)
	return v, mapErr(err)
}

// migrateEventMonthVersions creates the triggers that raise the versions.
func migrateEventMonthVersions(ctx context.Context, q *Q) error {
	var stmts []string
	if q.d == Postgres {
		// statement triggers with their rows as tables: one raise a month a statement (the
		// escalation job moves many events at once), the months locked in order
		raise := func(rows string) string {
			return `INSERT INTO event_month_versions (month, version)
    SELECT m, 1 FROM (SELECT DISTINCT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS m FROM ` + rows + `) x ORDER BY m
    ON CONFLICT (month) DO UPDATE SET version = event_month_versions.version + 1`
		}
		stmts = []string{
			`CREATE FUNCTION event_month_versions_raise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN ` + raise("old_events") + `;
  ELSIF TG_OP = 'UPDATE' THEN ` + raise("(SELECT created_at FROM old_events UNION ALL SELECT created_at FROM new_events) changed") + `;
  ELSE ` + raise("new_events") + `; END IF;
  RETURN NULL;
END $$`,
			`CREATE TRIGGER events_month_version_insert AFTER INSERT ON events REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION event_month_versions_raise()`,
			`CREATE TRIGGER events_month_version_update AFTER UPDATE ON events REFERENCING OLD TABLE AS old_events NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION event_month_versions_raise()`,
			`CREATE TRIGGER events_month_version_delete AFTER DELETE ON events REFERENCING OLD TABLE AS old_events
  FOR EACH STATEMENT EXECUTE FUNCTION event_month_versions_raise()`,
			`CREATE FUNCTION event_names_version_raise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_month_versions (month, version) VALUES ('` + EventNamesVersion + `', 1)
    ON CONFLICT (month) DO UPDATE SET version = event_month_versions.version + 1;
  RETURN NULL;
END $$`,
		}
		for _, t := range []string{"event_categories", "grids", "departments"} {
			stmts = append(stmts, `CREATE TRIGGER `+t+`_names_version AFTER UPDATE OF name ON `+t+
				` FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION event_names_version_raise()`)
		}
	} else {
		raise := func(month string) string {
			return `INSERT INTO event_month_versions (month, version) VALUES (` + month + `, 1)
    ON CONFLICT (month) DO UPDATE SET version = version + 1;`
		}
		stmts = []string{
			`CREATE TRIGGER events_month_version_insert AFTER INSERT ON events BEGIN ` + raise("substr(NEW.created_at, 1, 7)") + ` END`,
			`CREATE TRIGGER events_month_version_update AFTER UPDATE ON events BEGIN ` + raise("substr(NEW.created_at, 1, 7)") +
				` ` + raise("substr(OLD.created_at, 1, 7)") + ` END`,
			`CREATE TRIGGER events_month_version_delete AFTER DELETE ON events BEGIN ` + raise("substr(OLD.created_at, 1, 7)") + ` END`,
		}
		for _, t := range []string{"event_categories", "grids", "departments"} {
			stmts = append(stmts, `CREATE TRIGGER `+t+`_names_version AFTER UPDATE OF name ON `+t+
				` WHEN OLD.name IS NOT NEW.name BEGIN `+raise("'"+EventNamesVersion+"'")+` END`)
		}
	}
	for _, s := range stmts {
		if _, err := q.x.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%w\n%s", err, s)
		}
	}
	return nil
}
