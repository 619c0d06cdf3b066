package bot

import "time"

// ReadIn is one person's first look at an incident in one web view session: the access
// log that the report lists. It is not a timeline entry (reading changes nothing).
type ReadIn struct {
	Person string
	At     time.Time
}

// WebSession is a signed-in web view session, found by the hash of its cookie.
type WebSession struct {
	ID      int64
	Person  string
	Created time.Time
	Expires time.Time
}
