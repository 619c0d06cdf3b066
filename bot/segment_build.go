package bot

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Building Text. Commands write messages as they always have, with a format and arguments:
//
//	bot.Textf("Reminders on %s are snoozed until %s.", inc.ID(), bot.ChatTime(until))
//
// The format is warroom's own words, a constant in the code, so it may carry warroom's light
// markup: *bold*, `code`, and command hints ("/incident check <n>"), which become bold, code
// and command segments. The arguments never do: a Segment or Text argument is kept as it is
// (a person, a time), and anything else becomes words, whatever it contains. go vet checks
// every Textf call like a Printf (the format must be a constant).
//
// How: every argument is wrapped so that fmt writes a placeholder for it (and remembers what
// it would have printed, with the same verb and flags); the authored result is read for
// markup, and the placeholders are replaced by the arguments' segments.

// Textf builds Text from an authored format and its arguments (see above).
func Textf(format string, args ...any) Text {
	s := NewSlots()
	kept := slices.Clone(args)
	for i, a := range args {
		args[i] = slotArg{s: s, v: a}
	}
	out := fmt.Sprintf(format, args...) // args... : so vet checks callers' formats
	copy(args, kept)
	return s.Text(out)
}

// Markup reads warroom's own words that were put together as a string — generated help, a
// template's output — for their markup, like a Textf format. Never pass it what a person
// wrote: that is an argument of Textf, or Plain.
func Markup(s string) Text { return NewSlots().Text(s) }

// Slots hold typed segments while authored text is put together as a string (a template's
// output): Put returns a placeholder to write in the string, Text reads the string back. The
// placeholders carry a random key, so words in a template's data cannot forge one. The key
// is digits, so a case function in an operator's template ({{upper .Title}}) leaves it intact.
type Slots struct {
	key   string
	slots []Text
}

// NewSlots starts an empty set of slots.
func NewSlots() *Slots {
	return &Slots{key: "\x00" + strconv.FormatUint(rand.Uint64(), 10) + ":"}
}

// Put keeps t and returns its placeholder.
func (s *Slots) Put(t Text) string {
	s.slots = append(s.slots, t)
	return s.key + strconv.Itoa(len(s.slots)-1) + "\x00"
}

// PutSegment keeps one segment and returns its placeholder.
func (s *Slots) PutSegment(seg Segment) string { return s.Put(Text{seg}) }

// slotArg is an argument of Textf: fmt asks it to print itself, and it prints a placeholder.
type slotArg struct {
	s *Slots
	v any
}

func (a slotArg) Format(f fmt.State, verb rune) {
	var t Text
	switch v := a.v.(type) {
	case Segment:
		t = Text{v}
	case Text:
		t = v
	default:
		t = Plain(fmt.Sprintf(fmt.FormatString(f, verb), v))
	}
	_, _ = f.Write([]byte(a.s.Put(t)))
}

// piece is authored text cut at the placeholders: either words (lit) or a slot.
type piece struct {
	lit  string
	slot Text
	isSl bool
}

// pieces cuts out at s's placeholders.
func (s *Slots) pieces(out string) []piece {
	var ps []piece
	for {
		i := strings.Index(out, s.key)
		if i < 0 {
			break
		}
		rest := out[i+len(s.key):]
		end := strings.IndexByte(rest, 0)
		n, err := strconv.Atoi(rest[:max(end, 0)])
		if end < 0 || err != nil || n < 0 || n >= len(s.slots) {
			break // not one of ours: left as words
		}
		if i > 0 {
			ps = append(ps, piece{lit: out[:i]})
		}
		ps = append(ps, piece{slot: s.slots[n], isSl: true})
		out = rest[end+1:]
	}
	if out != "" {
		ps = append(ps, piece{lit: out})
	}
	return ps
}

// Text reads authored text written with s's placeholders: its markup becomes segments and
// each placeholder the Text it was given.
func (s *Slots) Text(out string) Text {
	ps := s.pieces(out)
	var t Text
	var span []piece // the pieces inside an open *bold* or `code`
	var open byte    // '*' or '`' while a span is open
	// flush ends a span that never closed: its opening mark and pieces are words.
	flush := func() {
		if open != 0 {
			t = t.Append(Segment{Kind: SegText, Text: string(open)})
			for _, p := range span {
				t = t.appendPiece(p)
			}
		}
		span, open = nil, 0
	}
	for pi, p := range ps {
		if p.isSl {
			if open != 0 {
				span = append(span, p)
			} else {
				t = t.Append(p.slot...)
			}
			continue
		}
		lit := p.lit
		start := 0
		for i := 0; i < len(lit); i++ {
			c := lit[i]
			switch {
			case open == '`' && c == '`':
				span = append(span, piece{lit: lit[start:i]})
				t = t.Append(codeSpan(span)...)
				span, open, start = nil, 0, i+1
			case open == '*' && c == '*' && closesBold(lit, i, ps, pi):
				span = append(span, piece{lit: lit[start:i]})
				t = t.Append(styled(SegBold, span)...)
				span, open, start = nil, 0, i+1
			case open == '*' && c == '\n':
				span = append(span, piece{lit: lit[start:i]})
				flush()
				start = i
			case open == 0 && c == '`':
				t = t.Append(Segment{Kind: SegText, Text: lit[start:i]})
				open, start = '`', i+1
			case open == 0 && c == '*' && opensBold(lit, i, ps, pi):
				t = t.Append(Segment{Kind: SegText, Text: lit[start:i]})
				open, start = '*', i+1
			case open == 0 && c == '/' && (i == 0 || strings.IndexByte(" (\n\t\"'", lit[i-1]) >= 0):
				if seg, n, ok := commandAt(lit[i:]); ok {
					t = t.Append(Segment{Kind: SegText, Text: lit[start:i]}, seg)
					i += n - 1
					start = i + 1
				}
			}
		}
		if open != 0 {
			span = append(span, piece{lit: lit[start:]})
		} else {
			t = t.Append(Segment{Kind: SegText, Text: lit[start:]})
		}
	}
	flush()
	return t
}

