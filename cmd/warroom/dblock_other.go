//go:build !unix

package main

// dbLock is a no-op where flock is not available.
type dbLock struct{}

func lockDB(string) (*dbLock, error) { return &dbLock{}, nil }

func (l *dbLock) release() {}
