package bot

import "time"

// Evidence and its chain of custody (NIST SP 800-61r3 RS.AN-07). Every step is a timeline
// entry of kind evidence; the item and its custody are folded from them (FoldFacts).
//
//	add:      data {"evidence": n, "action": "add", "sha256"?, "location"?}; text "evidence n added: <description>"
//	receipt:  data {"evidence": n, "action": "add", "source": "upload", "sha256", "size", "uploader",
//	          "uploaded_at", "channel", "message"}; text "evidence n received: <file name>"
//	transfer: data {"evidence": n, "action": "transfer", "from", "to"}; text "evidence n to <to>: <reason>"

// Evidence is one item.
type Evidence struct {
	N           int64
	Description string // free text: what the user wrote, or the uploaded file's name
	SHA256      string // lowercase hex; "" when none was given
	Size        int64  // bytes, for an upload warroom hashed; 0 otherwise
	Location    string // where it is kept (a URI or path), "" when not given
	Uploaded    bool   // hashed by warroom from the platform's copy of an uploaded file
	Uploader    string // who uploaded the file
	UploadedAt  time.Time
	Channel     string // where the file was posted
	Message     string
	AddedBy     string
	AddedAt     time.Time
	Seq         int64
	Redacted    bool
	Holder      string // the current custodian
	Custody     []Custody
}

// Custody is one step of an item's chain of custody.
type Custody struct {
	Seq    int64
	At     time.Time
	Action string // collected | transferred
	From   string
	To     string
	By     string
	Reason string // free text ("" for collection)
}

// NextEvidence is the number the next item gets.
func (f *Facts) NextEvidence() int64 { return int64(len(f.Evidence)) + 1 }

// Item finds item n.
func (f *Facts) Item(n int64) (*Evidence, bool) {
	for i := range f.Evidence {
		if f.Evidence[i].N == n {
			return &f.Evidence[i], true
		}
	}
	return nil, false
}

func (f *Facts) applyEvidence(e Entry, d EntryData, fact Fact) {
	n := d.Int("evidence")
	switch d.Str("action") {
	case "add":
		if _, dup := f.Item(n); dup || n <= 0 {
			return
		}
		ev := Evidence{N: n, Description: fact.Text, SHA256: d.Str("sha256"), Size: d.Int("size"), Location: d.Str("location"),
			Uploaded: d.Str("source") == "upload", Uploader: d.Str("uploader"), UploadedAt: d.Time("uploaded_at"),
			Channel: d.Str("channel"), Message: d.Str("message"), AddedBy: e.Actor, AddedAt: e.OccurredAt, Seq: e.Seq,
			Redacted: e.Redacted, Holder: e.Actor}
		ev.Custody = []Custody{{Seq: e.Seq, At: e.OccurredAt, Action: "collected", To: e.Actor, By: e.Actor}}
		f.Evidence = append(f.Evidence, ev)
	case "transfer":
		ev, ok := f.Item(n)
		if !ok {
			return
		}
		ev.Custody = append(ev.Custody, Custody{Seq: e.Seq, At: e.OccurredAt, Action: "transferred", From: d.Str("from"), To: d.Str("to"),
			By: e.Actor, Reason: fact.Text})
		ev.Holder = d.Str("to")
	}
}
