// Password hashes under a bound: every argon2id hash (checking a password at sign-in, or hashing a
// new one) holds Argon2.Memory (64 MiB in production) while it runs, so a crowd of sign-ins would
// otherwise be a memory attack. A process-wide gate lets Cfg.HashSlots hashes run at once; a
// hash waits up to Cfg.HashWait for a slot and is then refused with ETOOMANY "err.busy" (429 with
// Retry-After in the pages and the API). The gate's counts are Prometheus metrics.

package accounts

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gongzhi"
	"gongzhi/internal/secret"
)

// hashGate bounds the password hashes running at once.
type hashGate struct {
	slots   chan struct{}
	wait    time.Duration
	collect bool         // collect the garbage after each hash: worth it only for large hashes
	done    atomic.Int64 // hashes computed
	refused atomic.Int64 // hashes refused for want of a slot
}

// collectAbove is the hash memory (KiB) from which a collection after each hash pays: below it
// a forced collection costs more than the memory it gives back.
const collectAbove = 16 * 1024

func newHashGate(slots int, wait time.Duration, memoryKiB uint32) *hashGate {
	return &hashGate{slots: make(chan struct{}, slots), wait: wait, collect: memoryKiB >= collectAbove}
}

// ErrBusy is the refusal of a password hash that found no slot in time.
func ErrBusy() *gongzhi.Error { return &gongzhi.Error{Code: gongzhi.ETOOMANY, Message: "err.busy"} }

// IsBusy reports whether err is ErrBusy.
func IsBusy(err error) bool {
	var e *gongzhi.Error
	return errors.As(err, &e) && e.Code == gongzhi.ETOOMANY && e.Message == "err.busy"
}

// run runs fn in a slot, waiting up to the gate's wait for one.
func (g *hashGate) run(ctx context.Context, fn func()) error {
	select {
	case g.slots <- struct{}{}:
	default:
		t := time.NewTimer(g.wait)
		defer t.Stop()
		select {
		case g.slots <- struct{}{}:
		case <-t.C:
			g.refused.Add(1)
			return ErrBusy()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer func() { <-g.slots }()
	g.done.Add(1)
	fn()
	// The hash's memory is garbage now; collecting it before the slot is given back lets the
	// next hash reuse it, so the heap holds about HashSlots hashes rather than twice that (the
	// hash's blocks hold no pointers, so the collection costs little). Small hashes (tests' cheap
	// parameters) are left to the ordinary collector.
	if g.collect {
		runtime.GC()
	}
	return nil
}

// checkPassword checks a password against a hash in a slot.
func (a *Service) checkPassword(ctx context.Context, hash, password string) (ok bool, err error) {
	err = a.hashes.run(ctx, func() { ok = secret.CheckPassword(hash, password) })
	return ok, err
}

// hashPassword hashes a new password in a slot.
func (a *Service) hashPassword(ctx context.Context, password string) (hash string, err error) {
	err = a.hashes.run(ctx, func() { hash = a.Cfg.Argon2.HashPassword(password) })
	return hash, err
}

// PasswordHashes returns how many password hashes were computed and how many were refused for
// want of a slot since the service started.
func (a *Service) PasswordHashes() (done, refused int64) {
	return a.hashes.done.Load(), a.hashes.refused.Load()
}

// RetryAfter is how long a refused sign-in or password hash should wait before trying again, in
// seconds, for the Retry-After header: the queue's wait for a busy one, the lock's duration for a
// locked account, the address window for a throttled one; 0 for other errors.
func (a *Service) RetryAfter(err error) int {
	var e *gongzhi.Error
	if !errors.As(err, &e) || e.Code != gongzhi.ETOOMANY {
		return 0
	}
	d := a.Cfg.HashWait
	switch e.Message {
	case "err.account_locked":
		d = a.Cfg.LockDuration
	case "err.login_throttled":
		d = a.Cfg.IPWindow
	}
	return max(1, int((d+time.Second-1)/time.Second))
}

// Collectors are the password gate's metrics: hashes computed, refused, and running now.
func (a *Service) Collectors() []prometheus.Collector {
	g := a.hashes
	return []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "gongzhi_password_hashes_total",
			Help: "Password hashes computed (sign-in checks and new passwords)."}, func() float64 { return float64(g.done.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "gongzhi_password_hashes_refused_total",
			Help: "Password hashes refused with 429 because every slot stayed busy."}, func() float64 { return float64(g.refused.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gongzhi_password_hashes_running",
			Help: "Password hashes running now."}, func() float64 { return float64(len(g.slots)) }),
	}
}
