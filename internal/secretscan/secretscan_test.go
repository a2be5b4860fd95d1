package secretscan

import "testing"

func TestPatternsMatchTheirExamples(t *testing.T) {
	for _, p := range Patterns {
		if got := Scan([]byte("x " + p.Example + " y")); len(got) == 0 || got[0].Pattern != p.Name {
			t.Errorf("%s: example %q not found (got %v)", p.Name, p.Example, got)
		}
	}
	if got := Scan([]byte(`{"client_secret": "{{resolve:secretsmanager:app/google:SecretString:clientSecret::}}"}`)); len(got) != 0 {
		t.Errorf("a Secrets Manager reference counts as a secret: %v", got)
	}
}
