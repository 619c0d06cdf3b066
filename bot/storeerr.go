package bot

import "errors"

// Storage failures the engine must tell apart, whatever the store. A store wraps its own
// errors with these (errors.Is), so callers never read a driver's message text.
var (
	// ErrDiskFull: the database could not grow (no space, or a size limit reached).
	ErrDiskFull = errors.New("database disk is full")
	// ErrReadOnly: the database cannot be written (read-only file system, permissions).
	ErrReadOnly = errors.New("database is read-only")
	// ErrBusy: the database stayed locked by another process past the wait.
	ErrBusy = errors.New("database is busy")
	// ErrCorrupt: the file is damaged or not a warroom database.
	ErrCorrupt = errors.New("database is damaged")
)

// StoreError is a storage failure with its kind: Error() keeps the detailed message for
// the log, Unwrap gives both the kind and the cause.
type StoreError struct {
	Kind error // one of the sentinels above
	Err  error
}

func (e *StoreError) Error() string   { return e.Err.Error() }
func (e *StoreError) Unwrap() []error { return []error{e.Kind, e.Err} }
