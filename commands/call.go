package commands

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// call is one command being run: who, where, the transaction, and what to say.
type call struct {
	e     *Engine
	tx    Tx
	src   bot.Source
	who   string // the caller as warroom records people
	now   time.Time
	verb  *Verb
	rest  string            // the verb's text, when it came as text
	opts  map[string]string // the verb's typed options, when it came typed (Discord)
	users map[string]string // its typed user options: the platform's user ids, by name
	args  Args              // what the declaration's parser read from rest or opts
	inc   *bot.Incident
	reply []bot.Text
	dirty bool // the card and topic need refreshing
	// timersChanged asks the scheduler to re-read the timers after commit.
	timersChanged bool
	duplicate     bool
	lastSeq       int64 // the seq of the last entry this call appended
	checkpoints   []bot.Checkpoint
	// pg and team are what a paging or on-call action is about, for the policy.
	pg       *bot.Page
	pgTeam   string
	pgCover  string // the person covering an override being cancelled
	redacted bool   // a redaction committed: the WAL is truncated after the commit
	masked   int    // secrets masked in the command (negative: kept, keep_secrets)
	// runQueued: a response action run was queued; the worker is woken after commit.
	runQueued bool
	firstSeq  int64 // the first entry this call appended to incident seqOf
	seqOf     int64
	// closeReport: the close's report is built after the commit, from a snapshot
	// (close_report.go).
	closeReport *pendingReport
	askedReport *askedReport // /incident report's, built after the commit (report_apart.go)
	// slots hold the times and people in templates' data (text.go).
	slots *bot.Slots
	// what names a call that runs no verb (a timer, a reaction, a job), for logs (calllog.go).
	what string
}

// say adds a line to the caller's reply: format is warroom's own words (bot.Textf).
func (c *call) say(format string, args ...any) {
	c.reply = append(c.reply, bot.Textf(format, args...))
}

// usage is the refusal for a missing or malformed argument.
func (c *call) usage() error { return refuse("Usage: %s", c.e.refusalUsage(c.verb)) }

// resolveIncident finds the incident this call acts on: the channel's incident or, for
// verbs the policy lets name one, an explicit "INC-n" first argument ("status INC-1" in
// INC-2's channel shows INC-1).
func (c *call) resolveIncident() error {
	inc, err := c.tx.IncidentByChannel(c.src.Platform, c.src.Channel)
	if err != nil && !isNotFound(err) {
		return err
	}
	if ruleFor(verbAction(c.verb)).Named {
		first, rest := splitVerb(c.rest)
		bare := len(c.verb.Args) == 1 && c.verb.Args[0].Lead // the incident is its only argument ("status 3")
		if c.opts != nil {
			first, bare = strings.ToLower(c.opts[argIncident]), true
			delete(c.opts, argIncident)
		}
		n, ok, err := namedIncident(first, bare)
		if err != nil {
			return err
		}
		if ok {
			if inc == nil || inc.Number != n {
				inc, err = c.tx.Incident(n)
				if isNotFound(err) {
					return refuse("There is no %s.", bot.FormatID(n))
				}
				if err != nil {
					return err
				}
			}
			c.rest = rest
		}
	}
	if inc == nil {
		return c.notInIncident()
	}
	c.inc = inc
	return nil
}

// namedIncident reads a first argument naming an incident: "INC-3", "inc-3" or "#3", and a
// bare "3" for verbs whose only argument is the incident ("status 3"; "review 3d" is not).
func namedIncident(word string, bare bool) (int64, bool, error) {
	if strings.HasPrefix(word, "inc-") {
		n, err := bot.ParseID(word)
		if err != nil {
			return 0, false, refuse("%s", err.Error())
		}
		return n, true, nil
	}
	if !bare && !strings.HasPrefix(word, "#") {
		return 0, false, nil
	}
	n, err := bot.ParseID(word)
	return n, err == nil, nil
}

