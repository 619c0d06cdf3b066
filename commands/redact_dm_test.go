package commands

import (
	"strings"
	"testing"
)

// A redaction tells who ran it how many direct messages warroom delivered with the text: it
// edits the posts it made in channels, but an edit names a channel and a DM's is not kept,
// so the page in bob's DM stays as sent — and the reply said nothing of it, as if the text
// were gone everywhere but in backups.
func TestRedactionSaysWhichDirectMessagesStillHoldIt(t *testing.T) {
	r := newPgRig(t, "")
	pgPaged(t, r)
	out := r.line(pgIncChannel + " /incident redact last the page named the kit's host")
	if !strings.Contains(out, "1 direct message(s) warroom sent with it still hold it: warroom cannot edit direct messages; ask their recipients to delete them.") {
		t.Fatalf("the redaction's reply does not say the page's direct message to bob still holds the text:\n%s", out)
	}
}