// appendPiece adds a piece as it is: words, or its slot's segments.
func (t Text) appendPiece(p piece) Text {
	if p.isSl {
		return t.Append(p.slot...)
	}
	return t.Append(Segment{Kind: SegText, Text: p.lit})
}

// styled makes the pieces of a span kind (bold or code); an argument that is a person, a
// time or a command keeps its kind and interrupts the style.
func styled(kind SegmentKind, span []piece) Text {
	var t Text
	var cur strings.Builder
	emit := func() {
		if cur.Len() > 0 {
			t = append(t, Segment{Kind: kind, Text: cur.String()})
			cur.Reset()
		}
	}
	for _, p := range span {
		if !p.isSl {
			cur.WriteString(p.lit)
			continue
		}
		for _, s := range p.slot {
			if s.Kind == SegText || s.Kind == kind {
				cur.WriteString(s.Text)
				continue
			}
			emit()
			t = append(t, s)
		}
	}
	emit()
	return t
}

// codeSpan is a `code` span: a command hint written as code ("`/incident role commander
// me`") is a command segment shown as code.
func codeSpan(span []piece) Text {
	if len(span) > 0 && !span[0].isSl {
		if seg, n, ok := commandAt(span[0].lit); ok && n == len(span[0].lit) && len(span) == 1 {
			seg.Code = true
			return Text{seg}
		}
	}
	return styled(SegCode, span)
}

// commandNames are the commands a hint can name.
var commandNames = []string{"incident", "page", "oncall"}

// commandAt reads a command hint at the start of s ("/incident task add <text>"): the
// command and the lower-case words after it, up to anything else. n is the bytes read.
func commandAt(s string) (seg Segment, n int, ok bool) {
	for _, name := range commandNames {
		rest, found := strings.CutPrefix(s, "/"+name)
		if !found || (rest != "" && isWordByte(rest[0])) {
			continue
		}
		n = 1 + len(name)
		words := 0
		for k := 0; k < 3; k++ { // the verb and a word or two: enough to name the command
			w := rest[words:]
			if len(w) < 2 || w[0] != ' ' || w[1] < 'a' || w[1] > 'z' {
				break
			}
			j := 1
			for j < len(w) && (isWordByte(w[j]) || w[j] == '-') {
				j++
			}
			if j < len(w) && !strings.ContainsRune(" .,;:)\n\"'", rune(w[j])) {
				break // "/incident x=y": not a verb word
			}
			words += j
		}
		return Cmd(name, strings.TrimPrefix(rest[:words], " ")), n + words, true
	}
	return Segment{}, 0, false
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// opensBold: a '*' opens bold when it does not follow a word or another '*' and is followed
// by something other than a space (the rule Discord's and Slack's readers share).
func opensBold(lit string, i int, ps []piece, pi int) bool {
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(lit[:i])
		if r == '*' || isWordRune(r) {
			return false
		}
	}
	next, ok := after(lit, i, ps, pi)
	return ok && next != ' ' && next != '*' && next != '\n'
}

// closesBold: a '*' closes bold when it follows something other than a space and is not
// followed by a word.
func closesBold(lit string, i int, ps []piece, pi int) bool {
	if i > 0 && (lit[i-1] == ' ' || lit[i-1] == '*') {
		return false
	}
	next, ok := after(lit, i, ps, pi)
	return !ok || !isWordRune(next) && next != '*'
}

// after is the rune after lit[i] (a placeholder counts as a letter); ok is false at the end.
func after(lit string, i int, ps []piece, pi int) (rune, bool) {
	if i+1 < len(lit) {
		r, _ := utf8.DecodeRuneInString(lit[i+1:])
		return r, true
	}
	if pi+1 < len(ps) {
		if ps[pi+1].isSl {
			return 'x', true
		}
		r, _ := utf8.DecodeRuneInString(ps[pi+1].lit)
		return r, true
	}
	return 0, false
}

// isWordRune is \w as Discord's and Slack's markdown readers use it: ASCII letters, digits, _.
func isWordRune(r rune) bool { return r < utf8.RuneSelf && isWordByte(byte(r)) }
