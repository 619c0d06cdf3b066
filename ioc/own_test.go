package ioc

import (
	"testing"
)

// Account names written initial.surname are not domains (issue: j.smith was listed), while
// real domains, reserved test names and new TLDs still are.
func TestAccountNamesAreNotDomains(t *testing.T) {
	for _, name := range []string{"j.smith", "k.weber", "svc.backup", "r.oconnor", "adm.jdoe", "Mail.ReadWrite"} {
		if got := Extract("user " + name + " logged on"); len(got) != 0 {
			t.Errorf("%s listed as %v", name, got)
		}
	}
	for _, d := range []string{"evil.example", "update-check.site", "mega.nz", "t.co", "x7k2.dnslog-sink.xyz", "sharepoint-docs.pages.dev", "dc01.corp"} {
		if got := Extract("seen " + d + " today"); len(got) != 1 || got[0].Kind != Domain || got[0].Value != d {
			t.Errorf("%s: %v", d, got)
		}
	}
	// In an e-mail address or a URL the host is taken as written.
	if got := Extract("mail from j.smith@corp.example and http://host.smith/x"); len(got) != 2 {
		t.Errorf("%v", got)
	}
}

// The organisation's own domains and networks are never listed: not as domains, not as
// the host of a URL, not as an e-mail domain, not as addresses.
func TestOwnIsNeverListed(t *testing.T) {
	own, err := NewOwn([]string{"Example.com."}, []string{"10.0.0.0/8", "2001:db8::/32", "203.0.113.9"})
	if err != nil {
		t.Fatal(err)
	}
	text := "vpn.example.com hit from 185.220.101.45; https://owa.example.com/owa login by j.smith@example.com; " +
		"host 10.1.2.3 and 2001:db8::5 and 203.0.113.9; http://10.9.9.9/x; notexample.com and example.com.evil.net stay"
	got := own.Filter(Extract(text))
	var values []string
	for _, x := range got {
		values = append(values, x.Value)
	}
	want := []string{"185.220.101.45", "notexample.com", "example.com.evil.net"}
	if len(values) != len(want) {
		t.Fatalf("listed %q, want %q", values, want)
	}
	for i := range want {
		if values[i] != want[i] {
			t.Fatalf("listed %q, want %q", values, want)
		}
	}
	var none *Own
	if len(none.Filter(Extract(text))) != len(Extract(text)) {
		t.Error("a nil Own filtered something")
	}
	for _, bad := range [][2][]string{{{"exa mple.com"}, nil}, {nil, {"10.0.0.0/33"}}, {nil, {"intranet"}}} {
		if _, err := NewOwn(bad[0], bad[1]); err == nil {
			t.Errorf("NewOwn(%q, %q) accepted", bad[0], bad[1])
		}
	}
}