// notInIncident tells the caller where the verb can run, naming a few of the incident
// channels the caller may see (members; leads all), newest first — never all of them, so
// the refusal costs the same with 1,000 open incidents as with one.
func (c *call) notInIncident() error {
	open, err := SomeVisibleOpen(c.tx, c.e.cfg, c.who, c.src.Platform, refusalListed+1)
	if err != nil {
		return err
	}
	// Built as Text: the verb is a command segment, so Discord names the command it is under.
	var b textBuf
	b.printf("%s works in an incident's channel", bot.Cmd("incident", c.verb.Name))
	if ruleFor(verbAction(c.verb)).Named {
		b.printf(" (or name one: %s INC-n)", bot.Cmd("incident", strings.Fields(c.verb.Name)[0]))
	}
	var chans []string
	for _, i := range open[:min(len(open), refusalListed)] {
		chans = append(chans, "#"+i.ChannelName)
	}
	switch {
	case len(open) > refusalListed:
		b.printf(". Open incidents: %s and more (/incident list shows them all).", strings.Join(chans, ", "))
	case len(chans) > 0:
		b.printf(". Open incidents: %s.", strings.Join(chans, ", "))
	default:
		b.printf(". There is no open incident that you are in; declare one with /incident declare <title>.")
	}
	return refuse("%s", b.t)
}

// refusalListed is how many incidents a refusal outside an incident channel names at most.
const refusalListed = 3

// commander is the current commander and whether they only act as one (the declarer,
// until someone takes or is given the role).
func (c *call) commander() (person string, acting bool, err error) {
	roles, err := c.tx.CurrentRoles(c.inc.Number)
	if err != nil {
		return "", false, err
	}
	if p, ok := roles["commander"]; ok {
		return p, false, nil
	}
	return c.inc.DeclaredBy, true, nil
}

// record appends an entry by the caller to the incident's timeline: its human text (where
// free text lives) and its structured data (what verify replays; never free text).
func (c *call) record(kind, text string, d bot.Data) error {
	return c.recordOn(c.inc.Number, kind, text, d)
}

func (c *call) recordOn(n int64, kind, text string, d bot.Data) error {
	_, err := c.appendEntry(n, &bot.Entry{At: c.now, Actor: c.who, Kind: kind, Text: text}, d, "")
	return err
}

// appendEntry encodes d into e and appends it; the entry's seq is kept for the reply
// ("Noted on INC-1 as entry 14.").
func (c *call) appendEntry(n int64, e *bot.Entry, d bot.Data, ref string) (bool, error) {
	raw, err := bot.EncodeData(d)
	if err != nil {
		return false, err
	}
	e.Data = raw
	added, err := c.tx.Append(n, e, ref)
	if err != nil || !added {
		return added, err
	}
	c.lastSeq = e.Seq
	if c.firstSeq == 0 || n != c.seqOf {
		c.firstSeq, c.seqOf = e.Seq, n
	}
	return true, c.maybeCheckpoint(n, e)
}

// drillMark prefixes every message of a drill so nobody mistakes it for the real thing.
func drillMark(inc *bot.Incident, text bot.Text) bot.Text {
	if inc != nil && inc.Drill && !(len(text) > 0 && text[0].Kind == bot.SegText && strings.HasPrefix(text[0].Text, "DRILL")) {
		return bot.Plain("DRILL — ").Append(text...)
	}
	return text
}

// post queues a message in the incident's channel.
func (c *call) post(m bot.Message) error {
	return c.postIn(c.inc, m)
}

func (c *call) postIn(inc *bot.Incident, m bot.Message) error {
	m.Text = drillMark(inc, m.Text)
	return c.tx.Enqueue(bot.Outbound{Lane: laneOf(inc), Platform: inc.Platform, Op: bot.OpPost, Incident: inc.Number, Payload: bot.Payload{Message: m}}, c.now)
}

// postTo queues a message in another channel (by id, or "#name" for adapters to resolve).
// It carries the call's incident (the Target decides where it goes), so another
// incident's redaction reaches it only where the redactor may redact in this one.
func (c *call) postTo(platform, channel string, m bot.Message) error {
	return c.tx.Enqueue(bot.Outbound{Lane: "ch:" + platform + ":" + channel, Platform: platform, Op: bot.OpPost, Target: channel, Incident: c.number(),
		Payload: bot.Payload{Message: m}}, c.now)
}

// dm queues a direct message to a person; people without an id on the platform are skipped
// (and the caller told).
func (c *call) dm(person string, m bot.Message) error {
	return c.dmPayload(person, bot.Payload{Message: m})
}

