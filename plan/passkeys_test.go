package plan

import (
	"strings"
	"testing"
)

func TestPasskeysOrphaned(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           string // "" = no finding
	}{
		{"passkeys turned on", "", "example.com", ""},
		{"unchanged", "example.com", "example.com", ""},
		{"moved to a subdomain", "example.com", "app.example.com", "changed to app.example.com"},
		{"removed", "example.com", "", "is removed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			props := func(rp string) map[string]any {
				p := map[string]any{"UserPoolTier": "ESSENTIALS"}
				if rp != "" {
					p["WebAuthnRelyingPartyID"] = rp
				}
				return p
			}
			got := passkeysOrphaned(props(tt.old), props(tt.new))
			switch {
			case tt.want == "" && len(got) > 0:
				t.Errorf("unexpected finding: %s", got[0].what)
			case tt.want != "" && (len(got) != 1 || !strings.Contains(got[0].what, tt.want) || got[0].paths[0] != "Properties.WebAuthnRelyingPartyID"):
				t.Errorf("got %+v, want one finding on WebAuthnRelyingPartyID saying %q", got, tt.want)
			}
		})
	}
}
