package templates

// A field tagged `slot` (data.go) holds a placeholder, not its value: a template that
// compares, measures or transforms one would get it wrong without an error. This walks each
// built-in template's parse tree, following the type of dot through with and range, and
// flags every slot passed to a function (index, which only looks a holder up, excepted).

import (
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"text/template/parse"
)

// slotVal is what a node evaluates to, as far as the check needs: its type, whether it is a
// slot, and whether its values are (a tagged map or slice).
type slotVal struct {
	t         reflect.Type
	slot      bool
	valueSlot bool
}

type slotLinter struct {
	root slotVal
	bad  []string
}

// slotMisuse lists the misused slots in src, a template receiving data of root's type.
func slotMisuse(name, src string, root reflect.Type) ([]string, error) {
	t, err := parseText(name, src)
	if err != nil {
		return nil, err
	}
	l := &slotLinter{root: slotVal{t: root}}
	l.walk(t.Tree.Root, l.root)
	return l.bad, nil
}

func (l *slotLinter) walk(n parse.Node, dot slotVal) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			l.walk(c, dot)
		}
	case *parse.ActionNode:
		l.pipe(n.Pipe, dot)
	case *parse.IfNode:
		l.pipe(n.Pipe, dot)
		l.walk(n.List, dot)
		l.walk(n.ElseList, dot)
	case *parse.WithNode:
		l.walk(n.List, l.pipe(n.Pipe, dot))
		l.walk(n.ElseList, dot)
	case *parse.RangeNode:
		v := l.pipe(n.Pipe, dot)
		var elem slotVal
		if v.t != nil && (v.t.Kind() == reflect.Slice || v.t.Kind() == reflect.Map) {
			elem = slotVal{t: v.t.Elem(), slot: v.valueSlot}
		}
		l.walk(n.List, elem)
		l.walk(n.ElseList, dot)
	}
}

// pipe evaluates a pipeline: each command's result is the last argument of the next.
func (l *slotLinter) pipe(p *parse.PipeNode, dot slotVal) slotVal {
	var prev *slotVal
	for _, c := range p.Cmds {
		v := l.command(c, dot, prev)
		prev = &v
	}
	if prev == nil {
		return slotVal{}
	}
	return *prev
}

func (l *slotLinter) command(c *parse.CommandNode, dot slotVal, prev *slotVal) slotVal {
	var args []slotVal
	for _, a := range c.Args[1:] {
		args = append(args, l.eval(a, dot))
	}
	if prev != nil {
		args = append(args, *prev)
	}
	id, isFunc := c.Args[0].(*parse.IdentifierNode)
	if !isFunc {
		if len(args) > 0 { // a method call or a value piped into a non-function
			l.check(c, args)
		}
		return l.eval(c.Args[0], dot)
	}
	if id.Ident == "index" && len(args) > 0 {
		coll := args[0]
		l.check(c, args[1:])
		if coll.t != nil && (coll.t.Kind() == reflect.Map || coll.t.Kind() == reflect.Slice) {
			return slotVal{t: coll.t.Elem(), slot: coll.valueSlot}
		}
		return slotVal{}
	}
	l.check(c, args)
	return slotVal{}
}

func (l *slotLinter) check(c *parse.CommandNode, args []slotVal) {
	for _, a := range args {
		if a.slot {
			l.bad = append(l.bad, fmt.Sprintf("%q passes a slot to a function", c.String()))
			return
		}
	}
}

func (l *slotLinter) eval(n parse.Node, dot slotVal) slotVal {
	switch n := n.(type) {
	case *parse.DotNode:
		return dot
	case *parse.FieldNode:
		return field(dot, n.Ident)
	case *parse.VariableNode:
		if n.Ident[0] == "$" {
			return field(l.root, n.Ident[1:])
		}
	case *parse.PipeNode:
		return l.pipe(n, dot)
	}
	return slotVal{}
}

// field follows .A.B from v through struct fields, reading their slot tags.
func field(v slotVal, path []string) slotVal {
	for _, name := range path {
		t := v.t
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t == nil || t.Kind() != reflect.Struct {
			return slotVal{}
		}
		f, ok := t.FieldByName(name)
		if !ok {
			return slotVal{}
		}
		_, tagged := f.Tag.Lookup("slot")
		k := f.Type.Kind()
		v = slotVal{t: f.Type, slot: tagged && k == reflect.String, valueSlot: tagged && (k == reflect.Map || k == reflect.Slice)}
	}
	return v
}

// dataFor is the data type a built-in template receives.
func dataFor(name string) reflect.Type {
	switch {
	case strings.HasPrefix(name, "phases/"), strings.HasPrefix(name, "duties/"):
		return reflect.TypeFor[PhaseData]()
	case strings.HasPrefix(name, "roles/"):
		return reflect.TypeFor[RoleData]()
	case strings.HasPrefix(name, "nudges/"):
		return reflect.TypeFor[NudgeData]()
	}
	return nil
}

func TestTemplatesOnlyPrintSlots(t *testing.T) {
	n := 0
	err := fs.WalkDir(embedded, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || dataFor(name) == nil {
			return err
		}
		b, err := embedded.ReadFile(name)
		if err != nil {
			return err
		}
		bad, err := slotMisuse(name, string(b), dataFor(name))
		if err != nil {
			return err
		}
		for _, m := range bad {
			t.Errorf("%s: %s", name, m)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 40 { // 5 phases, 30 duties, 6 roles, 6 nudges
		t.Fatalf("checked only %d templates", n)
	}
}

// The check sees each way of misusing a slot, and lets the ways the templates use them pass.
func TestSlotMisuseIsSeen(t *testing.T) {
	nudge, phase := reflect.TypeFor[NudgeData](), reflect.TypeFor[PhaseData]()
	for _, tc := range []struct {
		src  string
		root reflect.Type
		bad  bool
	}{
		{`{{upper .Title}}`, nudge, true},
		{`{{if eq .Title "x"}}y{{end}}`, nudge, true},
		{`{{.Title | printf "%.3s"}}`, nudge, true},
		{`{{with .For}}{{len .}}{{end}}`, nudge, true},
		{`{{range .Tasks}}{{slice .Text 1}}{{end}}`, nudge, true},
		{`{{range .Tasks}}{{if ne .Owner ""}}x{{end}}{{end}}`, nudge, true},
		{`{{with index .Roles "legal"}}{{title .}}{{end}}`, phase, true},
		{`{{printf "%s" $.Review.Due}}`, nudge, true},
		{`{{.Title}} {{if .Title}}t{{end}} {{with .Declarer}}({{.}}){{end}}`, nudge, false},
		{`{{range .Tasks}}{{.N}}. {{.Text}} {{with .Owner}}{{.}}{{else}}unassigned{{end}}{{end}}`, nudge, false},
		{`{{with index .Roles "legal"}} ({{.}}){{end}} {{if eq .Phase "containment"}}c{{end}} {{upper .Phase}}`, phase, false},
		{`{{if gt (len .Tasks) 1}}s{{end}} {{with .Missing}}{{join . " · "}}{{end}} {{if eq .Review.Stage "now"}}n{{end}}`, nudge, false},
	} {
		bad, err := slotMisuse("t", tc.src, tc.root)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(bad) > 0; got != tc.bad {
			t.Errorf("%s: flagged %v, want %v (%v)", tc.src, got, tc.bad, bad)
		}
	}
}
