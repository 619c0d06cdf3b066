package ioc

import "testing"

func TestDefang(t *testing.T) {
	tests := []struct {
		k       Kind
		in, out string
	}{
		{IPv4, "10.0.0.1", "10.0.0[.]1"},
		{IPv4, "8.8.8.8", "8.8.8[.]8"},
		{IPv4, "10.0.0[.]1", "10.0.0[.]1"}, // idempotent
		{IPv6, "2001:db8::1", "2001[:]db8[:][:]1"},
		{IPv6, "fe80::1", "fe80[:][:]1"},
		{Domain, "evil.example", "evil[.]example"},
		{Domain, "evil.example.com", "evil[.]example[.]com"},
		{Domain, "evil[.]example.com", "evil[.]example[.]com"},
		{Email, "user@evil.example", "user[@]evil[.]example"},
		{Email, "first.last@mail.evil.example", "first.last[@]mail[.]evil[.]example"},
		{URL, "http://evil.example/path", "hxxp://evil[.]example/path"},
		{URL, "https://evil.example/a.php?x=b.c#d.e", "hxxps://evil[.]example/a.php?x=b.c#d.e"},
		{URL, "https://sub.evil.example:8443/", "hxxps://sub[.]evil[.]example:8443/"},
		{URL, "ftp://files.evil.example/pub", "fxp://files[.]evil[.]example/pub"},
		{URL, "ftps://files.evil.example", "fxps://files[.]evil[.]example"},
		{URL, "http://10.1.2.3:8080/x.sh", "hxxp://10.1.2[.]3:8080/x.sh"},
		{URL, "http://[2001:db8::1]:8080/x", "hxxp://[2001:db8::1]:8080/x"},
		{URL, "http://user:pw@evil.example/", "hxxp://user:pw@evil[.]example/"},
		{URL, "HTTP://Evil.Example/A", "hxxp://Evil[.]Example/A"},
		{URL, "hxxp://evil[.]example/path", "hxxp://evil[.]example/path"},
		{URL, "evil.example/path", "evil[.]example/path"},
		{MD5, "d41d8cd98f00b204e9800998ecf8427e", "d41d8cd98f00b204e9800998ecf8427e"},
		{SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{CVE, "CVE-2024-3094", "CVE-2024-3094"},
		{Kind("other"), "a.b", "a.b"},
		{Domain, "", ""},
	}
	checked := 0
	for _, tc := range tests {
		if got := Defang(tc.k, tc.in); got != tc.out {
			t.Errorf("Defang(%s, %q) = %q, want %q", tc.k, tc.in, got, tc.out)
		}
		// When the input is itself a normalised indicator, Extract reads the defanged form back.
		if ex := Extract(Refang(tc.in)); len(ex) == 1 && ex[0].Kind == tc.k && ex[0].Value == Refang(tc.in) {
			checked++
			if got := Extract(tc.out); len(got) != 1 || got[0] != ex[0] {
				t.Errorf("Extract(%q) = %+v, want %+v", tc.out, got, ex[0])
			}
		}
	}
	if checked < 15 {
		t.Errorf("only %d round trips checked", checked)
	}
}

func TestRefang(t *testing.T) {
	tests := map[string]string{
		"evil[.]com":                   "evil.com",
		"evil(.)com evil{.}com":        "evil.com evil.com",
		"evil[dot]com evil(DOT)com":    "evil.com evil.com",
		"user[@]x[.]y user[at]x(dot)y": "user@x.y user@x.y",
		"2001[:]db8[:][:]1":            "2001:db8::1",
		"hxxp://a hXXps://b fxp://c":   "http://a https://b ftp://c",
		"hxxps[://]a[.]b":              "https://a.b",
		"http[:]//a":                   "http://a",
		"[[.]] x[[[.]]]y":              ". x.y",
		"ahxxp://a":                    "ahxxp://a", // not at a word start
		"no brackets here":             "no brackets here",
		"[x] (y) {z} [.) ]":            "[x] (y) {z} [.) ]",
	}
	for in, want := range tests {
		got := Refang(in)
		if got != want {
			t.Errorf("Refang(%q) = %q, want %q", in, got, want)
		}
		if again := Refang(got); again != got {
			t.Errorf("Refang not a fixed point on %q: %q", got, again)
		}
	}
}

func FuzzRefang(f *testing.F) {
	for _, s := range []string{"evil[.]com", "[[.]]", "hxxp[://]a", "h[[.]]xxp://"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Refang(s)
		if Refang(r) != r {
			t.Fatalf("Refang(%q) = %q is not a fixed point", s, r)
		}
		if len(r) > len(s) {
			t.Fatalf("Refang(%q) grew", s)
		}
	})
}
