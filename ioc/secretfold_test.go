package ioc

import "testing"

// Go's case folding, which the rules' (?i) regexps use, also folds ſ (U+017F, long s) with
// s and K (U+212A, Kelvin sign) with k, and so does the IDNA mapping that turns
// hooKs.ſlack.com into hooks.slack.com in a browser or an HTTP client. The hints were
// matched ignoring ASCII case only, so such a text never reached its rule and the secret
// stayed: masking now folds the two as its regexps do.
func TestMaskSecretsFoldsLongSAndKelvin(t *testing.T) {
	const kelvin, longS = "\u212a", "\u017f" // K and ſ
	tests := []struct{ in, want string }{
		{"https://hoo" + kelvin + "s." + longS + "lack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx",
			"https://hoo" + kelvin + "s." + longS + "lack.com/services/T0123ABCD/B0123ABCD/****"},
		{"hook: https://hooks." + longS + "lack.com/workflows/T0123ABCD/A0123ABCD/abcdefghij0123 ok",
			"hook: https://hooks." + longS + "lack.com/workflows/T0123ABCD/A0123ABCD/**** ok"},
		{"https://discord.com/api/webhoo" + kelvin + "s/123456789012345678/AbCd-EfGh_1234567890abcdefghij",
			"https://discord.com/api/webhoo" + kelvin + "s/123456789012345678/****"},
		{"pa" + longS + longS + "word=hunter2", "pa" + longS + longS + "word=[REDACTED]"},
		{"to" + kelvin + "en='t' and DB_PA" + longS + longS + "WORD=x", "to" + kelvin + "en='[REDACTED]' and DB_PA" + longS + longS + "WORD=[REDACTED]"},
		{"mysql --pa" + longS + longS + "word hunter2 -u root", "mysql --pa" + longS + longS + "word [REDACTED] -u root"},
		// Folding must not lose what the text as written shows: here the long s before
		// the token is not a token character, its folded s would be.
		{longS + "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp", longS + "xoxb-****"},
	}
	for _, tc := range tests {
		got, n := MaskSecrets(tc.in)
		if got != tc.want {
			t.Errorf("MaskSecrets(%q)\n got  %q (%d)\n want %q", tc.in, got, n, tc.want)
		}
		if again, n2 := MaskSecrets(got); again != got || n2 != 0 {
			t.Errorf("masking again changed %q to %q (%d)", got, again, n2)
		}
	}
}
