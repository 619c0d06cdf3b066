package ioc

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestMaskSecrets(t *testing.T) {
	tests := []struct {
		name, in, want string
		n              int
	}{
		{"slack bot", "token xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp pasted",
			"token xoxb-**** pasted", 1},
		{"slack user", "xoxp-1111111111-2222222222-3333333333-abcdef", "xoxp-****", 1},
		{"slack app", "xapp-1-A0123ABCD-4567890123-abcdef0123456789", "xapp-****", 1},
		{"slack refresh", "xoxe.xoxp-1-Mi0yLTEyMzQ1Njc4OTAxMjM0", "xoxe.xoxp-****", 1},
		{"slack webhook", "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx",
			"https://hooks.slack.com/services/T0123ABCD/B0123ABCD/****", 1},
		{"discord webhook", "https://discord.com/api/webhooks/123456789012345678/AbCd-EfGh_1234567890abcdefghij",
			"https://discord.com/api/webhooks/123456789012345678/****", 1},
		{"discord bot", "DISCORD_BOT MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB ok",
			"DISCORD_BOT [REDACTED] ok", 1},
		{"aws akia", "key AKIAIOSFODNN7EXAMPLE.", "key AKIA****.", 1},
		{"aws asia", "(ASIAABCDEFGHIJKLMNOP)", "(ASIA****)", 1},
		{"github classic", "ghp_0123456789abcdefghijABCDEFGHIJ012345", "ghp_****", 1},
		{"github oauth app", "gho_0123456789abcdefghijABCDEFGHIJ012345 ghs_0123456789abcdefghijABCDEFGHIJ012345",
			"gho_**** ghs_****", 2},
		{"github fine grained", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW",
			"github_pat_****", 1},
		{"gitlab", "glpat-abcdefghij0123456789", "glpat-****", 1},
		{"google api key", "AIzaSyA-abcdefghijklmnopqrstuvwxyz01234", "AIza****", 1},
		{"jwt", "jwt=eyJ... no; real: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
			"jwt=eyJ... no; real: eyJ****", 1},
		{"bearer header", "curl -H 'Authorization: Bearer abc.def-123' https://api.example.com",
			"curl -H 'Authorization: Bearer [REDACTED]' https://api.example.com", 1},
		{"bearer short", "Authorization: Bearer xyz", "Authorization: Bearer [REDACTED]", 1},
		{"basic header", `"authorization": "Basic dXNlcjpwYXNzd29yZA=="`, `"authorization": "Basic [REDACTED]"`, 1},
		{"discord bot header", "Authorization: Bot abc123", "Authorization: Bot [REDACTED]", 1},
		{"bearer jwt", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig123",
			"Authorization: Bearer [REDACTED]", 1},
		{"header inside header", "AuthoriZAtion:BeArer Authorization: Bot 8f348o7C7v 0",
			"AuthoriZAtion:BeArer [REDACTED]: Bot [REDACTED] 0", 2},
		{"bearer alone", "use Bearer 0123456789abcdefABCDEF here", "use Bearer [REDACTED] here", 1},
		{"password", "password=hunter2", "password=[REDACTED]", 1},
		{"passwd colon", "passwd: s3cr3t!", "passwd: [REDACTED]", 1},
		{"pwd", "pwd=x", "pwd=[REDACTED]", 1},
		{"secret", "secret=abc&next=1", "secret=[REDACTED]&next=1", 1},
		{"api_key quoted", `api_key="k 1"`, `api_key="[REDACTED]"`, 1},
		{"token single quoted", "token='t'", "token='[REDACTED]'", 1},
		{"json", `{"password": "hunter2", "user": "bob"}`, `{"password": "[REDACTED]", "user": "bob"}`, 1},
		{"env", "DB_PASSWORD=hunter2\nCLIENT_SECRET=abc123", "DB_PASSWORD=[REDACTED]\nCLIENT_SECRET=[REDACTED]", 2},
		{"api-key header", "X-Api-Key: 0123abcd", "X-Api-Key: [REDACTED]", 1},
		{"query string", "https://api.example/v1?token=abc123&user=bob", "https://api.example/v1?token=[REDACTED]&user=bob", 1},
		{"yaml", "  aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
			"  aws_secret_access_key: [REDACTED]", 1},
		{"flag", "mysql --password hunter2 -u root", "mysql --password [REDACTED] -u root", 1},
		{"url password", "postgres://admin:hunter2@db.internal:5432/app", "postgres://admin:****@db.internal:5432/app", 1},
		{"defanged url password", "hxxps://bob:pa55@evil[.]example/", "hxxps://bob:****@evil[.]example/", 1},
		{"slack token as value", "token=xoxb-1234567890-abcdefghij", "token=[REDACTED]", 1},
		{"private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7abc\nabcdEFGH==\n-----END RSA PRIVATE KEY-----\nafter",
			"-----BEGIN RSA PRIVATE KEY-----\n[REDACTED]\n-----END RSA PRIVATE KEY-----\nafter", 1},
		{"openssh key one line", "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA -----END OPENSSH PRIVATE KEY-----",
			"-----BEGIN OPENSSH PRIVATE KEY----- [REDACTED] -----END OPENSSH PRIVATE KEY-----", 1},
		{"truncated key", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nMIIEvQIBADANBgkq\nthanks",
			"-----BEGIN PRIVATE KEY-----\n[REDACTED]\nthanks", 1},
		{"pgp key", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF0abc\n-----END PGP PRIVATE KEY BLOCK-----",
			"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n[REDACTED]\n-----END PGP PRIVATE KEY BLOCK-----", 1},
		{"several", "password=a token=b AKIAIOSFODNN7EXAMPLE", "password=[REDACTED] token=[REDACTED] AKIA****", 3},
		// Found by FuzzMaskSecrets: the first key's value is the second key, whose value
		// was skipped with it.
		{"key as the value", "pwd= pwd = hunter2 0", "pwd= pwd = [REDACTED] 0", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, n := MaskSecrets(tc.in)
			if got != tc.want || n != tc.n {
				t.Errorf("MaskSecrets(%q)\n got  %q, %d\n want %q, %d", tc.in, got, n, tc.want, tc.n)
			}
			if again, n2 := MaskSecrets(got); again != got || n2 != 0 {
				t.Errorf("masking again changed %q to %q (%d)", got, again, n2)
			}
		})
	}
}

