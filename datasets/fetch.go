package datasets

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/lossexp/lossexp/internal/saferead"
)

// CacheEnv is the environment variable that overrides the cache folder
// (read by the command, with --cache-dir and the config file's cache-dir).
const CacheEnv = "LOSSEXP_CACHE_DIR"

// DefaultCacheDir returns lossexp's cache folder when no setting names
// one: "lossexp" in the user's cache folder ($XDG_CACHE_HOME, or ~/.cache
// on Linux; os.UserCacheDir elsewhere). Fetched files live in its
// datasets/ subfolder, under their library paths.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache folder: %w (set %s)", err, CacheEnv)
	}
	return filepath.Join(d, "lossexp"), nil
}

// CachePath returns where the file with library path p is kept under the
// cache folder cache.
func CachePath(cache, p string) string {
	return filepath.Join(cache, "datasets", filepath.FromSlash(p))
}

// NotFetchedError reports a library path of a remote dataset that is not
// in the cache yet.
type NotFetchedError struct {
	Path  string // library path
	Name  string // the remote dataset
	Cache string // the cache folder looked in
}

func (e *NotFetchedError) Error() string {
	return fmt.Sprintf("%s is not fetched yet: run `lossexp datasets fetch %s` (it downloads the %s dataset into %s; %s selects another cache folder)",
		e.Path, e.Name, e.Name, filepath.Join(e.Cache, "datasets"), CacheEnv)
}

// Find looks up library path p: a shipped file (shipped = true, path =
// "datasets/<p>", for messages), else a fetched file in the cache folder
// cache (path = its file). ok is false when neither has it; err is a
// *NotFetchedError when p belongs to a remote dataset not fetched yet.
// cache may be "" (no cache folder).
func Find(p, cache string) (path string, shipped bool, err error) {
	q, valid := clean(p)
	if !valid {
		return "", false, nil
	}
	if rc, ok := Open(q); ok {
		rc.Close()
		return "datasets/" + q, true, nil
	}
	if cache != "" {
		c := CachePath(cache, q)
		if st, err := os.Stat(c); err == nil && !st.IsDir() {
			return c, false, nil
		}
	}
	if r, _ := remoteOf(q); r != nil {
		return "", false, &NotFetchedError{Path: q, Name: r.Name, Cache: cache}
	}
	return "", false, nil
}

// Fetched reports whether every file of r is in the cache folder cache.
func (r *Remote) Fetched(cache string) bool {
	for _, f := range r.Files {
		if st, err := os.Stat(CachePath(cache, f.Path)); err != nil || st.IsDir() {
			return false
		}
	}
	return true
}

// Fetch downloads the files of r that the cache folder cache lacks (or
// holds with other bytes) with client, checks each download against its
// pinned SHA-256 and size, converts it and checks the result, and keeps
// it under its library path. Each file is written to a temporary file in
// its final folder, synced and renamed: an error, a wrong checksum or a
// cancelled ctx leaves no partial file. logf (may be nil) hears one line
// per file.
func Fetch(ctx context.Context, client *http.Client, cache string, r *Remote, logf func(format string, args ...any)) error {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if client == nil {
		client = defaultClient
	}
	// A cache path that cannot hold the files is refused before any
	// download, naming the path and the cure.
	for i := range r.Files {
		if err := checkCachePath(CachePath(cache, r.Files[i].Path)); err != nil {
			return err
		}
	}
	for i := range r.Files {
		f := &r.Files[i]
		dst := CachePath(cache, f.Path)
		if sum, err := fileSHA256(dst); err == nil && sum == f.SHA256 {
			logf("%s: already fetched (%s)", f.Path, dst)
			continue
		}
		logf("%s: downloading %s", f.Path, f.URL)
		if err := fetchFile(ctx, client, f, dst); err != nil {
			return fmt.Errorf("fetch %s: %w", f.Path, err)
		}
		logf("%s: kept as %s (SHA-256 %s)", f.Path, dst, f.SHA256)
	}
	return nil
}

