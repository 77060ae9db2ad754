// Package cmd implements lossexp's command line: the cobra commands, their
// flags and settings, and the mapping of errors to messages and exit
// codes. Each command parses its flags into an options struct and calls a
// run function that does the work against injected writers. Settings are
// layered by viper: flags over LOSSEXP_* environment variables over an
// optional config file. Errors become messages and exit codes in one
// place, Main.
package cmd
