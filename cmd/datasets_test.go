package cmd

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/lossexp/lossexp/datasets"
)

// TestDatasetsFetch_FlagsToOptions: argv → options; the cache folder from
// --cache-dir over LOSSEXP_CACHE_DIR; an unknown name is a usage error
// before any download.
func TestDatasetsFetch_FlagsToOptions(t *testing.T) {
	t.Setenv("LOSSEXP_CACHE_DIR", "/env-cache")
	for _, tt := range []struct {
		args      []string
		names     []string
		cache     string
		wantError string
	}{
		{[]string{"datasets", "fetch", "compas"}, []string{"compas"}, "/env-cache", ""},
		{[]string{"datasets", "fetch", "compas", "adult", "--cache-dir", "/flag"}, []string{"compas", "adult"}, "/flag", ""},
		{[]string{"datasets", "--cache-dir", "/flag", "fetch", "adult"}, []string{"adult"}, "/flag", ""},
		{[]string{"datasets", "fetch"}, nil, "", "requires at least 1 arg"},
		{[]string{"datasets", "fetch", "iris"}, nil, "", `unknown dataset "iris" (fetchable: adult, compas)`},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var got *datasetsOptions
			streams := &IO{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}
			root := NewRootCmd(streams)
			v := viper.New()
			// Replace the datasets command by one whose runF records.
			for _, c := range root.Commands() {
				if c.Name() == "datasets" {
					root.RemoveCommand(c)
				}
			}
			root.AddCommand(newCmdDatasets(streams, v, func(o *datasetsOptions) error { got = o; return nil }))
			root.PersistentPreRunE = func(c *cobra.Command, _ []string) error { return loadConfig(v, c) }
			root.SetArgs(tt.args)
			root.SetOut(streams.Out)
			root.SetErr(streams.Err)
			err := root.ExecuteContext(context.Background())
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) || exitCode(context.Background(), err) != ExitInput {
					t.Fatalf("err = %v (exit %d), want a usage error with %q", err, exitCode(context.Background(), err), tt.wantError)
				}
				if got != nil {
					t.Error("runF called despite the error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || strings.Join(got.Names, ",") != strings.Join(tt.names, ",") || got.CacheDir != tt.cache {
				t.Errorf("options %+v, want names %v, cache %q", got, tt.names, tt.cache)
			}
		})
	}
}

// TestDatasetsFetch_Run: a fetch from a local server keeps the file in
// the cache and the listing then says fetched; a server error is exit 1
// and leaves nothing.
func TestDatasetsFetch_Run(t *testing.T) {
	body := "a,b,target\n1,2,0\n3,4,1\n"
	fail := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte(body))
	}))
	defer srv.Close()
	sum := sha256.Sum256([]byte(body))
	h := hex.EncodeToString(sum[:])
	remotes := []datasets.Remote{{Name: "toy", Summary: "a toy", Terms: "none", Files: []datasets.RemoteFile{
		{Path: "toy/toy.csv", SHA256: h, URL: srv.URL + "/toy.csv", URLSHA256: h, Size: int64(len(body))},
	}}}
	cache := t.TempDir()
	var log bytes.Buffer
	opts := &datasetsOptions{Names: []string{"toy"}, CacheDir: cache, Remotes: remotes, Client: srv.Client()}
	if err := datasetsFetchRun(context.Background(), opts, &log); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(cache, "datasets", "toy", "toy.csv")); err != nil || string(b) != body {
		t.Fatalf("cache holds %q, %v", b, err)
	}
	if !strings.Contains(log.String(), "datasets fetch toy: toy/toy.csv: downloading "+srv.URL) {
		t.Errorf("log:\n%s", log.String())
	}
	var out bytes.Buffer
	if err := datasetsRun(opts, &out); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"sklearn/digits.csv", "BSD-3-Clause", "toy/toy.csv", "fetched", "cache: " + cache} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("listing lacks %q:\n%s", w, out.String())
		}
	}

	fail = true
	cache2 := t.TempDir()
	opts.CacheDir = cache2
	err := datasetsFetchRun(context.Background(), opts, &log)
	if err == nil || !strings.Contains(err.Error(), "503") || exitCode(context.Background(), err) != ExitFailure {
		t.Fatalf("server error: err = %v, exit %d", err, exitCode(context.Background(), err))
	}
	if _, err := os.Stat(filepath.Join(cache2, "datasets", "toy", "toy.csv")); err == nil {
		t.Error("a file was kept after a server error")
	}
}
