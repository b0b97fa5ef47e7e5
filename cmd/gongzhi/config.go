// Configuration: every setting with its flag, its environment variable and its default, in
// one table, read once at start and validated before anything is served.

package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/publog"
	"gongzhi/internal/secret"
)

// Config is the whole configuration of a gongzhi process.
type Config struct {
	Addr          string
	DB            string
	DataDir       string
	SecretKey     string
	LogFormat     string
	LogLevel      string
	SecureCookies bool
	MaxUploadMiB  int
	Dev           string
	SessionIdle   time.Duration
	FieldCipher   string // aes or sm4 (secret.Ciphers)
	LogOrigin     string // the public ledger's origin line ("": derived)
	PublicURL     string // the address the instance is reached at ("": none configured)
	Audit         kernel.AuditPolicy
	TOTPRoles     []string
	// accounts and sessions (等保 level 3)
	HashSlots      int
	MaxSessions    int
	PasswordMaxAge time.Duration // negative: never
	InactiveAfter  time.Duration // negative: never
	PolicyExempt   []string
	// resources (docs/operations.md, "Memory")
	DBConns        int
	SQLiteCacheMiB int
	MemoryLimitMiB int // the Go runtime's soft memory limit; 0: none
	GCPercent      int // the Go collector's target heap growth in percent (GOGC)
	MaxInFlight    int // reads run at once (docs/operations.md, "Requests in flight"); 0: maxInFlightFor the database
}

// days reads a number of days for a setting where 0 means never (a negative duration).
func days(name string, v string, out *time.Duration) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 3650 {
		return fmt.Errorf("%s must be 0–3650 days", name)
	}
	*out = time.Duration(n) * 24 * time.Hour
	if n == 0 {
		*out = -1
	}
	return nil
}

// roles reads a comma-separated list of roles for a setting, appending to out.
func roles(name, v string, out *[]string) error {
	for r := range strings.SplitSeq(v, ",") {
		if r = strings.TrimSpace(r); r == "" {
			continue
		} else if !gongzhi.IsRole(r) {
			return fmt.Errorf("%s: unknown role %q", name, r)
		}
		*out = append(*out, r)
	}
	return nil
}

// count reads a whole number from lo to hi for a setting.
func count(name, v string, lo, hi int, out *int) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return fmt.Errorf("%s must be %d–%d", name, lo, hi)
	}
	*out = n
	return nil
}

type setting struct {
	flag, env, def, help string
	set                  func(c *Config, v string) error
}