func TestMaskSecretsLeavesIOCsAndProse(t *testing.T) {
	for _, in := range []string{
		"",
		"sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
		"md5 d41d8cd98f00b204e9800998ecf8427e sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709",
		"commit da39a3ee5e6b4b0d3255bfef95601890afd80709 fixed it",
		"request 550e8400-e29b-41d4-a716-446655440000 failed",
		"https://evil.example/login?user=bob&next=/home",
		"hxxp://evil[.]example/gate.php bob@evil.example 10.0.0[.]1 CVE-2024-3094",
		"ssh bob@10.0.0.1:22 and git@github.com:org/repo.git",
		"password reset requested by bob; the token expired; rotate the secret",
		"the bearer of bad news; Bearer authentication is required",
		"Authorization header missing",
		"max_tokens=100 and tokens: 5",
		"AKIA1234 is too short, ghp_short, xoxb-short, eyJhbGciOi",
		"a.b.c and v2.21.2 and 10.0.19045",
		"password:",
		`password=""`,
		"already password=[REDACTED] and xoxb-**** and postgres://a:****@db",
		"-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----",
		"-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----",
		"deadbeef" + strings.Repeat("0", 56) + " and " + strings.Repeat("ab", 64),
	} {
		if got, n := MaskSecrets(in); got != in || n != 0 {
			t.Errorf("MaskSecrets(%q) = %q, %d; want unchanged", in, got, n)
		}
	}
}

const (
	alnum  = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b64url = alnum + "-_"
	upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	pwchar = alnum + "!#$%^()+[]{}?~.<>"
	urlpw  = alnum + "!#$%^()+[]{}?~.:"
)

func randFrom(r *rand.Rand, set string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[r.IntN(len(set))]
	}
	return string(b)
}

