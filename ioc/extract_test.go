package ioc

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// kv renders IOCs as "kind value" lines for compact comparison.
func kv(l []IOC) []string {
	var out []string
	for _, i := range l {
		out = append(out, string(i.Kind)+" "+i.Value)
	}
	return out
}

func TestExtractPositive(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		// IPv4
		{"ipv4", "dns 8.8.8.8 ok", []string{"ipv4 8.8.8.8"}},
		{"ipv4 with port", "beacon to 192.168.1.10:443", []string{"ipv4 192.168.1.10"}},
		{"ipv4 cidr", "block 10.0.0.0/8 now", []string{"ipv4 10.0.0.0"}},
		{"ipv4 end of sentence", "It was 1.2.3.4.", []string{"ipv4 1.2.3.4"}},
		{"ipv4 in parens", "(203.0.113.7)", []string{"ipv4 203.0.113.7"}},
		{"ipv4 defanged last dot", "10.0.0[.]1", []string{"ipv4 10.0.0.1"}},
		{"ipv4 defanged every dot", "10[.]0[.]0[.]1 and 10(.)0(.)0(.)2", []string{"ipv4 10.0.0.1", "ipv4 10.0.0.2"}},
		{"ipv4 key=value", "src=172.16.0.5,dst=172.16.0.6", []string{"ipv4 172.16.0.5", "ipv4 172.16.0.6"}},
		// IPv6
		{"ipv6 doc", "c2 2001:db8::1 seen", []string{"ipv6 2001:db8::1"}},
		{"ipv6 link local", "fe80::1", []string{"ipv6 fe80::1"}},
		{"ipv6 canonical form", "2001:0DB8:0000:0000:0000:0000:0000:0001", []string{"ipv6 2001:db8::1"}},
		{"ipv6 full", "1:2:3:4:5:6:7:8", []string{"ipv6 1:2:3:4:5:6:7:8"}},
		{"ipv6 mapped ipv4", "::ffff:192.0.2.1", []string{"ipv6 ::ffff:192.0.2.1"}},
		{"ipv6 bracketed with port", "[2001:db8::2]:443", []string{"ipv6 2001:db8::2"}},
		{"ipv6 trailing colon", "fe80::2: is down", []string{"ipv6 fe80::2"}},
		{"ipv6 defanged", "2001[:]db8[:][:]3", []string{"ipv6 2001:db8::3"}},
		// domains
		{"domain", "resolve evil.example now", []string{"domain evil.example"}},
		{"domain multi label", "sub.evil-domain.co.uk", []string{"domain sub.evil-domain.co.uk"}},
		{"domain punycode", "xn--80ak6aa92e.com", []string{"domain xn--80ak6aa92e.com"}},
		{"domain punycode tld", "xn--e1afmkfd.xn--p1ai", []string{"domain xn--e1afmkfd.xn--p1ai"}},
		{"domain lowercased", "Evil.EXAMPLE.com", []string{"domain evil.example.com"}},
		{"domain defanged", "evil[.]com and bad(dot)example(dot)org", []string{"domain evil.com", "domain bad.example.org"}},
		{"domain sentence end", "Go to evil.com.", []string{"domain evil.com"}},
		{"domain wildcard", "*.evil.net", []string{"domain evil.net"}},
		{"domain quoted", `"evil.io"`, []string{"domain evil.io"}},
		{"domain digits", "1.2.3.example", []string{"domain 1.2.3.example"}},
		{"domain busy cctld", "notion.so and bit.ly", []string{"domain notion.so", "domain bit.ly"}},
		// URLs
		{"url", "see https://evil.example/x.", []string{"url https://evil.example/x"}},
		{"url parens", "(see https://evil.example/x)", []string{"url https://evil.example/x"}},
		{"url balanced parens", "https://en.wikipedia.org/wiki/Foo_(bar)", []string{"url https://en.wikipedia.org/wiki/Foo_(bar)"}},
		{"url markdown", "[click](http://evil.example/a)", []string{"url http://evil.example/a"}},
		{"url slack markup", "<http://evil.example/a|evil.example>", []string{"url http://evil.example/a"}},
		{"url angle", "<https://evil.example>", []string{"url https://evil.example"}},
		{"url trailing punct", "https://evil.example/a?b=1!?,;", []string{"url https://evil.example/a?b=1"}},
		{"url query fragment", "https://evil.example:8443/a/b?q=1&r=2#frag", []string{"url https://evil.example:8443/a/b?q=1&r=2#frag"}},
		{"url scheme host case", "HTTPS://Evil.Example/Path", []string{"url https://evil.example/Path"}},
		{"url ipv4 host", "http://10.1.2.3:8080/x.sh", []string{"url http://10.1.2.3:8080/x.sh"}},
		{"url ipv6 host", "http://[2001:db8::1]:8080/x", []string{"url http://[2001:db8::1]:8080/x"}},
		{"url ftp", "ftp://files.evil.example/pub", []string{"url ftp://files.evil.example/pub"}},
		{"url hxxp", "hxxp://evil[.]example/path", []string{"url http://evil.example/path"}},
		{"url hxxps upper", "hXXps://evil[.]example", []string{"url https://evil.example"}},
		{"url fxp", "fxp://evil[.]example/a", []string{"url ftp://evil.example/a"}},
		{"url bracketed separator", "hxxps[://]evil[.]example/a", []string{"url https://evil.example/a"}},
		{"url colon defanged", "http[:]//evil[.]example/b", []string{"url http://evil.example/b"}},
		{"url file-extension tld", "https://report.zip/download", []string{"url https://report.zip/download"}},
		{"url userinfo kept", "ftp://Bob:Pw@Files.Example/x", []string{"url ftp://Bob:Pw@files.example/x"}},
		// e-mail
		{"email", "from bob@evil.example", []string{"email bob@evil.example"}},
		{"email lowercased", "From: First.Last+tag@Evil.Example.COM", []string{"email first.last+tag@evil.example.com"}},
		{"email defanged", "user[@]example[.]com", []string{"email user@example.com"}},
		{"email defanged at", "user(at)example(dot)com", []string{"email user@example.com"}},
		{"email mailto", "<mailto:a@b.example|a@b.example>", []string{"email a@b.example"}},
		{"email file-extension tld", "ops@backup.zip", []string{"email ops@backup.zip"}},
		// hashes
		{"md5", "md5 d41d8cd98f00b204e9800998ecf8427e", []string{"md5 d41d8cd98f00b204e9800998ecf8427e"}},
		{"sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709", []string{"sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709"}},
		{"sha256", "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			[]string{"sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}},
		{"uppercase hash", "D41D8CD98F00B204E9800998ECF8427E", []string{"md5 d41d8cd98f00b204e9800998ecf8427e"}},
		{"hash in quotes", `"d41d8cd98f00b204e9800998ecf8427e",`, []string{"md5 d41d8cd98f00b204e9800998ecf8427e"}},
		// CVE
		{"cve", "patch CVE-2024-3094 now", []string{"cve CVE-2024-3094"}},
		{"cve lower", "cve-2021-44228", []string{"cve CVE-2021-44228"}},
		{"cve long number", "CVE-2023-1234567", []string{"cve CVE-2023-1234567"}},
		{"cve nonbreaking hyphen", "CVE\u20112024\u20113094", []string{"cve CVE-2024-3094"}},
		{"cve parens", "(CVE-2014-0160)", []string{"cve CVE-2014-0160"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := kv(Extract(tc.in)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Extract(%q)\n got  %q\n want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestExtractNegative(t *testing.T) {
	for _, in := range []string{
		"", "nothing to see here",
		// version numbers
		"1.2.3", "10.0.19045", "v2.21.2", "go1.26.8", "Windows 10.0.19045.3803", "v1.2.3.4", "release 2.0",
		// file names
		"report.pdf", "invoice.docx", "setup.exe", "main.go", "README.md", "archive.tar.gz",
		"payload.ps1", "install.sh", "config.yaml", "Node.JS", "id_rsa.pub", "notes.txt", "go.sum", "Invoice.ZIP",
		// prose with dots
		"e.g.", "i.e.", "e.g. this", "U.S.A.", "a.m. and p.m.", "etc.", "hello...world", "3.14",
		// IPv4 lookalikes
		"256.1.1.1", "1.2.3.999", "1.2.3", "1.2.3.4.5", "01.02.03.04", "1234.1.1.1",
		// hex of other lengths, embedded hashes
		strings.Repeat("a", 31), strings.Repeat("b", 33), strings.Repeat("c", 63), strings.Repeat("d", 65),
		strings.Repeat("e", 128), "0x" + strings.Repeat("f", 40), strings.Repeat("1", 32) + "g",
		"x" + strings.Repeat("a", 32), strings.Repeat("a", 32) + "_v2", "550e8400-e29b-41d4-a716-446655440000",
		// colon runs that are not IPv6
		"12:30:45", "at 12:30:45 UTC", "2024-05-01T12:30:45Z", "00:1a:2b:3c:4d:5e", "::", "a::b", "std::vector",
		"x[1::2]", "Note::", "ratio 1:2:3", "000::0", "0:0:0:0:0:0:0:1", "[::1]",
		// not CVE ids
		"CVE-24-3094", "CVE-2024-123", "XCVE-2024-3094", "CVE-2024-3094x",
		// not URLs or e-mails
		"http://", "https://localhost/x", "http://intranet:8080/", "user@localhost", "@channel", "foo@bar",
		"mailto:", "ftp://-bad-.example",
		// single-label or odd TLDs
		"localhost", "evil.c0m", "evil.x", "evil." + strings.Repeat("a", 25), "evil.com-based", "foo_bar.com",
	} {
		if got := Extract(in); got != nil {
			t.Errorf("Extract(%q) = %q, want nothing", in, kv(got))
		}
	}
}

func TestExtractDedupAndSuppression(t *testing.T) {
	in := `Triage notes:
- C2 http://evil.example/gate.php (also seen as hxxp://evil[.]example/gate.php) on evil.example
- phish from bob@phish.example; phish.example registered yesterday
- 8.8.8.8, 8.8.8.8 and 10.0.0[.]1 then 10.0.0.1
- drops D41D8CD98F00B204E9800998ECF8427E = d41d8cd98f00b204e9800998ecf8427e
- see https://www.virustotal.com/gui/file/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 and CVE-2024-3094, cve-2024-3094
- payload http://203.0.113.9/x.sh also 203.0.113.9 and other.example`
	want := []string{
		"url http://evil.example/gate.php",
		"email bob@phish.example",
		"ipv4 8.8.8.8",
		"ipv4 10.0.0.1",
		"md5 d41d8cd98f00b204e9800998ecf8427e",
		"url https://www.virustotal.com/gui/file/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"cve CVE-2024-3094",
		"url http://203.0.113.9/x.sh",
		"domain other.example",
	}
	if got := kv(Extract(in)); !reflect.DeepEqual(got, want) {
		t.Errorf("Extract:\n got  %q\n want %q", got, want)
	}
}

func TestExtractInsideURL(t *testing.T) {
	// Hosts, IPs and e-mails inside a URL belong to it; hashes and CVEs in its path are listed.
	in := "https://nvd.example/vuln/CVE-2024-3094?ip=1.2.3.4&mail=a@b.example&next=other.example"
	want := []string{"url " + in, "cve CVE-2024-3094"}
	if got := kv(Extract(in)); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q want %q", got, want)
	}
	// A hash or CVE that is part of a host name is not listed separately.
	in = "d41d8cd98f00b204e9800998ecf8427e.evil.example cve-2024-3094.evil.example"
	want = []string{"domain d41d8cd98f00b204e9800998ecf8427e.evil.example", "domain cve-2024-3094.evil.example"}
	if got := kv(Extract(in)); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q want %q", got, want)
	}
}

func TestExtractDefangedField(t *testing.T) {
	got := Extract("http://evil.example/a 10.0.0.1 bob@evil.example evil.example 2001:db8::1 CVE-2024-3094")
	want := []IOC{
		{URL, "http://evil.example/a", "hxxp://evil[.]example/a"},
		{IPv4, "10.0.0.1", "10.0.0[.]1"},
		{Email, "bob@evil.example", "bob[@]evil[.]example"},
		{IPv6, "2001:db8::1", "2001[:]db8[:][:]1"},
		{CVE, "CVE-2024-3094", "CVE-2024-3094"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	b, _ := json.Marshal(got[1])
	if string(b) != `{"kind":"ipv4","value":"10.0.0.1","defanged":"10.0.0[.]1"}` {
		t.Errorf("json = %s", b)
	}
}

func TestMerge(t *testing.T) {
	a := Extract("8.8.8.8 evil.example CVE-2024-3094")
	b := Extract("evil.example 1.1.1.1 8.8.8.8")
	c := Extract("cve-2024-3094 bob@x.example")
	got := kv(Merge(a, nil, b, c))
	want := []string{"ipv4 8.8.8.8", "domain evil.example", "cve CVE-2024-3094", "ipv4 1.1.1.1", "email bob@x.example"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Merge = %q want %q", got, want)
	}
	if Merge() != nil || Merge(nil, nil) != nil {
		t.Error("Merge of nothing should be nil")
	}
	// Same value under different kinds is kept: kind is part of identity.
	m := Merge([]IOC{{Kind: Domain, Value: "x"}}, []IOC{{Kind: URL, Value: "x"}, {Kind: Domain, Value: "x"}})
	if len(m) != 2 {
		t.Errorf("Merge kinds = %+v", m)
	}
}

// roundTrips reports whether Extract finds v as kind k in Defang(k, v).
func roundTrips(k Kind, v string) bool {
	for _, i := range Extract(Defang(k, v)) {
		if i.Kind == k && i.Value == v {
			return true
		}
	}
	return false
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"hxxp://evil[.]example/path 10.0.0[.]1 evil[.]com user[@]example[.]com",
		"see https://evil.example/x. (http://a.b/c_(d)) 2001:db8::1 fe80::1 12:30:45",
		"D41D8CD98F00B204E9800998ECF8427E CVE-2024-3094 report.pdf v2.21.2 e.g. 192.168.1.10:443",
		"ftp://u:p@[2001:db8::1]:21/x http://1.2.3.4:80 ::ffff:1.2.3.4 a@b.co.uk xn--80ak6aa92e.com",
		"[[.]] hxxp[://]x[.]y ((dot)) hXXps://A.B/%41 http://x.y/[.] fe80::1: ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, i := range Extract(s) {
			if i.Value == "" || i.Defanged == "" {
				t.Fatalf("Extract(%q): empty field in %+v", s, i)
			}
			if !roundTrips(i.Kind, i.Value) {
				t.Fatalf("Extract(%q): %s %q defangs to %q, which does not extract back", s, i.Kind, i.Value, i.Defanged)
			}
			if d := Defang(i.Kind, i.Defanged); d != i.Defanged {
				t.Fatalf("Defang not idempotent on %q: %q", i.Defanged, d)
			}
		}
	})
}

