// Package datasets is lossexp's library of real datasets: small files
// whose terms allow it ship inside the binary (embedded from this folder),
// and files that may not be redistributed are fetched on request from
// their canonical source into a cache folder, checked against a pinned
// SHA-256.
//
// A spec names a library file the way it names any CSV, by its library
// path "<dataset>/<file>" (dataset.csv: sklearn/digits.csv). The lookup
// order of a relative dataset.csv path is, in experiments.OpenData: the
// spec's folder, --data-dir (LOSSEXP_DATA_DIR), the shipped files (Open),
// the fetch cache (CacheDir). A library path of a remote dataset that is
// not fetched yet is a *NotFetchedError naming the fetch command.
//
// README.md in this folder gives each file's source, licence and SHA-256;
// TestShipped_Checksums holds the embedded bytes to the Shipped table.
package datasets
