// A progress bar on the terminal: stage, rows, rate and time left.

package citygen

import (
	"fmt"
	"io"
	"strings"
	"time"
)

type progress struct {
	w           io.Writer
	stage       string
	total, done int
	began, last time.Time
}

func newProgress(w io.Writer) *progress { return &progress{w: w} }

func (p *progress) start(stage string, total int) {
	p.stage, p.total, p.done, p.began, p.last = stage, total, 0, time.Now(), time.Time{}
	p.draw(false)
}

func (p *progress) add(n int) {
	p.done += n
	if time.Since(p.last) >= 250*time.Millisecond {
		p.draw(false)
	}
}

func (p *progress) finish() { p.draw(true) }

func (p *progress) draw(final bool) {
	if p.w == nil {
		return
	}
	p.last = time.Now()
	el := time.Since(p.began)
	rate := float64(p.done) / max(el.Seconds(), 1e-3)
	line := fmt.Sprintf("%-14s", p.stage)
	if p.total > 0 {
		frac := min(1, float64(p.done)/float64(p.total))
		bar := int(frac * 30)
		line += fmt.Sprintf(" [%s%s] %3.0f%% %d/%d", strings.Repeat("#", bar), strings.Repeat(".", 30-bar), frac*100, p.done, p.total)
		if !final && rate > 0 && p.done > 0 {
			eta := time.Duration(float64(p.total-p.done) / rate * float64(time.Second))
			line += fmt.Sprintf("  %.0f/s  ETA %s", rate, eta.Round(time.Second))
		}
	}
	if final {
		line += fmt.Sprintf("  %.0f/s  done in %s", rate, el.Round(10*time.Millisecond))
		fmt.Fprintf(p.w, "\r%-110s\n", line)
		return
	}
	fmt.Fprintf(p.w, "\r%-110s", line)
}
