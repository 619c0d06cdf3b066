package slack

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"

	"github.com/warroom/warroom/bot"
)

// postMessage sends chat.postMessage the form slack-go's PostMessageContext sends for the
// same message (text, blocks with buttons, unfurling off, the outbox metadata) and reads the
// ts from the answer; it only reads less of the answer.
func TestAPostSendsWhatSlackGoSends(t *testing.T) {
	var forms []url.Values
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, err := url.ParseQuery(string(body))
		if err != nil {
			t.Errorf("form: %v", err)
		}
		forms, paths = append(forms, form), append(paths, r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true,"channel":"C1","ts":"1700000000.000100","message":{"type":"message","text":"x","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"x"}}]}}`)
	}))
	defer srv.Close()
	a, err := New(Config{BotToken: "xoxb-test", SigningSecret: "s", APIURL: srv.URL, Handler: newStub("ok")})
	if err != nil {
		t.Fatal(err)
	}
	m := bot.Message{Text: bot.Plain("Noted on INC-1 as entry 2."), Buttons: []bot.Button{{Label: "Pin", Action: "pin", Value: "INC-1"}}}
	opts, blocks := messageParts(m, true)
	if len(blocks) == 0 {
		t.Fatal("the message has no blocks: the comparison would not cover them")
	}
	ts, err := a.postMessage(context.Background(), "C1", blocks, append(opts, outboxMetadata("42"))...)
	if err != nil || ts != "1700000000.000100" {
		t.Fatalf("postMessage: %q, %v", ts, err)
	}
	_, want, err := a.api.PostMessageContext(context.Background(), "C1", append(messageOptions(m, true), outboxMetadata("42"))...)
	if err != nil || want != ts {
		t.Fatalf("slack-go: %q, %v", want, err)
	}
	if len(forms) != 2 || paths[0] != paths[1] || paths[0] != "/chat.postMessage" {
		t.Fatalf("requests to %v", paths)
	}
	if !reflect.DeepEqual(forms[0], forms[1]) {
		t.Fatalf("the forms differ:\n ours     %v\n slack-go %v", forms[0], forms[1])
	}
	for _, k := range []string{"blocks", "metadata", "text", "unfurl_links", "unfurl_media", "channel", "token"} {
		if forms[0].Get(k) == "" {
			t.Fatalf("no %s in %v", k, forms[0])
		}
	}
}