// settings is the configuration table that the README's table mirrors.
var settings = []setting{
	{"addr", "GONGZHI_ADDR", "127.0.0.1:8080", "address to listen on", func(c *Config, v string) error { c.Addr = v; return nil }},
	{"db", "GONGZHI_DB", "sqlite:gongzhi.db", "database: sqlite:PATH or postgres://user:pass@host:5432/db", func(c *Config, v string) error { c.DB = v; return nil }},
	{"data-dir", "GONGZHI_DATA_DIR", "data", "directory for uploaded files and the generated secret key", func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"secret-key", "GONGZHI_SECRET_KEY", "", "32-byte key (64 hex chars or base64) that encrypts ID numbers at rest; default: DATA_DIR/secret.key, created on first start", func(c *Config, v string) error { c.SecretKey = v; return nil }},
	{"field-cipher", "GONGZHI_FIELD_CIPHER", secret.CipherAES, "cipher of personal data at rest: aes (AES-256-GCM, HMAC-SHA256 lookups) or sm4 (SM4-GCM, HMAC-SM3 lookups, GB/T 39786); an existing database is switched with `gongzhi rekey`", func(c *Config, v string) error {
		if secret.Prefix(v) == "" {
			return fmt.Errorf("field-cipher must be %s, not %q", strings.Join(secret.Ciphers, " or "), v)
		}
		c.FieldCipher = v
		return nil
	}},
	{"integrity-hash", "GONGZHI_INTEGRITY_HASH", secret.IntegritySHA256, "hash of the audit log's daily seals (its hash chain): sha256 or sm3", func(c *Config, v string) error {
		if _, err := secret.IntegrityHash(v); err != nil || v == "" {
			return fmt.Errorf("integrity-hash must be %s, not %q", strings.Join(secret.IntegrityHashes, " or "), v)
		}
		c.Audit.Hash = v
		return nil
	}},
	{"public-url", "GONGZHI_PUBLIC_URL", "", "the address residents reach the instance at, e.g. https://gongzhi.gedang.gov.cn; the public ledger's origin is derived from it (docs/ledger.md)", func(c *Config, v string) error {
		if v == "" {
			return nil
		}
		if _, err := publog.OriginFromURL(v); err != nil {
			return fmt.Errorf("public-url must be an http(s) address without a query, not %q", v)
		}
		c.PublicURL = v
		return nil
	}},
	{"log-origin", "GONGZHI_LOG_ORIGIN", "", "the public ledger's origin line and key name, e.g. gongzhi.gedang.gov.cn (one word, no '+'); default: derived from --public-url, else the placeholder gongzhi.example/ and 8 hex digits of its public key", func(c *Config, v string) error {
		if strings.ContainsAny(v, " \t+") {
			return fmt.Errorf("log-origin must be one word without '+', not %q", v)
		}
		c.LogOrigin = v
		return nil
	}},
	{"log-format", "GONGZHI_LOG_FORMAT", "text", "log format: text or json", func(c *Config, v string) error {
		if v != "text" && v != "json" {
			return fmt.Errorf("log-format must be text or json, not %q", v)
		}
		c.LogFormat = v
		return nil
	}},
	{"log-level", "GONGZHI_LOG_LEVEL", "info", "log level: debug, info, warn, error", func(c *Config, v string) error { c.LogLevel = v; return nil }},
	{"secure-cookies", "GONGZHI_SECURE_COOKIES", "false", "mark cookies Secure (set when served over HTTPS)", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		c.SecureCookies = b
		return err
	}},
	{"max-upload-mib", "GONGZHI_MAX_UPLOAD_MIB", "10", "largest accepted upload, in MiB", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1024 {
			return fmt.Errorf("max-upload-mib must be 1–1024")
		}
		c.MaxUploadMiB = n
		return nil
	}},
	{"session-idle", "GONGZHI_SESSION_IDLE", "8h", "sign out after this long without activity", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute {
			return fmt.Errorf("session-idle must be a duration of at least 1m")
		}
		c.SessionIdle = d
		return nil
	}},
	{"audit-retention-days", "GONGZHI_AUDIT_RETENTION_DAYS", "365", "keep audit entries this many days (at least 183: six months)", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < kernel.MinAuditRetentionDays || n > 36500 {
			return fmt.Errorf("audit-retention-days must be a number of days from %d (six months) to 36500", kernel.MinAuditRetentionDays)
		}
		c.Audit.RetentionDays = n
		return nil
	}},
	{"work-hours", "GONGZHI_WORK_HOURS", "08:00-19:00", "working hours (China time); administrators' writes outside them, or on the office calendar's days off, raise an alarm", func(c *Config, v string) error {
		from, to, ok := strings.Cut(v, "-")
		f, err1 := time.Parse("15:04", strings.TrimSpace(from))
		t, err2 := time.Parse("15:04", strings.TrimSpace(to))
		if !ok || err1 != nil || err2 != nil || !f.Before(t) {
			return fmt.Errorf("work-hours must be HH:MM-HH:MM, the start before the end, not %q", v)
		}
		c.Audit.WorkStart, c.Audit.WorkEnd = f.Sub(f.Truncate(24*time.Hour)), t.Sub(t.Truncate(24*time.Hour))
		return nil
	}},
	{"alarm-failed-logins", "GONGZHI_ALARM_FAILED_LOGINS", "10", "failed sign-ins of one account, or from one address, within an hour that raise an alarm",
		atLeastOne("alarm-failed-logins", func(c *Config, n int) { c.Audit.FailedLogins = n })},
	{"alarm-id-reveals", "GONGZHI_ALARM_ID_REVEALS", "20", "ID numbers one user may reveal within an hour; more raise an alarm",
		atLeastOne("alarm-id-reveals", func(c *Config, n int) { c.Audit.BulkReveals = n })},
	{"totp-roles", "GONGZHI_TOTP_ROLES", "", "roles that must sign in with two factors (password and TOTP) besides the three administrators, who always must: comma-separated, e.g. purchaser,hub,community", func(c *Config, v string) error {
		return roles("totp-roles", v, &c.TOTPRoles)
	}},
	{"hash-slots", "GONGZHI_HASH_SLOTS", "2", "password hashes computed at once (64 MiB each); more wait briefly, then get 429", func(c *Config, v string) error {
		return count("hash-slots", v, 1, 64, &c.HashSlots)
	}},
	{"max-sessions", "GONGZHI_MAX_SESSIONS", "5", "signed-in sessions per account; signing in beyond it ends the oldest", func(c *Config, v string) error {
		return count("max-sessions", v, 1, 100, &c.MaxSessions)
	}},
	{"password-max-age-days", "GONGZHI_PASSWORD_MAX_AGE_DAYS", "90", "a staff password older than this must be changed at sign-in (0: never)", func(c *Config, v string) error {
		return days("password-max-age-days", v, &c.PasswordMaxAge)
	}},
	{"inactive-days", "GONGZHI_INACTIVE_DAYS", "90", "the daily job disables accounts unused this long (0: never)", func(c *Config, v string) error {
		return days("inactive-days", v, &c.InactiveAfter)
	}},
	{"policy-exempt-roles", "GONGZHI_POLICY_EXEMPT_ROLES", "resident", "roles spared password expiry and inactivity disabling, comma-separated (empty: none)", func(c *Config, v string) error {
		c.PolicyExempt = []string{} // empty: none (nil would mean the default)
		return roles("policy-exempt-roles", v, &c.PolicyExempt)
	}},
	{"db-conns", "GONGZHI_DB_CONNS", "0", "most database connections this instance opens (0: 8 on SQLite, 20 on PostgreSQL)", func(c *Config, v string) error {
		return count("db-conns", v, 0, 500, &c.DBConns)
	}},
	{"max-inflight", "GONGZHI_MAX_INFLIGHT", "0", "reads of pages and of the API run at once, the others waiting their turn (0: the processors on SQLite, four times as many on PostgreSQL)", func(c *Config, v string) error {
		return count("max-inflight", v, 0, 10000, &c.MaxInFlight)
	}},
	{"sqlite-cache-mib", "GONGZHI_SQLITE_CACHE_MIB", "32", "SQLite's page cache for the whole connection pool, in MiB (divided among the connections; sorters may take as much again)", func(c *Config, v string) error {
		return count("sqlite-cache-mib", v, 8, 8192, &c.SQLiteCacheMiB)
	}},
	{"memory-limit-mib", "GONGZHI_MEMORY_LIMIT_MIB", "200", "soft limit of the Go heap in MiB: the collector works harder near it (0: none; GOMEMLIMIT, if set, wins)", func(c *Config, v string) error {
		return count("memory-limit-mib", v, 0, 1<<20, &c.MemoryLimitMiB)
	}},
	{"gc-percent", "GONGZHI_GC_PERCENT", "200", "the Go collector's heap growth between collections, in percent (GOGC's 100 collects twice as often; GOGC, if set, wins); the memory limit still holds", func(c *Config, v string) error {
		return count("gc-percent", v, 25, 1000, &c.GCPercent)
	}},
	{"dev", "GONGZHI_DEV", "", "development: the repository's root, whose templates and static files are read on every page", func(c *Config, v string) error { c.Dev = v; return nil }},
}

