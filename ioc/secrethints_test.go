package ioc

import (
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// findSecretsEverywhere is findSecrets without the hints prefilter: every rule looks for
// every one of its hints and every key word is searched for. The prefilter must not
// change what is found.
func findSecretsEverywhere(text string) []secretSpan {
	return findFolded(everywhereAsWritten(text), text, everywhereAsWritten)
}

func everywhereAsWritten(text string) []secretSpan {
	spans := findKeyBlocks(nil, text)
	lower := lowerASCII(text)
	for ri := range tokenRules {
		r := &tokenRules[ri]
		for _, l := range hintedLines(text, lower, r.hints) {
			if r.line == nil || r.line(text[l[0]:l[1]]) {
				spans = r.find(spans, ri, text, l[0], l[1])
			}
		}
	}
	return findKeyValues(spans, len(tokenRules), text, lower, keyHints)
}

func sortedSpans(s []secretSpan) []secretSpan {
	sort.Slice(s, func(i, j int) bool {
		if s[i].a != s[j].a {
			return s[i].a < s[j].a
		}
		if s[i].b != s[j].b {
			return s[i].b < s[j].b
		}
		return s[i].rule < s[j].rule
	})
	return s
}

// secretPieces are fragments of every kind of secret and of near misses, in the case the
// rules expect; randomText flips their case and joins them with prose, so that the rules'
// hints turn up in every combination, on one line or several.
var secretPieces = []string{
	"xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp", "xapp-1-A0123ABCD-4567890123-abcdef", "xoxe.xoxp-1-Mi0yLTEyMzQ1Njc4OTAxMjM0",
	"https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx",
	"https://discord.com/api/webhooks/123456789012345678/AbCd-EfGh_1234567890abcdefghij",
	"MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB",
	"AKIAIOSFODNN7EXAMPLE", "ASIAABCDEFGHIJKLMNOP", "AIzaSyA-abcdefghijklmnopqrstuvwxyz01234",
	"ghp_0123456789abcdefghijABCDEFGHIJ012345", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "glpat-abcdefghij0123456789",
	"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig123", "Authorization: Bearer abc.def-123", "Bearer 0123456789abcdefABCDEF",
	"password=hunter2", "passwd: s3cr3t!", "pwd=x", "secret=abc&next=1", `api_key="k 1"`, "token='t'", `{"password": "hunter2"}`,
	"DB_PASSWORD=hunter2", "X-Api-Key: 0123abcd", "aws_secret_access_key: wJalrXUtnFEMI/K7MDENG", "private_key=abc",
	"--password hunter2", "--api-key k", "postgres://admin:hunter2@db.internal:5432/app", "hxxps://bob:pa55@evil[.]example/",
	"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0123456789abcdef\n-----END RSA PRIVATE KEY-----",
	"the bearer of bad news", "token == nil", "access granted", "passing the API docs", "user@example.com", "a.b.c",
	"checked host 12: nothing new", "[REDACTED]", "xoxb-****", "aaaaaaaaaaaaaaaaaaaaaaaaa.bbbbbb", "://", "@", "--", ".",
	// ſ and K, which fold to s and k (secretfold.go), in hints and beside tokens.
	"https://hoo\u212as.\u017flack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx", "pa\u017f\u017fword=hunter2",
	"to\u212aen='t'", "\u017fxoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp", "\u212a", "\u017f",
}

func randomText(r *rand.Rand) string {
	var sb strings.Builder
	for range 1 + r.IntN(6) {
		p := secretPieces[r.IntN(len(secretPieces))]
		if r.IntN(3) == 0 {
			b := []byte(p)
			for i, c := range b {
				if r.IntN(2) == 0 && c >= 'a' && c <= 'z' {
					b[i] = c - 'a' + 'A'
				} else if r.IntN(2) == 0 && c >= 'A' && c <= 'Z' {
					b[i] = c - 'A' + 'a'
				}
			}
			p = string(b)
		}
		if r.IntN(4) == 0 {
			p = p[r.IntN(len(p)):] // a piece cut short: hints at the very end of the text
		}
		sb.WriteString(p)
		sb.WriteString([]string{" ", "\n", "", "; ", " and then "}[r.IntN(5)])
	}
	return sb.String()
}

func TestHintsPrefilterChangesNothing(t *testing.T) {
	texts := append([]string{""}, secretPieces...)
	for _, n := range readCorpus(t) {
		texts = append(texts, n.text)
	}
	r := rand.New(rand.NewPCG(18, 7))
	for range 20000 {
		texts = append(texts, randomText(r))
	}
	found := 0
	for _, text := range texts {
		want := sortedSpans(findSecretsEverywhere(text))
		got := sortedSpans(findSecrets(text))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("findSecrets(%q) = %v, without the prefilter %v", text, got, want)
		}
		found += len(want)
	}
	// The inputs must hold secrets for the comparison to mean anything.
	if found < len(texts) {
		t.Fatalf("only %d secrets in %d texts", found, len(texts))
	}
}

func TestHintsIn(t *testing.T) {
	set := hintsIn("see AUTHORIZATION and Pass")
	for _, h := range []string{"authorization", "pass"} {
		if set&(1<<hintIndex[h]) == 0 {
			t.Errorf("%q not found", h)
		}
	}
	if got := set.present(keyHintIdx); !reflect.DeepEqual(got, []string{"pass"}) {
		t.Errorf("key hints %v, want [pass]", got)
	}
	if hintsIn("checked host 12, nothing new") != 0 {
		t.Error("hints found in plain prose")
	}
}
