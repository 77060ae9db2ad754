package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/lossexp/lossexp/datasets"
	"github.com/lossexp/lossexp/study"
)

// datasetsOptions are the settings of `lossexp datasets` and `lossexp
// datasets fetch`.
type datasetsOptions struct {
	Names    []string // fetch: the datasets to fetch
	CacheDir string   // cacheDirSetting
	// Remotes and Client are the catalogue and HTTP client (tests serve
	// their own); nil = datasets.Remotes and http.DefaultClient.
	Remotes []datasets.Remote
	Client  *http.Client
}

func (o *datasetsOptions) cache() (string, error) {
	if o.CacheDir != "" {
		return o.CacheDir, nil
	}
	return datasets.DefaultCacheDir()
}

// cacheDirSetting resolves the fetch cache once, in the command, for
// every command that reads data: --cache-dir over LOSSEXP_CACHE_DIR over
// the config file's cache-dir, else lossexp's folder in the user's cache
// folder; "" when there is none. The value is passed down (study.Folders);
// nothing below cmd reads the setting.
func cacheDirSetting(v *viper.Viper) string {
	if d := v.GetString("cache-dir"); d != "" {
		return d
	}
	d, err := datasets.DefaultCacheDir()
	if err != nil {
		return ""
	}
	return d
}

// addCacheDirFlag adds --cache-dir to a command that reads data.
func addCacheDirFlag(c *cobra.Command) {
	c.Flags().String("cache-dir", "", "folder of fetched datasets (env LOSSEXP_CACHE_DIR, config cache-dir; default ~/.cache/lossexp)")
}

func (o *datasetsOptions) remotes() []datasets.Remote {
	if o.Remotes != nil {
		return o.Remotes
	}
	return datasets.Remotes
}

func newCmdDatasets(streams *IO, v *viper.Viper, runF func(*datasetsOptions) error) *cobra.Command {
	opts := &datasetsOptions{}
	c := &cobra.Command{
		Use:   "datasets",
		Short: "List the built-in generators, the shipped real datasets and those to fetch",
		Long: `List the data a spec can name:

  - the built-in generators (dataset.builtin) with their task, one line of
    meaning and their parameters (dataset.params) with defaults;
  - the real datasets shipped with lossexp, by library path (dataset.csv:
    sklearn/digits.csv), with their source and licence;
  - the datasets fetched on request (lossexp datasets fetch NAME), with their
    files, terms and whether they are in the cache.

A relative dataset.csv is looked for in the spec's folder, then --data-dir
(LOSSEXP_DATA_DIR), then the shipped files, then the cache
(LOSSEXP_CACHE_DIR or --cache-dir, default ~/.cache/lossexp).`,
		Example: `  lossexp datasets
  lossexp datasets fetch compas`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			bind(v, c, "cache-dir")
			opts.CacheDir = v.GetString("cache-dir")
			if runF != nil {
				return runF(opts)
			}
			return datasetsRun(opts, streams.Out)
		},
	}
	c.PersistentFlags().String("cache-dir", "", "folder of fetched datasets (env LOSSEXP_CACHE_DIR; default ~/.cache/lossexp)")
	c.AddCommand(newCmdDatasetsFetch(streams, v, runF))
	return c
}

func newCmdDatasetsFetch(streams *IO, v *viper.Viper, runF func(*datasetsOptions) error) *cobra.Command {
	opts := &datasetsOptions{}
	return &cobra.Command{
		Use:   "fetch NAME...",
		Short: "Download real datasets that cannot ship with lossexp into the cache",
		Long: `Download each named dataset's files from their canonical source, check each
download's size and pinned SHA-256, convert it to lossexp's CSV layout, check
the result's SHA-256 and keep it in the cache folder (--cache-dir, or
LOSSEXP_CACHE_DIR, or ~/.cache/lossexp), under datasets/<library path>.
Each file is written to a temporary file and renamed into place: a failed or
interrupted download leaves nothing behind. Files already in the cache with
the right checksum are not downloaded again. "lossexp datasets" lists the
names.

A spec then names the files by their library path (dataset.csv:
compas/compas.csv); validate, sweep, run and merge read the cache from the same setting
(--cache-dir, LOSSEXP_CACHE_DIR, or cache-dir in the config file).`,
		Example: `  lossexp datasets fetch compas
  lossexp datasets fetch adult --cache-dir /data/lossexp-cache`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			bind(v, c, "cache-dir")
			opts.Names = args
			opts.CacheDir = v.GetString("cache-dir")
			for _, n := range args {
				if _, err := lookupRemote(opts.remotes(), n); err != nil {
					return inputError(err)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return datasetsFetchRun(c.Context(), opts, streams.Err)
		},
	}
}

func lookupRemote(rs []datasets.Remote, name string) (*datasets.Remote, error) {
	for i := range rs {
		if rs[i].Name == name {
			return &rs[i], nil
		}
	}
	_, err := datasets.LookupRemote(name) // the message lists the names
	if err == nil {
		err = fmt.Errorf("unknown dataset %q", name)
	}
	return nil, err
}

// datasetsFetchRun fetches opts.Names into the cache, logging to w.
func datasetsFetchRun(ctx context.Context, opts *datasetsOptions, w io.Writer) error {
	cache, err := opts.cache()
	if err != nil {
		return inputError(err)
	}
	for _, n := range opts.Names {
		r, err := lookupRemote(opts.remotes(), n)
		if err != nil {
			return inputError(err)
		}
		logf := func(format string, args ...any) {
			fmt.Fprintf(w, "datasets fetch %s: "+format+"\n", append([]any{n}, args...)...)
		}
		if err := datasets.Fetch(ctx, opts.Client, cache, r, logf); err != nil {
			if _, ok := errors.AsType[*datasets.CachePathError](err); ok {
				return inputError(err)
			}
			return err
		}
	}
	return nil
}

// datasetsRun lists the generators, shipped files and fetchable datasets.
func datasetsRun(opts *datasetsOptions, out io.Writer) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "BUILTIN\tTASK\tMEANING")
	for _, g := range study.BuiltinDatasets() {
		fmt.Fprintf(w, "%s\t%s\t%s\n", g.Name, g.Task, g.Summary)
		for _, p := range g.Params {
			fmt.Fprintf(w, "\t\t  %s = %g: %s\n", p.Name, p.Default, p.Meaning)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "SHIPPED (dataset.csv)\tCONTENT\tLICENCE")
	for _, f := range datasets.Shipped {
		fmt.Fprintf(w, "%s\t%s\t%s\n", f.Path, f.Summary, f.Licence)
	}
	fmt.Fprintln(w)
	cache, cerr := opts.cache()
	fmt.Fprintln(w, "FETCH NAME\tFILES (dataset.csv)\tSTATE\tMEANING")
	for i := range opts.remotes() {
		r := &opts.remotes()[i]
		state := "not fetched"
		if cerr == nil && r.Fetched(cache) {
			state = "fetched"
		}
		var files []string
		for _, f := range r.Files {
			files = append(files, f.Path)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.Name, strings.Join(files, ", "), state, r.Summary)
		fmt.Fprintf(w, "\t\t\t  terms: %s\n", r.Terms)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if cerr != nil {
		_, err := fmt.Fprintf(out, "\ncache: %v\n", cerr)
		return err
	}
	_, err := fmt.Fprintf(out, "\ncache: %s (lossexp datasets fetch NAME)\n", cache)
	return err
}