// atLeastOne is the setter of a count setting: a whole number of at least 1.
func atLeastOne(name string, set func(c *Config, n int)) func(c *Config, v string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("%s must be a number of at least 1", name)
		}
		set(c, n)
		return nil
	}
}

// parseConfig reads flags (winning) and environment variables (else defaults) for a subcommand.
func parseConfig(name string, args []string, extra func(fs *flag.FlagSet)) (*Config, *flag.FlagSet, error) {
	fs := flag.NewFlagSet("gongzhi "+name, flag.ContinueOnError)
	vals := map[string]*string{}
	for _, s := range settings {
		def := s.def
		if v, ok := os.LookupEnv(s.env); ok {
			def = v
		}
		vals[s.flag] = fs.String(s.flag, def, s.help+" (env "+s.env+")")
	}
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	c := &Config{}
	for _, s := range settings {
		if err := s.set(c, strings.TrimSpace(*vals[s.flag])); err != nil {
			return nil, nil, fmt.Errorf("--%s: %w", s.flag, err)
		}
	}
	if c.LogOrigin == "" && c.PublicURL != "" {
		c.LogOrigin, _ = publog.OriginFromURL(c.PublicURL) // checked by its setting
	}
	return c, fs, nil
}

// existingSecretKey returns the configured key or the one in DATA_DIR/secret.key, never creating
// one (nil, nil when there is none).
func (c *Config) existingSecretKey() ([]byte, error) {
	if c.SecretKey == "" {
		if _, err := os.Stat(filepath.Join(c.DataDir, "secret.key")); err != nil {
			return nil, nil
		}
	}
	k, _, err := c.secretKey()
	return k, err
}

// secretKey returns the configured key, or the one in DATA_DIR/secret.key, creating it with
// mode 0600 on first start.
func (c *Config) secretKey() ([]byte, bool, error) {
	if c.SecretKey != "" {
		k, err := secret.ParseKey(c.SecretKey)
		return k, false, err
	}
	path := filepath.Join(c.DataDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		k, err := secret.ParseKey(string(b))
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", path, err)
		}
		return k, false, nil
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, false, err
	}
	key := secret.NewKey()
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return nil, false, err
	}
	k, err := secret.ParseKey(key)
	return k, true, err
}