// genSecret makes a secret of one of the supported kinds from a seed. It returns the
// text to embed and the parts that must not survive masking.
func genSecret(kind uint8, seed uint64) (text string, sensitive []string) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	one := func(prefix, secret, suffix string) (string, []string) {
		return prefix + secret + suffix, []string{secret}
	}
	switch kind % 19 {
	case 0:
		return one("xoxb-", randFrom(r, "0123456789", 11)+"-"+randFrom(r, "0123456789", 12)+"-"+randFrom(r, alnum, 24), "")
	case 1:
		return one("xapp-", "1-A"+randFrom(r, upper, 10)+"-"+randFrom(r, "0123456789", 13)+"-"+randFrom(r, "0123456789abcdef", 64), "")
	case 2:
		return one([]string{"AKIA", "ASIA"}[r.IntN(2)], randFrom(r, upper, 16), "")
	case 3:
		return one([]string{"ghp_", "gho_", "ghs_", "ghu_", "ghr_"}[r.IntN(5)], randFrom(r, alnum, 36), "")
	case 4:
		return one("github_pat_", randFrom(r, alnum, 22)+"_"+randFrom(r, alnum, 59), "")
	case 5:
		return one("eyJ", randFrom(r, b64url, 20)+".eyJ"+randFrom(r, b64url, 40)+"."+randFrom(r, b64url, 43), "")
	case 6:
		return one("", string("MNO"[r.IntN(3)])+randFrom(r, b64url, 23)+"."+randFrom(r, b64url, 6)+"."+randFrom(r, b64url, 38), "")
	case 7:
		var lines []string
		for range 4 {
			lines = append(lines, randFrom(r, alnum+"+/", 64))
		}
		typ := []string{"", "RSA ", "EC ", "OPENSSH ", "ENCRYPTED "}[r.IntN(5)]
		return "-----BEGIN " + typ + "PRIVATE KEY-----\n" + strings.Join(lines, "\n") + "\n-----END " + typ + "PRIVATE KEY-----", lines
	case 8:
		return one("Authorization: "+[]string{"Bearer ", "bearer ", "Basic ", "Bot "}[r.IntN(4)], randFrom(r, b64url+".~+/", 8+r.IntN(40)), "")
	case 9:
		return one("Bearer ", randFrom(r, b64url, 24)+"9", "")
	case 10, 11, 12:
		key := []string{"password", "passwd", "pwd", "secret", "api_key", "token", "DB_PASSWORD", "client_secret", "apiKey", "X-Api-Key"}[r.IntN(10)]
		sep := []string{"=", ": ", " = ", ":"}[r.IntN(4)]
		return one(key+sep, randFrom(r, alnum, 1)+randFrom(r, pwchar, 6+r.IntN(20)), "")
	case 13:
		key := []string{"password", "secret", "token", "api_key"}[r.IntN(4)]
		return one(`{"`+key+`": "`, randFrom(r, pwchar+" ", 8+r.IntN(20)), `"}`)
	case 14:
		return one("--password ", randFrom(r, alnum, 1)+randFrom(r, pwchar, 10), "")
	case 15:
		scheme := []string{"postgres", "mysql", "https", "hxxp", "redis", "amqp"}[r.IntN(6)]
		return one(scheme+"://"+randFrom(r, alnum, 5)+":", randFrom(r, urlpw, 8+r.IntN(16)), "@db.example:5432/app")
	case 16:
		return one("https://hooks.slack.com/services/T"+randFrom(r, upper, 8)+"/B"+randFrom(r, upper, 8)+"/", randFrom(r, alnum, 24), "")
	case 17:
		return one("https://discord.com/api/webhooks/"+randFrom(r, "0123456789", 18)+"/", randFrom(r, b64url, 68), "")
	default:
		return one("glpat-", randFrom(r, b64url, 20), "")
	}
}

func FuzzMaskSecrets(f *testing.F) {
	f.Add("deploy log:", "thanks", uint8(0), uint64(1))
	f.Add("", "", uint8(7), uint64(2))
	f.Add(`password="`, `"`, uint8(2), uint64(3))
	f.Add("-----BEGIN PRIVATE KEY-----", "", uint8(10), uint64(4))
	f.Add("Authorization: Bearer", "xoxb-", uint8(5), uint64(5))
	f.Add("http://u:", "@h", uint8(15), uint64(6))
	f.Fuzz(func(t *testing.T, prefix, suffix string, kind uint8, seed uint64) {
		// Never panics on arbitrary text, and masked text has nothing left to mask.
		if out, _ := MaskSecrets(prefix + suffix); out != "" {
			if again, n := MaskSecrets(out); n != 0 {
				t.Fatalf("second pass over %q masked %d more: %q", out, n, again)
			}
		}
		secret, sensitive := genSecret(kind, seed)
		in := prefix + " " + secret + " " + suffix
		out, n := MaskSecrets(in)
		if n < 1 {
			t.Fatalf("MaskSecrets(%q) masked nothing", in)
		}
		for _, s := range sensitive {
			if strings.Contains(prefix, s) || strings.Contains(suffix, s) {
				continue
			}
			if strings.Contains(out, s) {
				t.Fatalf("secret %q survived:\n in  %q\n out %q", s, in, out)
			}
		}
	})
}

func BenchmarkMaskSecrets(b *testing.B) {
	text := mixedText(1 << 20)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		MaskSecrets(text)
	}
}
