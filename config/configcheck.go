package config

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// fieldProblem is one value of the config file that cannot become its field.
type fieldProblem struct {
	line int
	key  string // "nudges.status_update.sev1"
	msg  string
}

// checkFieldValues walks the YAML document beside the Config type and tries every scalar
// against the field it will fill: durations, dates and other text-parsed values, numbers
// and booleans. The decoder reports such a problem without a line or a key (`invalid
// duration "soon"`); this names both (`warroom.yaml:3: nudges.status_update.sev1: …`).
// Unknown keys and structural problems are left to the strict decoder, which places them.
func checkFieldValues(data []byte, into any) []fieldProblem {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil // the decoder reports syntax errors with their position
	}
	var out []fieldProblem
	for _, doc := range f.Docs {
		if doc.Body != nil {
			walkField(doc.Body, reflect.TypeOf(into).Elem(), "", &out)
		}
	}
	return out
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

func walkField(n ast.Node, t reflect.Type, key string, out *[]fieldProblem) {
	switch v := n.(type) {
	case *ast.TagNode:
		walkField(v.Value, t, key, out)
		return
	case *ast.AnchorNode:
		walkField(v.Value, t, key, out)
		return
	case *ast.AliasNode, *ast.NullNode, nil:
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	bad := func(format string, args ...any) {
		*out = append(*out, fieldProblem{line: n.GetToken().Position.Line, key: key, msg: fmt.Sprintf(format, args...)})
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		text, ok := scalarText(n)
		if !ok {
			bad("expected a single value, not %s", describe(n))
			return
		}
		if err := reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(text)); err != nil {
			bad("%v", err)
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		for _, mv := range mappingValues(n) {
			name, _ := scalarText(mv.Key)
			if field, ok := fieldByTag(t, name); ok {
				walkField(mv.Value, field.Type, join(key, name), out)
			}
		}
	case reflect.Map:
		for _, mv := range mappingValues(n) {
			name, _ := scalarText(mv.Key)
			walkField(mv.Value, t.Elem(), join(key, name), out)
		}
	case reflect.Slice:
		if seq, ok := n.(*ast.SequenceNode); ok {
			for i, item := range seq.Values {
				walkField(item, t.Elem(), key+"["+strconv.Itoa(i)+"]", out)
			}
		}
	case reflect.Bool:
		if _, ok := n.(*ast.BoolNode); !ok {
			bad("expected true or false, not %s", describe(n))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if _, ok := n.(*ast.IntegerNode); !ok {
			bad("expected a whole number, not %s", describe(n))
		}
	}
}

func mappingValues(n ast.Node) []*ast.MappingValueNode {
	switch v := n.(type) {
	case *ast.MappingNode:
		return v.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{v}
	}
	return nil
}

func scalarText(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		return v.Value.Value, true
	case *ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode, nil:
		return "", false
	case ast.ScalarNode:
		return v.GetToken().Value, true
	}
	return "", false
}

func describe(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	}
	text, _ := scalarText(n)
	return strconv.Quote(text)
}

func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == name && tag != "-" && f.IsExported() {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func join(key, name string) string {
	if key == "" {
		return name
	}
	return key + "." + name
}
