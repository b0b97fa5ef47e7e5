// gongzhi gen: build a city-scale instance (internal/citygen) into the database given by --db,
// and gongzhi demo --scale: build it and serve it.

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"gongzhi/internal/app"
	"gongzhi/internal/citygen"
)

// genFlags adds --scale, --residents and --seed.
type genFlags struct {
	scale     *string
	residents *int
	seed      *int64
	stage     *string
}

func addGenFlags(fs *flag.FlagSet, defScale string) *genFlags {
	var names []string
	for n := range citygen.Scales {
		names = append(names, n)
	}
	sort.Strings(names)
	return &genFlags{
		scale:     fs.String("scale", defScale, "size of the generated city: "+strings.Join(names, ", ")),
		residents: fs.Int("residents", 0, "resize the scale to about this many residents (0: the scale's own)"),
		seed:      fs.Int64("seed", 20261122, "seed of the generated data"),
		stage:     fs.String("stage", "", "run only this stage on a city already built: events (grid teams, a quarter of visits, departments, a year of events)"),
	}
}

func (g *genFlags) options(progress io.Writer) (citygen.Options, error) {
	s, ok := citygen.Scales[*g.scale]
	if !ok {
		return citygen.Options{}, fmt.Errorf("unknown --scale %q", *g.scale)
	}
	if *g.residents > 0 {
		s = s.WithResidents(*g.residents)
	}
	return citygen.Options{Scale: s, Seed: *g.seed, Progress: progress, Stage: *g.stage}, nil
}

func cmdGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var gf *genFlags
	c, fs, err := parseConfig("gen", args, func(fs *flag.FlagSet) { gf = addGenFlags(fs, "town") })
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	opts, err := gf.options(stderr)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, c, newLogger(c, io.Discard))
	if err != nil {
		return err
	}
	defer a.DB.Close()
	res, err := genCity(ctx, a, opts, stdout)
	if err != nil {
		return err
	}
	res.Print(stdout)
	fmt.Fprintf(stdout, "\nServe it with: gongzhi serve --db %s --data-dir %s\n", c.DB, c.DataDir)
	return nil
}

func genCity(ctx context.Context, a *app.App, opts citygen.Options, stdout io.Writer) (*citygen.Result, error) {
	fmt.Fprintf(stdout, "正在生成城市数据（舟山市）… / generating the city: %d residents, %d households, %d ledger entries\n",
		opts.Scale.Residents, opts.Scale.Households, opts.Scale.Entries)
	return citygen.Build(ctx, a, opts)
}
