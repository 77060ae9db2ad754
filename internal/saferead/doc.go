// Package saferead reads the files a user names without hanging: Open
// opens a path only if it is a regular file (a named pipe with no writer
// would block the open forever, /dev/zero never ends, a folder is a
// mistake), and Reader and ReadAll make a long or blocked read end when
// its context is cancelled (Ctrl-C, SIGTERM).
//
// Specs, dataset CSVs, trainer inputs, run store segments, shard
// manifests, the config file and the tables `report` and `check` read
// are opened here.
package saferead