// mixedText builds about n bytes of chat-like text with indicators, secrets and noise.
func mixedText(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	parts := []string{
		"the quick brown fox jumps over the lazy dog.", "Deployed v2.21.2 to prod, see report.pdf and README.md.",
		"C2 at hxxp://evil[.]example/gate.php?id=%d", "beacon 10.0.%d.7:443", "src 2001:db8::%x",
		"hash d41d8cd98f00b204e9800998ecf8427e", "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"phish from user%d@phish.example", "CVE-2024-%d patched at 12:30:45", "e.g. restart the pod (i.e. kill it)",
		"https://github.com/org/repo/commit/da39a3ee5e6b4b0d3255bfef95601890afd80709", "ping sub%d.evil-domain.co.uk",
		"token=xoxb-1234567890-abcdefghij pasted by mistake", "Windows build 10.0.19045, ticket INC-%d",
	}
	var b strings.Builder
	for b.Len() < n {
		p := parts[r.IntN(len(parts))]
		if strings.Contains(p, "%") {
			p = fmt.Sprintf(p, r.IntN(9000)+1000)
		}
		b.WriteString(p)
		b.WriteByte("\n  "[r.IntN(3)])
	}
	return b.String()
}

// TestPathologicalInputs feeds long single-token and single-line texts that would make a
// careless scanner quadratic. Its budget is measured, benchmark-style, in the test itself:
// each input is timed, in thread CPU time, at n and at 16n characters (the best of several
// runs), and sixteen times the input may take at most 100 times as long:
// a linear scanner takes about 16 times as long, a quadratic one 256 times. The wide margin
// is for the shared machines CI runs on.
//
// The race detector distorts timings out of all proportion (a linear scan measures 300×),
// so a race build runs the measurement in a plain build of this test instead.
func TestPathologicalInputs(t *testing.T) {
	if raceEnabled {
		out, err := exec.Command("go", "test", "-count=1", "-run", "^TestPathologicalInputs$", ".").CombinedOutput()
		if err != nil {
			t.Fatalf("the timing run (a build without -race) failed: %v\n%s", err, out)
		}
		return
	}
	n := 2000
	if testing.Short() {
		n = 500
	}
	inputs := []func(n int) string{
		func(n int) string { return strings.Repeat("a.", n) },
		func(n int) string { return strings.Repeat("1:", n) },
		func(n int) string { return strings.Repeat("1.", n) },
		func(n int) string { return strings.Repeat("a@", n) + "b.com" },
		func(n int) string { return "http://a.com/" + strings.Repeat(")", n) },
		func(n int) string { return strings.Repeat("[", n) + "." + strings.Repeat("]", n) },
		func(n int) string { return strings.Repeat("hxxp://", n) },
		func(n int) string { return strings.Repeat("cve-", n) },
		func(n int) string { return strings.Repeat("f", n) },
		func(n int) string { return strings.Repeat("://a:", n) },
		func(n int) string { return strings.Repeat("xoxb-", n) },
		func(n int) string { return strings.Repeat("token=", n) },
		func(n int) string { return strings.Repeat(`token="`, n) },
		func(n int) string { return strings.Repeat(" password= ", n) },
		func(n int) string { return strings.Repeat("-----BEGIN PRIVATE KEY-----", n/10) },
		func(n int) string { return strings.Repeat("eyJaaaaa.", n) },
		func(n int) string { return strings.Repeat("M"+strings.Repeat("a", 24)+".", n/10) },
		func(n int) string { return strings.Repeat("Authorization: Bearer ", n/10) },
	}
	for i, in := range inputs {
		small, large := scanTime(in(n), 9), scanTime(in(16*n), 5)
		// Below a few milliseconds the clock's resolution and the scheduler dominate: such
		// an input is fast whatever its growth.
		if large > 5*time.Millisecond && large > 100*small {
			t.Errorf("input %d (%.20q…): %d characters took %v, %d took %v — %.0f× for 16× the input, worse than linear",
				i, in(n), len(in(n)), small, len(in(16*n)), large, float64(large)/float64(small))
		}
	}
}

// scanTime is the best of runs runs of Extract and MaskSecrets over s, in CPU time of the
// thread doing it (a busy machine delays a run, it does not make it use more CPU).
func scanTime(s string, runs int) time.Duration {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	best := time.Duration(1 << 62)
	for range runs {
		start := threadCPU()
		Extract(s)
		MaskSecrets(s)
		best = min(best, threadCPU()-start)
	}
	return best
}

func BenchmarkExtract(b *testing.B) {
	text := mixedText(1 << 20)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Extract(text)
	}
}
