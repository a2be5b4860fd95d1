// Package secretscan finds secret values in generated files. underhood never needs one in a template or
// a frontend config: OAuth secrets travel as Secrets Manager references resolved at deploy time.
package secretscan

import "regexp"

// Pattern is one kind of secret and an example of it, so tests can prove the pattern still matches.
type Pattern struct {
	Name    string
	Re      *regexp.Regexp
	Example string
}

// Patterns are the kinds of secret looked for, in a fixed order.
var Patterns = []Pattern{
	{"AWS access key id", regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`), "AKIAIOSFODNN7EXAMPLE"},
	{"AWS secret access key", regexp.MustCompile(`(?i)secret_?access_?key["']?\s*[:=]\s*["'][0-9A-Za-z/+]{40}["']`), `"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"`},
	{"private key", regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`), "-----BEGIN RSA PRIVATE KEY-----"},
	{"Google OAuth client secret", regexp.MustCompile(`GOCSPX-[0-9A-Za-z_-]{10,}`), "GOCSPX-abcdefghijklmnop"},
	{"plaintext client_secret", regexp.MustCompile(`"client_?secret"\s*:\s*"[^{"][^"]*"`), `"client_secret": "hunter2"`},
}

// Finding is one match.
type Finding struct {
	Pattern string
	Offset  int
}

// Scan returns every match in data, in pattern order.
func Scan(data []byte) []Finding {
	var out []Finding
	for _, p := range Patterns {
		for _, loc := range p.Re.FindAllIndex(data, -1) {
			out = append(out, Finding{Pattern: p.Name, Offset: loc[0]})
		}
	}
	return out
}
