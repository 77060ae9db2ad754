package datasets

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testRemote is a remote dataset of one file served by srv at /data: the
// download is body, kept upper-cased (a conversion, so that the two
// checksums differ).
func testRemote(srv *httptest.Server, body string) *Remote {
	upper := strings.ToUpper(body)
	return &Remote{Name: "toy", Files: []RemoteFile{{
		Path: "toy/toy.csv", SHA256: sum([]byte(upper)),
		URL: srv.URL + "/data", URLSHA256: sum([]byte(body)), Size: int64(len(body)),
		convert: func(w io.Writer, r io.Reader) error {
			b, err := io.ReadAll(r)
			if err != nil {
				return err
			}
			_, err = io.WriteString(w, strings.ToUpper(string(b)))
			return err
		},
	}}}
}

// cacheFiles lists every file (temporary ones included) under cache.
func cacheFiles(t *testing.T, cache string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

const toyBody = "x,y\n1,a\n2,b\n3,c\n"

// TestFetch: a good download is kept converted under its library path and
// found by Find; a second fetch does not download again; each failure
// (wrong checksum, truncated body, server error, a download interrupted
// by cancelling ctx) returns an error naming the cause and leaves no file
// at all in the cache.
func TestFetch(t *testing.T) {
	var served []byte // what the handler sends; nil: a 500
	var hits int
	block := make(chan struct{})
	mode := ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		switch mode {
		case "error":
			http.Error(w, "boom", http.StatusInternalServerError)
		case "truncate":
			// Promise the whole body, send half, close the connection.
			w.Header().Set("Content-Length", strconv.Itoa(len(served)))
			w.Write(served[:len(served)/2])
			w.(http.Flusher).Flush()
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Error("no hijacker")
				return
			}
			c, _, _ := hj.Hijack()
			c.Close()
		case "hang":
			w.Header().Set("Content-Length", strconv.Itoa(len(served)))
			w.Write(served[:len(served)/2])
			w.(http.Flusher).Flush()
			select {
			case <-block:
			case <-r.Context().Done():
			}
		default:
			w.Write(served)
		}
	}))
	defer srv.Close()
	defer close(block)

	for _, tt := range []struct {
		name, mode, body, want string
		cancelAfter            time.Duration
	}{
		{"wrong checksum", "", "x,y\n1,a\n2,b\n3,C\n", "SHA-256", 0},
		{"wrong size", "", toyBody + "4,d\n", "want " + strconv.Itoa(len(toyBody)), 0},
		{"truncated", "truncate", toyBody, "truncated", 0},
		{"server error", "error", toyBody, "500", 0},
		{"interrupted", "hang", toyBody, "context canceled", 100 * time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cache := t.TempDir()
			mode, served = tt.mode, []byte(tt.body)
			r := testRemote(srv, toyBody)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancelAfter > 0 {
				time.AfterFunc(tt.cancelAfter, cancel)
			}
			err := Fetch(ctx, srv.Client(), cache, r, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "toy/toy.csv") {
				t.Fatalf("err = %v, want one naming toy/toy.csv and %q", err, tt.want)
			}
			if f := cacheFiles(t, cache); len(f) != 0 {
				t.Errorf("files left in the cache: %v", f)
			}
			if r.Fetched(cache) {
				t.Error("Fetched after a failed fetch")
			}
			if _, _, err := findIn(r, cache); err == nil {
				t.Error("Find found a file after a failed fetch")
			}
		})
	}

	t.Run("good", func(t *testing.T) {
		cache := t.TempDir()
		mode, served = "", []byte(toyBody)
		r := testRemote(srv, toyBody)
		var log strings.Builder
		logf := func(f string, a ...any) { log.WriteString(fmt.Sprintf(f, a...) + "\n") }
		if err := Fetch(context.Background(), srv.Client(), cache, r, logf); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(CachePath(cache, "toy/toy.csv"))
		if err != nil || string(b) != strings.ToUpper(toyBody) {
			t.Fatalf("kept %q, %v; want the converted body", b, err)
		}
		if f := cacheFiles(t, cache); len(f) != 1 {
			t.Errorf("cache holds %v, want the one file", f)
		}
		if st, err := os.Stat(CachePath(cache, "toy/toy.csv")); err != nil || st.Mode().Perm() != 0o644 {
			t.Errorf("kept file mode %v, %v; want 0644", st.Mode(), err)
		}
		if !r.Fetched(cache) {
			t.Error("not Fetched after a good fetch")
		}
		before := hits
		if err := Fetch(context.Background(), srv.Client(), cache, r, logf); err != nil {
			t.Fatal(err)
		}
		if hits != before || !strings.Contains(log.String(), "already fetched") {
			t.Errorf("a second fetch downloaded again (%d requests) or did not say so:\n%s", hits-before, log.String())
		}
		// A damaged cached file is fetched again.
		os.WriteFile(CachePath(cache, "toy/toy.csv"), []byte("junk"), 0o644)
		if err := Fetch(context.Background(), srv.Client(), cache, r, logf); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(CachePath(cache, "toy/toy.csv")); string(b) != strings.ToUpper(toyBody) || hits != before+1 {
			t.Errorf("damaged file not replaced: %q after %d requests", b, hits-before)
		}
	})

	t.Run("conversion mismatch", func(t *testing.T) {
		cache := t.TempDir()
		mode, served = "", []byte(toyBody)
		r := testRemote(srv, toyBody)
		r.Files[0].SHA256 = sum([]byte("other"))
		err := Fetch(context.Background(), srv.Client(), cache, r, nil)
		if err == nil || !strings.Contains(err.Error(), "conversion") {
			t.Fatalf("err = %v, want a conversion checksum error", err)
		}
		if f := cacheFiles(t, cache); len(f) != 0 {
			t.Errorf("files left in the cache: %v", f)
		}
	})
}

// findIn is Find for a test remote, which is not in Remotes: the cached
// file or an error.
func findIn(r *Remote, cache string) (string, bool, error) {
	p := CachePath(cache, r.Files[0].Path)
	if _, err := os.Stat(p); err != nil {
		return "", false, err
	}
	return p, false, nil
}