// secretDM is a DM whose text the outbox removes once it is delivered (a sign-in link).
func (c *call) secretDM(person string, m bot.Message) error {
	return c.dmPayload(person, bot.Payload{Message: m, Secret: true})
}

func (c *call) dmPayload(person string, p bot.Payload) error {
	id, ok := c.e.cfg.PlatformID(c.src.Platform, person)
	if c.inc != nil {
		id, ok = c.e.cfg.PlatformID(c.inc.Platform, person)
		p.Message.Text = drillMark(c.inc, p.Message.Text)
	}
	if !ok {
		c.say("(%s has no %s id in the roster, so they were not sent a direct message.)", person, c.platform())
		return nil
	}
	p.User = id
	return c.tx.Enqueue(bot.Outbound{Lane: "dm:" + c.platform() + ":" + id, Platform: c.platform(), Op: bot.OpDM, Incident: c.number(), Payload: p}, c.now)
}

// number is the call's incident's number, 0 outside one. A direct message carries it (the
// deliverer sends a DM to its user whatever its incident): a redaction in another incident
// reaches it only where the redactor may redact in this one (mayRedactIn).
func (c *call) number() int64 {
	if c.inc == nil {
		return 0
	}
	return c.inc.Number
}

func (c *call) platform() string {
	if c.inc != nil {
		return c.inc.Platform
	}
	return c.src.Platform
}

// channelOp queues an invite/remove/topic/card/archive on the incident's channel.
func (c *call) channelOp(op string, p bot.Payload) error {
	return c.tx.Enqueue(bot.Outbound{Lane: laneOf(c.inc), Platform: c.inc.Platform, Op: op, Incident: c.inc.Number, Payload: p}, c.now)
}

// invite adds people to the incident (membership and the platform channel).
func (c *call) invite(people ...string) error {
	var ids []string
	for _, p := range people {
		added, err := c.tx.AddMember(c.inc.Number, p, c.now)
		if err != nil {
			return err
		}
		if !added {
			continue
		}
		if id, ok := c.e.cfg.PlatformID(c.inc.Platform, p); ok {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return c.channelOp(bot.OpInvite, bot.Payload{Users: ids})
}

func laneOf(inc *bot.Incident) string { return bot.IncidentLane(inc.Number) }

// finish refreshes the incident's card and topic when the call changed what they show.
func (c *call) finish() error {
	if !c.dirty || c.inc == nil {
		return nil
	}
	card, topic, err := c.cardAndTopic()
	if err != nil {
		return err
	}
	if err := c.channelOp(bot.OpCard, bot.Payload{Message: bot.Message{Text: card}}); err != nil {
		return err
	}
	return c.channelOp(bot.OpTopic, bot.Payload{Topic: topic})
}

// lookupIncident loads INC-n named in an argument.
func (c *call) lookupIncident(arg string) (*bot.Incident, error) {
	n, err := bot.ParseID(arg)
	if err != nil {
		return nil, refuse("%s", err.Error())
	}
	inc, err := c.tx.Incident(n)
	if isNotFound(err) {
		return nil, refuse("There is no %s.", bot.FormatID(n))
	}
	return inc, err
}

// validList writes a valid-values list for refusals.
func validList(values []string) string {
	return strings.Join(slices.Clone(values), ", ")
}

// sayEntries ends the reply of a command that recorded something with the entry numbers,
// so that a later redact (or anyone reading the timeline) can name them — unless the reply
// already did.
func (c *call) sayEntries() {
	if c.lastSeq == 0 || c.seqOf == 0 {
		return
	}
	num := strconv.FormatInt(c.lastSeq, 10)
	for _, line := range c.reply {
		if s := line.String(); strings.Contains(s, "entry "+num) || strings.Contains(s, "entries "+num) {
			return
		}
	}
	if c.firstSeq == c.lastSeq {
		c.say("Recorded on %s as entry %d.", bot.FormatID(c.seqOf), c.lastSeq)
		return
	}
	c.say("Recorded on %s as entries %d–%d.", bot.FormatID(c.seqOf), c.firstSeq, c.lastSeq)
}