// CachePathError says that a path of the cache folder cannot hold the
// fetched files: Path exists and is What where a folder (or, for the file
// itself, a regular file) must be.
type CachePathError struct {
	Path string
	What string // "a file", "a folder", …
	Want string // "a folder" or "the downloaded file"
}

func (e *CachePathError) Error() string {
	return fmt.Sprintf("cache path %s is %s, where %s must go: move it out of the way, or choose another cache folder (--cache-dir, %s, or cache-dir in the config file)",
		e.Path, e.What, e.Want, CacheEnv)
}

// checkCachePath checks that every existing folder on the way to dst is a
// folder (links followed, as MkdirAll does) and that dst, when it
// exists, is not a folder.
func checkCachePath(dst string) error {
	dst = filepath.Clean(dst)
	var chain []string
	for p := filepath.Dir(dst); ; p = filepath.Dir(p) {
		chain = append(chain, p)
		if filepath.Dir(p) == p {
			break
		}
	}
	for i := len(chain) - 1; i >= 0; i-- {
		fi, err := os.Stat(chain[i])
		if err != nil {
			break // missing (MkdirAll creates it) or unreadable (reported by the fetch)
		}
		if !fi.IsDir() {
			return &CachePathError{Path: chain[i], What: saferead.Kind(fi.Mode()), Want: "a folder"}
		}
	}
	if fi, err := os.Stat(dst); err == nil && !fi.Mode().IsRegular() {
		return &CachePathError{Path: dst, What: saferead.Kind(fi.Mode()), Want: "the downloaded file"}
	}
	return nil
}

// defaultClient gives up on a server that does not connect or answer
// within a minute; the body itself may take as long as it takes (ctx
// cancels it).
var defaultClient = &http.Client{Transport: &http.Transport{
	Proxy:                 http.ProxyFromEnvironment,
	DialContext:           (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
	TLSHandshakeTimeout:   30 * time.Second,
	ResponseHeaderTimeout: time.Minute,
}}

// fetchFile downloads, checks and converts one file into dst.
func fetchFile(ctx context.Context, client *http.Client, f *RemoteFile, dst string) (err error) {
	dir := filepath.Dir(dst)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	raw, err := os.CreateTemp(dir, ".download-*")
	if err != nil {
		return err
	}
	defer func() {
		raw.Close()
		os.Remove(raw.Name())
	}()
	if err := download(ctx, client, f, raw); err != nil {
		return err
	}
	src := io.Reader(raw)
	if _, err := raw.Seek(0, io.SeekStart); err != nil {
		return err
	}
	out, err := os.CreateTemp(dir, ".convert-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	h := sha256.New()
	w := io.MultiWriter(out, h)
	if f.convert != nil {
		if err := f.convert(w, src); err != nil {
			return fmt.Errorf("convert the download of %s: %w", f.URL, err)
		}
	} else if _, err := io.Copy(w, src); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != f.SHA256 {
		return fmt.Errorf("the converted file has SHA-256 %s, want %s (a bug in its conversion)", got, f.SHA256)
	}
	if err := out.Chmod(0o644); err != nil { // CreateTemp makes it 0600
		return err
	}
	if err := out.Sync(); err != nil {
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(out.Name(), dst)
}

// download writes f's URL to w, checking the status, size and SHA-256.
func download(ctx context.Context, client *http.Client, f *RemoteFile, w io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: server answered %s", f.URL, resp.Status)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), resp.Body)
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("GET %s: the download stopped after %d bytes (truncated): %w", f.URL, n, err)
		}
		return fmt.Errorf("GET %s: after %d bytes: %w", f.URL, n, err)
	}
	if f.Size > 0 && n != f.Size {
		return fmt.Errorf("GET %s: got %d bytes, want %d (truncated or changed at the source)", f.URL, n, f.Size)
	}
	return checkSum(f.URL, h, f.URLSHA256)
}

func checkSum(what string, h hash.Hash, want string) error {
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return fmt.Errorf("GET %s: SHA-256 %s, want %s (the file changed at the source or was corrupted on the way; nothing was kept)", what, got, want)
	}
	return nil
}

// fileSHA256 returns the SHA-256 of the file at p.
func fileSHA256(p string) (string, error) {
	f, err := saferead.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
