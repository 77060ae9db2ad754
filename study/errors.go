package study

import (
	"context"
	"errors"
	"fmt"

	"github.com/lossexp/lossexp/experiments/dataset"
	"github.com/lossexp/lossexp/spec"
)

// InputError is an error in the user's input: the spec, the data, a flag
// or the output folder. Nothing has been trained when it is returned by
// Plan, and nothing the user owns has been touched.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// input wraps err as an InputError (nil stays nil; an InputError or a
// LockedError is returned as is).
func input(err error) error {
	var ie *InputError
	var le *LockedError
	if err == nil || errors.As(err, &ie) || errors.As(err, &le) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return err // interrupted, not bad input
	}
	return &InputError{Err: err}
}

// IsInput reports whether err is the fault of the user's input: an
// InputError or LockedError of study's, or a spec's FieldError or a
// dataset's CSVError from below it.
func IsInput(err error) bool {
	var ie *InputError
	var le *LockedError
	var fe *spec.FieldError
	var ce *dataset.CSVError
	return errors.As(err, &fe) || errors.As(err, &ce) || errors.As(err, &ie) || errors.As(err, &le)
}

// inputf is input(fmt.Errorf(...)).
func inputf(format string, args ...any) error { return input(fmt.Errorf(format, args...)) }

// LockedError reports that another lossexp process writes the folder.
type LockedError struct {
	Dir    string
	Holder string // what the lock file says of its holder; "" when unknown
}

func (e *LockedError) Error() string {
	h := ""
	if e.Holder != "" {
		h = " (" + e.Holder + ")"
	}
	return fmt.Sprintf("output folder %s is in use by another lossexp%s; wait for it to finish, or choose another --out (--force does not take a folder another process is writing)", e.Dir, h)
}

// IncompleteError reports a merge that found runs missing and wrote
// nothing.
type IncompleteError struct{ Err error }

func (e *IncompleteError) Error() string { return e.Err.Error() }
func (e *IncompleteError) Unwrap() error { return e.Err }
